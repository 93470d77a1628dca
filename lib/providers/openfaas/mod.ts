/**
 * The openfaas provider: relays another gateway's `GET /system/logs`, one
 * upstream request per stream, cursors passed through when the upstream is
 * fnlogs. Here: the provider. May import lib/gateway/, lib/ (types, errors)
 * and the shared files of lib/providers/; never another provider or
 * lib/client/.
 *
 * @module
 */
import { UsageError } from "../../errors.ts";
import { hideCredentials } from "../../http/hide_credentials.ts";
import type { GatewayAuth } from "../../gateway/build_log_request.ts";
import type { ProviderDefinition } from "../provider_definition.ts";
import { anyText, type ProviderFlag } from "../provider_flag.ts";

/** What the openfaas provider is created with. */
export interface OpenFaasOptions {
  /** The gateway to relay, without credentials or a trailing slash. */
  readonly upstream: string;
  /** Its credentials. */
  readonly upstreamAuth?: GatewayAuth;
}

const UPSTREAM: ProviderFlag<string> = {
  name: "upstream",
  value: "URL",
  help: "another gateway to relay (credentials as http://user:pw@host\n" +
    "or --upstream-token TOKEN, env FNLOGS_UPSTREAM_TOKEN)",
  impliesProvider: true,
  parse: anyText,
};
const UPSTREAM_TOKEN: ProviderFlag<string> = {
  name: "upstream-token",
  value: "TOKEN",
  help: { describedBy: UPSTREAM },
  env: "FNLOGS_UPSTREAM_TOKEN",
  parse: anyText,
};

/**
 * The gateway URL without its credentials (`http://user:pw@host`), which
 * become basic auth, and without a trailing slash; a token wins over them.
 */
function upstreamOptions(upstream: string, token: string | undefined): OpenFaasOptions {
  let url: URL;
  try {
    url = new URL(upstream);
  } catch {
    throw new UsageError(`--upstream must be an http(s) URL, got "${hideCredentials(upstream)}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`--upstream must be an http(s) URL, got "${hideCredentials(upstream)}"`);
  }
  let upstreamAuth: GatewayAuth | undefined;
  if (url.username !== "") {
    let username: string, password: string;
    try {
      username = decodeURIComponent(url.username);
      password = decodeURIComponent(url.password);
    } catch {
      throw new UsageError("--upstream: the URL's user or password has a bad % escape");
    }
    upstreamAuth = { kind: "basic", username, password };
    url.username = "";
    url.password = "";
  }
  if (token !== undefined) upstreamAuth = { kind: "bearer", token };
  return { upstream: url.href.replace(/\/+$/, ""), upstreamAuth };
}

/** The openfaas provider in the registry. */
export const openfaasDefinition: ProviderDefinition<"openfaas", OpenFaasOptions> = {
  kind: "openfaas",
  summary: "another gateway's /system/logs",
  flags: [UPSTREAM, UPSTREAM_TOKEN],
  options: (flag) => {
    const upstream = flag(UPSTREAM);
    if (upstream === undefined) throw new UsageError("--provider openfaas needs --upstream URL");
    return upstreamOptions(upstream, flag(UPSTREAM_TOKEN));
  },
  create: async (options) => {
    // Loaded when used, as the other providers are.
    const { OpenFaasProvider } = await import("./provider.ts");
    return new OpenFaasProvider({
      upstream: options.upstream,
      auth: options.upstreamAuth,
      defaultNamespace: options.namespace,
    });
  },
};

/**
 * The gateways one `fnlogs logs` run reads, each with its credentials,
 * trusted certificates and the label its lines carry when there are several.
 *
 * @module
 */
import type { GatewayAuth } from "../../lib/gateway/build_log_request.ts";
import { readFaasCliAuth } from "../../lib/gateway/read_faas_cli_auth.ts";
import { ConfigFile } from "../config/config_file.ts";
import { normalizeGateway } from "./gateway_flags.ts";
import { UsageError } from "../../lib/errors.ts";

/** One gateway to read. */
export interface GatewayTarget {
  readonly url: string;
  /** Where its lines came from, for the prefix when there are several gateways. */
  readonly label: string;
  readonly auth: GatewayAuth | undefined;
  /** PEM root certificates trusted besides the default ones. */
  readonly caCerts: string[] | undefined;
}

/** What {@linkcode resolveTargets} needs from the flags. */
export interface TargetFlags {
  readonly gateways: readonly string[];
  readonly context?: string;
  readonly token?: string;
  readonly caCert?: string;
}

/** What {@linkcode resolveTargets} found. */
export interface Targets {
  readonly targets: readonly GatewayTarget[];
  /** The context's default namespace, if it names one. */
  readonly namespace?: string;
}

/** `host:port` of a gateway URL (the port only when the URL gives one). */
function labelOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

/** A file a flag names, or a usage error that names the flag and says why. */
async function readFlagFile(flag: string, path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    throw new UsageError(`--${flag}: cannot read ${path}: ${(error as Error).message}`);
  }
}

/**
 * The gateways of `-g` (or of `--context` in the config file), each with
 * its credentials: `-k` for all of them, else what the context says, else
 * what `faas-cli login` saved for that gateway; `--cacert` is trusted for
 * all of them, a context's `cacert` for its gateway. Throws what
 * {@linkcode ConfigFile.context} throws.
 */
export async function resolveTargets(
  flags: TargetFlags,
  env: (name: string) => string | undefined,
): Promise<Targets> {
  const shared = flags.caCert === undefined
    ? undefined
    : await readFlagFile("cacert", flags.caCert);
  const withShared = (own: string[] | undefined) =>
    shared === undefined ? own : [...(own ?? []), shared];
  const authOf = async (url: string, own: GatewayAuth | undefined) =>
    flags.token !== undefined
      ? { kind: "bearer" as const, token: flags.token }
      : own ?? await readFaasCliAuth(url, { env });
  if (flags.context !== undefined) {
    const context = await ConfigFile.locate(env).context(flags.context, normalizeGateway);
    const targets: GatewayTarget[] = [];
    for (const g of context.gateways) {
      targets.push({
        url: g.url,
        label: g.label ?? labelOf(g.url),
        auth: await authOf(g.url, g.auth),
        caCerts: withShared(g.caCerts),
      });
    }
    return context.namespace === undefined
      ? { targets }
      : { targets, namespace: context.namespace };
  }
  const targets: GatewayTarget[] = [];
  for (const url of flags.gateways) {
    targets.push({
      url,
      label: labelOf(url),
      auth: await authOf(url, undefined),
      caCerts: withShared(undefined),
    });
  }
  return { targets };
}

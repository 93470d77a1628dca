/**
 * The flags that choose and configure a provider, parsed the same way for
 * `fnlogs serve` and for `fnlogs logs --provider ...` (direct mode).
 *
 * @module
 */
import {
  isProviderKind,
  PROVIDER_KINDS,
  type ProviderOptions,
} from "../lib/providers/create_provider.ts";
import { UsageError } from "../lib/errors.ts";
import { natsProvider } from "../lib/providers/nats/mod.ts";

/** Provider flags, by long name; each takes a value. */
export const PROVIDER_FLAGS = [
  "provider",
  "stack",
  "history-lines",
  "history-bytes",
  "data-dir",
  "data-max-bytes",
  "data-segment-bytes",
  "max-line-length",
  "kubeconfig",
  "context",
  "reorder-window",
  "docker-host",
  "journal-dir",
  "journalctl",
  "upstream",
  "upstream-token",
  ...natsProvider.flags.map((f) => f.name),
];

/** The nats provider's flags, from its definition, in this help's columns. */
function natsFlagsHelp(): string {
  return natsProvider.flags.map((f, i) => {
    const flag = `${i === 0 ? "  nats" : ""}`.padEnd(14) + `--${f.name} ${f.value}`;
    const help = f.help + (f.env === undefined ? "" : ` (env ${f.env})`);
    return flag.length < 31 ? flag.padEnd(31) + help : `${flag}\n${"".padEnd(31)}${help}`;
  }).join("\n");
}

/** Help text for the provider flags, shared by both commands. */
export const PROVIDER_FLAGS_HELP = `PROVIDERS
      --provider KIND          where logs come from: ${PROVIDER_KINDS.join(", ")}
                               (default: local; --stack implies local, --upstream openfaas)
  local       --stack FILE     stack file whose functions run as local processes
              --history-lines N, --history-bytes N
                               history kept per function (default 10000 lines, 16 MiB)
              --data-dir DIR   also keep each function's history in files there: a restart
                               keeps it and cursors resume (env FNLOGS_DATA_DIR; default off)
              --data-max-bytes N, --data-segment-bytes N
                               disk kept per function (oldest file deleted first), and per
                               file (default 256 MiB, and a quarter of that up to 64 MiB)
  kubernetes  --kubeconfig PATH  (default $KUBECONFIG, ~/.kube/config, else in-cluster)
              --context NAME   kubeconfig context (default: the current one)
              --reorder-window MS  merge pods in timestamp order within MS (default 100)
  docker      --docker-host URL  unix://PATH or tcp://HOST:PORT (default $DOCKER_HOST,
                               else unix:///var/run/docker.sock); Podman's API works too
  journald    --journal-dir DIR  read journal files there (default: the system journal)
              --journalctl PATH  the journalctl program
  openfaas    --upstream URL   another gateway to relay (credentials as http://user:pw@host
                               or --upstream-token TOKEN, env FNLOGS_UPSTREAM_TOKEN)
${natsFlagsHelp()}
      --max-line-length N      longer lines are cut with a marker (default 65536)
`;

/**
 * A flag's whole-number value, `undefined` when the flag was not given.
 * Throws {@linkcode UsageError} for anything else or a value below `min`.
 */
export function integerFlag(
  flag: string,
  text: string | undefined,
  min: number,
): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min) {
    throw new UsageError(`--${flag} must be an integer of at least ${min}, got "${text}"`);
  }
  return Number(text);
}

/**
 * Reads the provider flags through `get` (the flag's value or `undefined`).
 * The kind is `--provider`, else implied by `--stack` (local) or
 * `--upstream` (openfaas), else `fallback`; `undefined` when none applies
 * (the client then talks to a gateway). Throws {@linkcode UsageError}.
 *
 * @example
 * ```ts
 * import { parseProviderFlags } from "./provider_flags.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const flags: Record<string, string> = { upstream: "http://admin:pw@gw:8080" };
 * const options = parseProviderFlags((f) => flags[f], () => undefined);
 * assertEquals(options?.kind, "openfaas");
 * assertEquals(options?.upstream, "http://gw:8080");
 * assertEquals(options?.upstreamAuth, { kind: "basic", username: "admin", password: "pw" });
 * ```
 */
export function parseProviderFlags(
  get: (flag: string) => string | undefined,
  env: (name: string) => string | undefined,
  fallback?: ProviderOptions["kind"],
): ProviderOptions | undefined {
  const explicit = get("provider");
  const kind = explicit ??
    (get("stack") !== undefined ? "local" : get("upstream") !== undefined ? "openfaas" : fallback);
  if (kind === undefined) return undefined;
  if (!isProviderKind(kind)) {
    throw new UsageError(`Unknown provider "${kind}": choose one of ${PROVIDER_KINDS.join(", ")}`);
  }
  let upstream = get("upstream");
  let upstreamAuth: ProviderOptions["upstreamAuth"];
  if (kind === "openfaas") {
    if (upstream === undefined) throw new UsageError("--provider openfaas needs --upstream URL");
    let url: URL;
    try {
      url = new URL(upstream);
    } catch {
      throw new UsageError(`--upstream must be an http(s) URL, got "${upstream}"`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new UsageError(`--upstream must be an http(s) URL, got "${upstream}"`);
    }
    if (url.username !== "") {
      upstreamAuth = {
        kind: "basic",
        username: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
      };
      url.username = "";
      url.password = "";
    }
    upstream = url.href.replace(/\/+$/, "");
    const token = get("upstream-token") ?? env("FNLOGS_UPSTREAM_TOKEN");
    if (token !== undefined) upstreamAuth = { kind: "bearer", token };
  }
  return {
    kind,
    stack: kind === "local" ? get("stack") ?? env("FNLOGS_STACK") ?? "stack.yml" : undefined,
    historyLines: integerFlag("history-lines", get("history-lines"), 1),
    historyBytes: integerFlag("history-bytes", get("history-bytes"), 1024),
    dataDir: kind === "local" ? get("data-dir") || env("FNLOGS_DATA_DIR") || undefined : undefined,
    dataMaxBytes: integerFlag("data-max-bytes", get("data-max-bytes"), 4096),
    dataSegmentBytes: integerFlag("data-segment-bytes", get("data-segment-bytes"), 4096),
    maxLineLength: integerFlag("max-line-length", get("max-line-length"), 16),
    kubeconfig: get("kubeconfig"),
    context: get("context"),
    reorderWindowMs: integerFlag("reorder-window", get("reorder-window"), 0),
    dockerHost: get("docker-host") ?? env("DOCKER_HOST"),
    journalDir: get("journal-dir"),
    journalctl: get("journalctl"),
    upstream,
    upstreamAuth,
    nats: kind === "nats" ? natsProvider.options(get, env) : undefined,
  };
}

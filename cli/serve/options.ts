/**
 * `fnlogs serve` flags, parsed once into a typed options object.
 *
 * @module
 */
import { parseArgs } from "@std/cli";
import type { ProviderOptions } from "../../lib/providers/mod.ts";
import { UsageError } from "../../lib/errors.ts";
import type { CredentialSources } from "./load_credentials.ts";
import { parseGoDuration } from "../../lib/go/parse_go_duration.ts";
import { integerFlag, parseProviderFlags, PROVIDER_FLAGS } from "../provider_flags.ts";

/** What `fnlogs serve` runs with. */
export interface ServeOptions {
  readonly help: boolean;
  readonly port: number;
  readonly hostname: string;
  readonly provider: ProviderOptions;
  readonly heartbeatMs: number;
  readonly maxStreamDurationMs?: number;
  readonly maxTail: number;
  readonly coalesce: boolean;
  readonly quiet: boolean;
  /** Serve the live-tail web page at `/ui/` (`--no-ui` turns it off). */
  readonly ui: boolean;
  /** Where the accepted credentials come from (nothing: auth off). */
  readonly credentials: CredentialSources;
  /** Only these namespaces are served (`--namespaces a,b`). */
  readonly namespaces?: readonly string[];
  /** Caps on concurrent streams and request sizes (defaults in the handler). */
  readonly limits: {
    readonly maxStreams?: number;
    readonly maxStreamsPerClient?: number;
    readonly maxQueryBytes?: number;
    readonly maxHeaderBytes?: number;
  };
  /** Close a connection with no request in flight after this long (`--header-timeout`; 0: never). */
  readonly headerTimeoutMs: number;
  /** Connections from one address still waiting for their first request (`--max-pending-per-client`). */
  readonly maxPendingPerClient: number;
  /** The HTTP server: fnlogs' own HTTP/1.1 one, or `Deno.serve` (`--engine`). */
  readonly engine: "fnlogs" | "deno";
  /** PEM files for HTTPS (`--cert`, `--key`; both or neither). */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
}

/** The default header-read deadline, as Go servers commonly set `ReadHeaderTimeout`. */
export const DEFAULT_HEADER_TIMEOUT_MS = 10_000;
/** The default cap on connections from one address that have not sent a request yet. */
export const DEFAULT_MAX_PENDING_PER_CLIENT = 256;

/** The default cap on `tail`. */
export const DEFAULT_MAX_TAIL = 1_000_000;

interface ServeFlags {
  help: boolean;
  quiet: boolean;
  coalesce: boolean;
  ui: boolean;
  port?: string;
  hostname?: string;
  heartbeat?: string;
  "max-stream-duration"?: string;
  "max-tail"?: string;
  _: (string | number)[];
  [flag: string]: unknown;
}

type ParseArgs = (args: string[], options: Record<string, unknown>) => ServeFlags;
const parse: ParseArgs = parseArgs;

function duration(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  let ms: number;
  try {
    ms = parseGoDuration(text);
  } catch (error) {
    throw new UsageError(`--${flag}: ${(error as Error).message}`);
  }
  if (ms < 0) {
    throw new UsageError(`--${flag} must not be negative (0 turns it off), got "${text}"`);
  }
  return ms;
}

/**
 * Parses `fnlogs serve` arguments. `env` supplies `FNLOGS_STACK` and `PORT`
 * defaults. Throws {@linkcode UsageError} with a clear message.
 */
export function parseServeOptions(
  args: string[],
  env: (name: string) => string | undefined,
): ServeOptions {
  const unknown: string[] = [];
  const flags = parse(args, {
    boolean: ["help", "quiet", "coalesce", "ui"],
    string: [
      "port",
      "hostname",
      ...PROVIDER_FLAGS,
      "heartbeat",
      "basic-auth-user",
      "basic-auth-password",
      "secrets-dir",
      "token",
      "token-file",
      "namespaces",
      "cert",
      "key",
      "max-streams",
      "max-streams-per-client",
      "max-query-bytes",
      "max-header-bytes",
      "max-stream-duration",
      "max-tail",
      "header-timeout",
      "max-pending-per-client",
      "engine",
    ],
    negatable: ["coalesce", "ui"],
    collect: ["token", "token-file"],
    default: { coalesce: true, ui: true },
    alias: { h: "help", p: "port", q: "quiet" },
    unknown: (arg: string) => {
      if (arg.startsWith("-")) unknown.push(arg);
      return true;
    },
  });
  if (unknown.length > 0) throw new UsageError(`Unknown option ${unknown[0]} for "serve"`);
  if (flags._.length > 0) throw new UsageError(`Unexpected argument "${flags._[0]}" for "serve"`);
  const port = integerFlag("port", flags.port ?? env("PORT"), 0) ?? 8080;
  const certFile = flags.cert as string | undefined, keyFile = flags.key as string | undefined;
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new UsageError("HTTPS needs both --cert FILE and --key FILE");
  }
  const engine = (flags.engine as string | undefined) ?? "fnlogs";
  if (engine !== "fnlogs" && engine !== "deno") {
    throw new UsageError(`--engine must be fnlogs or deno, got "${engine}"`);
  }
  if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}`);
  return {
    help: flags.help,
    quiet: flags.quiet,
    coalesce: flags.coalesce,
    ui: flags.ui,
    port,
    hostname: flags.hostname ?? "127.0.0.1",
    provider: parseProviderFlags((flag) => flags[flag] as string | undefined, env, "local")!,
    heartbeatMs: duration("heartbeat", flags.heartbeat) ?? 15_000,
    maxStreamDurationMs: duration("max-stream-duration", flags["max-stream-duration"]) || undefined,
    maxTail: integerFlag("max-tail", flags["max-tail"], 1) ?? DEFAULT_MAX_TAIL,
    engine,
    headerTimeoutMs: duration("header-timeout", flags["header-timeout"] as string | undefined) ??
      DEFAULT_HEADER_TIMEOUT_MS,
    maxPendingPerClient: integerFlag(
      "max-pending-per-client",
      flags["max-pending-per-client"] as string | undefined,
      0,
    ) ?? DEFAULT_MAX_PENDING_PER_CLIENT,
    credentials: {
      user: (flags["basic-auth-user"] as string | undefined) ?? env("FNLOGS_BASIC_AUTH_USER"),
      password: (flags["basic-auth-password"] as string | undefined) ??
        env("FNLOGS_BASIC_AUTH_PASSWORD"),
      secretsDir: (flags["secrets-dir"] as string | undefined) ?? env("FNLOGS_SECRETS_DIR"),
      tokens: (flags.token as string[] | undefined) ?? [],
      tokenFiles: (flags["token-file"] as string[] | undefined) ?? [],
    },
    limits: {
      maxStreams: integerFlag("max-streams", flags["max-streams"] as string | undefined, 1),
      maxStreamsPerClient: integerFlag(
        "max-streams-per-client",
        flags["max-streams-per-client"] as string | undefined,
        1,
      ),
      maxQueryBytes: integerFlag(
        "max-query-bytes",
        flags["max-query-bytes"] as string | undefined,
        64,
      ),
      maxHeaderBytes: integerFlag(
        "max-header-bytes",
        flags["max-header-bytes"] as string | undefined,
        256,
      ),
    },
    ...(certFile === undefined ? {} : { tls: { certFile, keyFile: keyFile! } }),
    ...(flags.namespaces === undefined ? {} : {
      namespaces: (flags.namespaces as string).split(",").map((n) => n.trim()).filter((n) =>
        n !== ""
      ),
    }),
  };
}

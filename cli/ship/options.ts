/**
 * `fnlogs ship` flags, parsed once into a typed options object.
 *
 * @module
 */
import { parseArgs } from "@std/cli";
import { UsageError } from "../../lib/errors.ts";
import { parseGoDuration } from "../../lib/go/parse_go_duration.ts";
import type { ProviderOptions } from "../../lib/providers/mod.ts";
import { DEFAULT_STREAM, parseNatsServers } from "../../lib/providers/nats/servers.ts";
import { DEFAULT_SUBJECT_PREFIX, isSubjectPrefix } from "../../lib/providers/nats/subject.ts";
import type { StreamSettings } from "../../lib/ship/stream_setup.ts";
import { integerFlag, parseProviderFlags, PROVIDER_FLAGS } from "../provider_flags.ts";

/** What `fnlogs ship` runs with. */
export interface ShipOptions {
  readonly help: boolean;
  /** The provider read (`--from KIND` and its flags). */
  readonly provider: ProviderOptions;
  /** NATS server URLs (`--to`, several for a cluster). */
  readonly servers: string[];
  readonly token?: string;
  readonly stream: StreamSettings;
  readonly namespace?: string;
  readonly maxInFlight: number;
  readonly ackTimeoutMs: number;
  readonly statsIntervalMs: number;
  readonly discoverIntervalMs: number;
  readonly drainTimeoutMs: number;
}

const VALUE_FLAGS = [
  "from",
  "to",
  "nats-token",
  "stream",
  "subject-prefix",
  "replicas",
  "max-age",
  "max-bytes",
  "duplicate-window",
  "namespace",
  "max-in-flight",
  "ack-timeout",
  "stats-interval",
  "discover-interval",
  "drain-timeout",
] as const;

function duration(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  try {
    return parseGoDuration(text);
  } catch (error) {
    throw new UsageError(`--${flag}: ${(error as Error).message}`);
  }
}

/** A duration that must be more than zero (a pause between tries, a wait). */
function positiveDuration(flag: string, text: string | undefined, fallback: number): number {
  const ms = duration(flag, text, fallback);
  if (!(ms > 0)) throw new UsageError(`--${flag} must be more than 0, got "${text}"`);
  return ms;
}

/**
 * Parses `fnlogs ship` arguments. Throws {@linkcode UsageError} with a clear
 * message.
 *
 * @example
 * ```ts
 * import { parseShipOptions } from "./options.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const options = parseShipOptions(
 *   ["--from", "local", "--stack", "stack.yml", "--to", "nats://a:4222", "--to", "b:4223"],
 *   () => undefined,
 * );
 * assertEquals(options.servers, ["nats://a:4222", "b:4223"]);
 * assertEquals(options.stream.name, "FNLOGS");
 * ```
 */
export function parseShipOptions(
  args: string[],
  env: (name: string) => string | undefined,
): ShipOptions {
  const unknown: string[] = [];
  const flags = parseArgs(args, {
    boolean: ["help"],
    string: [...VALUE_FLAGS, ...PROVIDER_FLAGS.filter((f) => f !== "provider")],
    collect: ["to"],
    alias: { h: "help" },
    unknown: (arg: string) => {
      if (arg.startsWith("-")) unknown.push(arg);
      return true;
    },
  }) as unknown as Record<string, unknown> & { help: boolean; to: string[]; _: unknown[] };
  if (unknown.length > 0) throw new UsageError(`Unknown option ${unknown[0]} for "ship"`);
  if (flags._.length > 0) throw new UsageError(`Unexpected argument "${flags._[0]}" for "ship"`);
  const str = (flag: string) => flags[flag] as string | undefined;
  const help = flags.help;
  const from = str("from");
  if (help) return { help } as ShipOptions;
  if (from === undefined) {
    throw new UsageError("fnlogs ship needs --from KIND (the provider to read)");
  }
  if (from === "nats") {
    throw new UsageError("--from nats: the shipper reads an orchestrator, not NATS");
  }
  const provider = parseProviderFlags((f) => f === "provider" ? from : str(f), env)!;
  const to = flags.to.length > 0 ? flags.to : [env("FNLOGS_NATS_URL") ?? ""].filter((u) => u);
  if (to.length === 0) throw new UsageError("fnlogs ship needs --to nats://HOST:PORT");
  const servers = [...to];
  try {
    parseNatsServers(to);
  } catch (error) {
    throw new UsageError(`--to: ${(error as Error).message}`);
  }
  const subjectPrefix = str("subject-prefix") ?? DEFAULT_SUBJECT_PREFIX;
  if (!isSubjectPrefix(subjectPrefix)) {
    throw new UsageError(`--subject-prefix must be dotted plain tokens, got "${subjectPrefix}"`);
  }
  const name = str("stream") ?? DEFAULT_STREAM;
  if (!/^[A-Za-z0-9_-]+$/.test(name)) {
    throw new UsageError(`--stream must be letters, digits, _ or -, got "${name}"`);
  }
  const replicas = integerFlag("replicas", str("replicas"), 1) ?? 1;
  if (replicas > 5) throw new UsageError(`--replicas must be at most 5, got ${replicas}`);
  const maxBytes = str("max-bytes") === undefined
    ? -1
    : integerFlag("max-bytes", str("max-bytes"), 1)!;
  const token = str("nats-token") ?? env("FNLOGS_NATS_TOKEN");
  return {
    help,
    provider,
    servers,
    ...(token === undefined ? {} : { token }),
    namespace: str("namespace"),
    stream: {
      name,
      subjectPrefix,
      replicas,
      maxAgeMs: duration("max-age", str("max-age"), 0),
      maxBytes,
      duplicateWindowMs: duration("duplicate-window", str("duplicate-window"), 120_000),
    },
    maxInFlight: integerFlag("max-in-flight", str("max-in-flight"), 1) ?? 4096,
    ackTimeoutMs: positiveDuration("ack-timeout", str("ack-timeout"), 5000),
    statsIntervalMs: duration("stats-interval", str("stats-interval"), 10_000),
    discoverIntervalMs: positiveDuration("discover-interval", str("discover-interval"), 5000),
    drainTimeoutMs: positiveDuration("drain-timeout", str("drain-timeout"), 30_000),
  };
}

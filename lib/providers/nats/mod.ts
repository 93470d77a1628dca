/**
 * The nats provider as one definition: its kind, its flags as data (with
 * help text), a pure function from flag values to options, and `create`.
 *
 * @module
 */
import { UsageError } from "../../errors.ts";
import type { LogProvider } from "../../types.ts";
import { parseNatsServers } from "./connection.ts";
import { DEFAULT_STREAM, NatsProvider, type NatsProviderOptions } from "./provider.ts";
import { DEFAULT_SUBJECT_PREFIX, isSubjectPrefix } from "./subject.ts";

export { DEFAULT_STREAM, NatsProvider, type NatsProviderOptions } from "./provider.ts";

/** One flag of a provider, described as data. */
export interface ProviderFlag {
  /** The long name, without dashes. */
  readonly name: string;
  /** What the value looks like, for help. */
  readonly value: string;
  readonly help: string;
  /** An environment variable read when the flag is absent. */
  readonly env?: string;
}

/** The options the flags give (the rest comes from the command: namespace, notices). */
export type NatsFlagOptions = Pick<
  NatsProviderOptions,
  "servers" | "token" | "stream" | "subjectPrefix"
>;

const FLAGS: readonly ProviderFlag[] = [
  {
    name: "nats",
    value: "URL",
    help: "NATS servers, comma-separated (nats://[USER:PW@]HOST:PORT)",
    env: "FNLOGS_NATS_URL",
  },
  { name: "nats-stream", value: "NAME", help: `JetStream stream (default ${DEFAULT_STREAM})` },
  {
    name: "nats-subject-prefix",
    value: "PREFIX",
    help: `subjects PREFIX.NS.FN.INSTANCE (default ${DEFAULT_SUBJECT_PREFIX})`,
  },
  { name: "nats-token", value: "TOKEN", help: "NATS token", env: "FNLOGS_NATS_TOKEN" },
];

/**
 * Flag values to options. Throws {@linkcode UsageError} for values that
 * cannot work.
 */
function options(
  get: (flag: string) => string | undefined,
  env: (name: string) => string | undefined,
): NatsFlagOptions {
  const urls = get("nats") ?? env("FNLOGS_NATS_URL");
  if (urls === undefined) throw new UsageError("--provider nats needs --nats URL");
  const servers = [urls];
  try {
    parseNatsServers(servers);
  } catch (error) {
    throw new UsageError(`--nats: ${(error as Error).message}`);
  }
  const subjectPrefix = get("nats-subject-prefix") ?? DEFAULT_SUBJECT_PREFIX;
  if (!isSubjectPrefix(subjectPrefix)) {
    throw new UsageError(
      `--nats-subject-prefix must be dotted plain tokens, got "${subjectPrefix}"`,
    );
  }
  const stream = get("nats-stream") ?? DEFAULT_STREAM;
  if (!/^[A-Za-z0-9_-]+$/.test(stream)) {
    throw new UsageError(`--nats-stream must be letters, digits, _ or -, got "${stream}"`);
  }
  const token = get("nats-token") ?? env("FNLOGS_NATS_TOKEN");
  return { servers, stream, subjectPrefix, ...(token === undefined ? {} : { token }) };
}

/**
 * The nats provider's definition.
 *
 * @example Flags to options
 * ```ts
 * import { natsProvider } from "./mod.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const flags: Record<string, string> = { nats: "nats://127.0.0.1:4222" };
 * const options = natsProvider.options((f) => flags[f], () => undefined);
 * assertEquals(options.stream, "FNLOGS");
 * ```
 */
export const natsProvider = {
  kind: "nats",
  flags: FLAGS,
  options,
  /** Connects (waiting until a server answers) and returns the provider. */
  create(options: NatsProviderOptions): Promise<LogProvider> {
    return NatsProvider.connect(options);
  },
} as const;

/**
 * The nats provider: function logs from a NATS JetStream stream that
 * `fnlogs ship` fills, so that any number of stateless `fnlogs serve`
 * replicas answer with the stream sequence as an exact cursor. Here: the
 * provider, its connection, subjects, record codec and ordered reader. May
 * import lib/ (types, errors, time, async) and the shared files of
 * lib/providers/; never another provider or lib/client/.
 *
 * @module
 */
import { UsageError } from "../../errors.ts";
import type { ProviderDefinition } from "../provider_definition.ts";
import { anyText, type ProviderFlag } from "../provider_flag.ts";
import type { NatsProviderOptions } from "./provider.ts";
import { DEFAULT_STREAM, parseNatsServers } from "./servers.ts";
import { DEFAULT_SUBJECT_PREFIX, isSubjectPrefix } from "./subject.ts";

export type { NatsProviderOptions } from "./provider.ts";
export { DEFAULT_STREAM } from "./servers.ts";

/** What the nats provider is created with (the rest comes from the command). */
export type NatsOptions = Pick<
  NatsProviderOptions,
  "servers" | "token" | "stream" | "subjectPrefix"
>;

const NATS: ProviderFlag<string> = {
  name: "nats",
  value: "URL",
  help: "NATS servers, comma-separated (nats://[USER:PW@]HOST:PORT)",
  env: "FNLOGS_NATS_URL",
  impliesProvider: true,
  parse: anyText,
};
const NATS_STREAM: ProviderFlag<string> = {
  name: "nats-stream",
  value: "NAME",
  help: `JetStream stream (default ${DEFAULT_STREAM})`,
  parse: (text, flag) => {
    if (!/^[A-Za-z0-9_-]+$/.test(text)) {
      throw new UsageError(`--${flag} must be letters, digits, _ or -, got "${text}"`);
    }
    return text;
  },
};
const NATS_SUBJECT_PREFIX: ProviderFlag<string> = {
  name: "nats-subject-prefix",
  value: "PREFIX",
  help: `subjects PREFIX.NS.FN.INSTANCE (default ${DEFAULT_SUBJECT_PREFIX})`,
  parse: (text, flag) => {
    if (!isSubjectPrefix(text)) {
      throw new UsageError(`--${flag} must be dotted plain tokens, got "${text}"`);
    }
    return text;
  },
};
const NATS_TOKEN: ProviderFlag<string> = {
  name: "nats-token",
  value: "TOKEN",
  help: "NATS token",
  env: "FNLOGS_NATS_TOKEN",
  parse: anyText,
};

/**
 * The nats provider in the registry.
 *
 * @example Flags to options
 * ```ts
 * import { natsDefinition } from "./mod.ts";
 * import type { FlagValue } from "../provider_flag.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const flags: Record<string, string> = { nats: "nats://127.0.0.1:4222" };
 * const flag: FlagValue = (f) => {
 *   const text = flags[f.name];
 *   return text === undefined ? undefined : f.parse(text, f.name);
 * };
 * assertEquals(natsDefinition.options(flag).stream, "FNLOGS");
 * ```
 */
export const natsDefinition: ProviderDefinition<"nats", NatsOptions> = {
  kind: "nats",
  summary: "a NATS JetStream stream filled by fnlogs ship",
  flags: [NATS, NATS_STREAM, NATS_SUBJECT_PREFIX, NATS_TOKEN],
  options: (flag) => {
    const urls = flag(NATS);
    if (urls === undefined) throw new UsageError("--provider nats needs --nats URL");
    const servers = [urls];
    try {
      parseNatsServers(servers);
    } catch (error) {
      throw new UsageError(`--nats: ${(error as Error).message}`);
    }
    const token = flag(NATS_TOKEN);
    return {
      servers,
      stream: flag(NATS_STREAM) ?? DEFAULT_STREAM,
      subjectPrefix: flag(NATS_SUBJECT_PREFIX) ?? DEFAULT_SUBJECT_PREFIX,
      ...(token === undefined ? {} : { token }),
    };
  },
  // The NATS client (about 20 MB of RSS) loads only when a nats provider is made.
  create: async (options) =>
    (await import("./provider.ts")).NatsProvider.connect({
      servers: options.servers,
      token: options.token,
      stream: options.stream,
      subjectPrefix: options.subjectPrefix,
      defaultNamespace: options.namespace,
      onNotice: options.onNotice,
    }),
};

/**
 * What a provider folder's `mod.ts` exports to be one line of the registry
 * (`lib/providers/mod.ts`): its kind, its flags as data, a pure function
 * from flag values to its options, and how to create it from them.
 *
 * @module
 */
import type { FlagValue, ProviderFlag } from "./provider_flag.ts";
import type { LogProvider } from "../types.ts";

/** Options every provider is created with, whichever it is. */
export interface SharedProviderOptions {
  /**
   * The namespace used when a request names none (default: the provider's
   * own). The local provider's functions carry their stack file's namespace,
   * so it ignores this.
   */
  readonly namespace?: string;
  /** Notices about the provider's own work (restarts, retries), for stderr. */
  readonly onNotice?: (message: string) => void;
}

/**
 * A provider as the registry knows it: kind `K`, options `O`.
 *
 * @example A provider with one flag and a default
 * ```ts
 * import type { ProviderDefinition } from "./provider_definition.ts";
 * import { anyText, type ProviderFlag } from "./provider_flag.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const ENDPOINT: ProviderFlag<string> = {
 *   name: "endpoint", value: "URL", help: "where the logs are", parse: anyText,
 * };
 * const example: ProviderDefinition<"example", { readonly endpoint: string }> = {
 *   kind: "example",
 *   summary: "logs from an example service",
 *   flags: [ENDPOINT],
 *   options: (flag) => ({ endpoint: flag(ENDPOINT) ?? "http://127.0.0.1:9000" }),
 *   create: () => Promise.reject(new Error("not a real provider")),
 * };
 * assertEquals(example.options(() => undefined), { endpoint: "http://127.0.0.1:9000" });
 * ```
 */
export interface ProviderDefinition<K extends string, O> {
  /** Its name in `--provider KIND` and `LogProvider.kind`. */
  readonly kind: K;
  /** What it reads, in one line (for listings and docs). */
  readonly summary: string;
  /**
   * Its flags, in the order `--help` lists them; a flag several providers
   * take is the same object in each (see `shared_flags.ts`).
   */
  readonly flags: readonly ProviderFlag<unknown>[];
  /**
   * Its options from its flags' values: pure (no I/O), defaults filled in.
   * Throws `UsageError` for values that do not fit together.
   */
  readonly options: (flag: FlagValue) => O;
  /**
   * Creates and starts the provider. Throws `InvalidInputError` for
   * options it cannot use.
   */
  readonly create: (options: O & SharedProviderOptions) => Promise<LogProvider>;
}

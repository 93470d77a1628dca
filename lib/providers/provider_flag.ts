/**
 * A provider's command-line flag, declared as data: its name, the value's
 * placeholder, its help text, the environment variable it falls back to and
 * how its value is validated. `cli/provider_flags.ts` lists and parses every
 * provider's flags from these declarations alone.
 *
 * @module
 */
import { UsageError } from "../errors.ts";

/**
 * How `--help` shows a flag: its own entry with this text (lines split at
 * `\n`), on the entry of another flag that describes both
 * (`--history-lines N, --history-bytes N`), or not at all because another
 * flag's text describes it.
 */
export type FlagHelp =
  | string
  | { readonly listedWith: ProviderFlag<unknown> }
  | { readonly describedBy: ProviderFlag<unknown> };

/**
 * One flag of one or more providers. Every flag takes a value
 * (`--name VALUE` or `--name=VALUE`).
 *
 * @example An integer flag
 * ```ts
 * import { integerAtLeast, type ProviderFlag } from "./provider_flag.ts";
 * import { assertEquals, assertThrows } from "@std/assert";
 *
 * const window: ProviderFlag<number> = {
 *   name: "reorder-window",
 *   value: "MS",
 *   help: "merge instances in timestamp order within MS (default 100)",
 *   parse: integerAtLeast(0),
 * };
 * assertEquals(window.parse("250", window.name), 250);
 * assertThrows(() => window.parse("soon", window.name));
 * ```
 */
export interface ProviderFlag<V> {
  /** The long name without its dashes (`history-lines`). */
  readonly name: string;
  /** The value's placeholder in the help (`N`, `FILE`, `URL`). */
  readonly value: string;
  /** What `--help` says of it (see {@linkcode FlagHelp}). */
  readonly help: FlagHelp;
  /** Read when the flag is not given (or its value counts as not given). */
  readonly env?: string;
  /** Giving this flag chooses its provider when `--provider` is not given. */
  readonly impliesProvider?: boolean;
  /**
   * Listed once after every provider's own flags, under no provider's name
   * (for a flag several providers take). Without it, a flag several
   * providers take is listed under the first of them.
   */
  readonly common?: boolean;
  /**
   * The value of the flag's text; `undefined` counts as not given. Throws
   * {@linkcode UsageError} for text it refuses; `flag` is the name to quote.
   */
  readonly parse: (text: string, flag: string) => V | undefined;
}

/**
 * Reads a flag's value, for a provider's `options` function: the flag's own
 * value, else its environment variable's, else `undefined`.
 */
export type FlagValue = <V>(flag: ProviderFlag<V>) => V | undefined;

/** Any text, the empty string included. */
export function anyText(text: string): string {
  return text;
}

/** Any text but the empty string, which counts as not given. */
export function nonEmptyText(text: string): string | undefined {
  return text === "" ? undefined : text;
}

/**
 * The whole number `text` says, at least `min`. Throws
 * {@linkcode UsageError} naming `--flag` for anything else.
 *
 * @example
 * ```ts
 * import { parseIntegerFlag } from "./provider_flag.ts";
 * import { assertEquals, assertThrows } from "@std/assert";
 *
 * assertEquals(parseIntegerFlag("max-tail", "20", 1), 20);
 * assertThrows(
 *   () => parseIntegerFlag("max-tail", "0", 1),
 *   Error,
 *   `--max-tail must be an integer of at least 1, got "0"`,
 * );
 * ```
 */
export function parseIntegerFlag(flag: string, text: string, min: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min) {
    throw new UsageError(`--${flag} must be an integer of at least ${min}, got "${text}"`);
  }
  return Number(text);
}

/** A flag parser for whole numbers of at least `min` (see {@linkcode parseIntegerFlag}). */
export function integerAtLeast(min: number): (text: string, flag: string) => number {
  return (text, flag) => parseIntegerFlag(flag, text, min);
}

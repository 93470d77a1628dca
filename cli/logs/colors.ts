/**
 * Terminal colours for per-instance prefixes: stable per instance, and only
 * where they belong.
 *
 * @module
 */
import type { ColorMode } from "./options.ts";

/** Foreground colours that read well on dark and light backgrounds. */
const PALETTE = [36, 33, 32, 35, 34, 31, 96, 93, 92, 95, 94, 91] as const;

/** FNV-1a over UTF-16 code units: stable across runs and platforms. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Wraps `text` in the colour that belongs to `key` (the same key always
 * gets the same colour).
 *
 * @example
 * ```ts
 * import { colorize } from "./colors.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(colorize("hello (hello-1) ", "hello/hello-1"), colorize("hello (hello-1) ", "hello/hello-1"));
 * assertEquals(colorize("x", "k").replace(/\x1b\[\d+m/g, ""), "x");
 * ```
 */
export function colorize(text: string, key: string): string {
  return `\x1b[${colorCode(key)}m${text}\x1b[0m`;
}

/** The SGR colour code that belongs to `key` (what {@linkcode colorize} uses; `.Color` in templates). */
export function colorCode(key: string): string {
  return String(PALETTE[hash(key) % PALETTE.length]);
}

/**
 * Whether to colour: `always` and `never` as said; `auto` only on a
 * terminal and when `NO_COLOR` is unset or empty (https://no-color.org).
 *
 * @example
 * ```ts
 * import { shouldColor } from "./colors.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(shouldColor("auto", true, undefined), true);
 * assertEquals(shouldColor("auto", true, "1"), false);
 * assertEquals(shouldColor("auto", false, undefined), false);
 * assertEquals(shouldColor("always", false, "1"), true);
 * ```
 */
export function shouldColor(
  mode: ColorMode,
  isTerminal: boolean,
  noColor: string | undefined,
): boolean {
  if (mode !== "auto") return mode === "always";
  return isTerminal && (noColor === undefined || noColor === "");
}

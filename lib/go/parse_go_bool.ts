/**
 * Booleans spelled the way Go's `strconv.ParseBool` accepts them.
 *
 * @module
 */

const SPELLINGS: ReadonlyMap<string, boolean> = new Map([
  ["1", true],
  ["t", true],
  ["T", true],
  ["TRUE", true],
  ["true", true],
  ["True", true],
  ["0", false],
  ["f", false],
  ["F", false],
  ["FALSE", false],
  ["false", false],
  ["False", false],
]);

/**
 * Parses a boolean with exactly the spellings of Go's `strconv.ParseBool`:
 * `1 t T TRUE true True` and `0 f F FALSE false False`. Anything else
 * (`yes`, `tRUE`, `" true"`, the empty string) gives `undefined`.
 *
 * @example Accepted and rejected spellings
 * ```ts
 * import { parseGoBool } from "./parse_go_bool.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(parseGoBool("True"), true);
 * assertEquals(parseGoBool("0"), false);
 * assertEquals(parseGoBool("yes"), undefined);
 * ```
 */
export function parseGoBool(text: string): boolean | undefined {
  return SPELLINGS.get(text);
}

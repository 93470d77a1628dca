/**
 * Short random identifiers: a history's cursor prefix, a replica's instance
 * suffix.
 *
 * @module
 */

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/**
 * `length` random characters from `a-z0-9`, from the platform's
 * cryptographic source.
 *
 * @example
 * ```ts
 * import { randomId } from "./random_id.ts";
 * import { assertMatch } from "@std/assert";
 *
 * assertMatch(randomId(5), /^[a-z0-9]{5}$/);
 * ```
 */
export function randomId(length: number): string {
  let id = "";
  for (const b of crypto.getRandomValues(new Uint8Array(length))) id += ALPHABET[b % 36];
  return id;
}

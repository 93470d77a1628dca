/**
 * Durations in the syntax of Go's `time.ParseDuration`, with its error
 * messages, for flags such as `--since 1h30m`.
 *
 * @module
 */

import { InvalidInputError } from "../errors.ts";

/** Nanoseconds per unit, as Go's `unitMap` lists them (µ is U+00B5, μ is U+03BC). */
const UNITS: ReadonlyMap<string, bigint> = new Map([
  ["ns", 1n],
  ["us", 1_000n],
  ["\u00b5s", 1_000n],
  ["\u03bcs", 1_000n],
  ["ms", 1_000_000n],
  ["s", 1_000_000_000n],
  ["m", 60_000_000_000n],
  ["h", 3_600_000_000_000n],
]);

const LIMIT = 1n << 63n;
const UINT64_MASK = (1n << 64n) - 1n;
const encoder = new TextEncoder();

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** Go's `time` package `quote`: `"` and `\` escaped, other bytes outside ASCII 0x20-0x7f as `\xhh`. */
function goQuote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (code < 0x20 || code >= 0x80) {
      // TextEncoder writes a lone surrogate as U+FFFD, as Go sees invalid UTF-8.
      for (const byte of encoder.encode(ch)) out += "\\x" + byte.toString(16).padStart(2, "0");
    } else {
      if (ch === '"' || ch === "\\") out += "\\";
      out += ch;
    }
  }
  return out + '"';
}

function invalid(text: string): InvalidInputError {
  return new InvalidInputError(`time: invalid duration ${goQuote(text)}`);
}

/**
 * Parses a duration as Go's `time.ParseDuration` does and returns it in
 * milliseconds (fractional below a millisecond): an optional sign, then one
 * or more decimal numbers, each with an optional fraction and a unit (`ns`,
 * `us`, `µs`, `μs`, `ms`, `s`, `m`, `h`), as in `300ms`, `-1.5h`,
 * `1h30m10.5s`; or a bare `0`. The arithmetic is Go's, to the nanosecond,
 * including its limit of ±2^63 ns (about 292 years).
 *
 * Throws {@linkcode InvalidInputError} with Go's own messages:
 * `time: invalid duration "x"`, `time: missing unit in duration "x"`,
 * `time: unknown unit "u" in duration "x"` (bytes outside printable ASCII
 * quoted as `\xhh`, as Go does).
 *
 * @example Durations and an error
 * ```ts
 * import { parseGoDuration } from "./parse_go_duration.ts";
 * import { assertEquals, assertThrows } from "@std/assert";
 *
 * assertEquals(parseGoDuration("1h30m"), 5_400_000);
 * assertEquals(parseGoDuration("1.5s"), 1_500);
 * assertEquals(parseGoDuration("250us"), 0.25);
 * assertThrows(() => parseGoDuration("5"), Error, 'time: missing unit in duration "5"');
 * ```
 */
export function parseGoDuration(text: string): number {
  const length = text.length;
  let pos = 0;
  let negative = false;
  if (length > 0 && (text[0] === "-" || text[0] === "+")) {
    negative = text[0] === "-";
    pos = 1;
  }
  if (pos === length - 1 && text[pos] === "0") return 0;
  if (pos === length) throw invalid(text);
  let total = 0n;
  while (pos < length) {
    if (!(text[pos] === "." || isDigit(text.charCodeAt(pos)))) throw invalid(text);
    // The integer part; more than 2^63 is an error.
    const intStart = pos;
    let whole = 0n;
    while (pos < length && isDigit(text.charCodeAt(pos))) {
      if (whole > LIMIT / 10n) throw invalid(text);
      whole = whole * 10n + BigInt(text.charCodeAt(pos) - 0x30);
      if (whole > LIMIT) throw invalid(text);
      pos++;
    }
    const hasInt = pos !== intStart;
    // The fraction: digits past what fits are read and ignored.
    let fraction = 0n;
    let scale = 1;
    let hasFraction = false;
    if (pos < length && text[pos] === ".") {
      pos++;
      const fracStart = pos;
      let overflow = false;
      while (pos < length && isDigit(text.charCodeAt(pos))) {
        if (!overflow) {
          if (fraction > (LIMIT - 1n) / 10n) {
            overflow = true;
          } else {
            const next = fraction * 10n + BigInt(text.charCodeAt(pos) - 0x30);
            if (next > LIMIT) {
              overflow = true;
            } else {
              fraction = next;
              scale *= 10;
            }
          }
        }
        pos++;
      }
      hasFraction = pos !== fracStart;
    }
    if (!hasInt && !hasFraction) throw invalid(text);
    // The unit: everything up to the next digit or period.
    const unitStart = pos;
    while (pos < length && text[pos] !== "." && !isDigit(text.charCodeAt(pos))) pos++;
    if (pos === unitStart) {
      throw new InvalidInputError(`time: missing unit in duration ${goQuote(text)}`);
    }
    const unitText = text.slice(unitStart, pos);
    const unit = UNITS.get(unitText);
    if (unit === undefined) {
      throw new InvalidInputError(
        `time: unknown unit ${goQuote(unitText)} in duration ${goQuote(text)}`,
      );
    }
    if (whole > LIMIT / unit) throw invalid(text);
    let value = whole * unit;
    if (fraction > 0n) {
      // Go computes this part in float64 and truncates it.
      value += BigInt(Math.trunc(Number(fraction) * (Number(unit) / scale)));
      if (value > LIMIT) throw invalid(text);
    }
    total = (total + value) & UINT64_MASK; // Go's uint64 wraps
    if (total > LIMIT) throw invalid(text);
  }
  if (negative) total = -total;
  else if (total > LIMIT - 1n) throw invalid(text);
  const millis = total / 1_000_000n;
  return Number(millis) + Number(total - millis * 1_000_000n) / 1e6;
}

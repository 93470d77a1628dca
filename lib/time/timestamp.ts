/**
 * RFC3339 timestamps with nanosecond precision, parsed and written the way
 * Go's `time.Parse(time.RFC3339, ...)` and `time.RFC3339Nano` do.
 *
 * @module
 */

/** A parsed RFC3339 timestamp: an instant plus the offset it was written in. */
export interface Timestamp {
  /** Whole seconds since the Unix epoch (may be negative). */
  readonly seconds: number;
  /** Nanoseconds within the second, 0 to 999,999,999. */
  readonly nanos: number;
  /** The zone offset it was written with, in seconds east of UTC (0 for `Z`). */
  readonly offsetSeconds: number;
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-](\d{2}):(\d{2}))$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * Parses RFC3339 with optional fractional seconds (digits past the ninth are
 * truncated, as Go does) and a mandatory zone. Returns `undefined` for
 * anything Go's `time.Parse(time.RFC3339, ...)` would reject.
 *
 * @example Parse a timestamp with an offset
 * ```ts
 * import { parseTimestamp } from "./timestamp.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(parseTimestamp("2023-07-04T16:27:23+01:00"), {
 *   seconds: 1688484443,
 *   nanos: 0,
 *   offsetSeconds: 3600,
 * });
 * assertEquals(parseTimestamp("yesterday"), undefined);
 * ```
 */
export function parseTimestamp(text: string): Timestamp | undefined {
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]), month = Number(m[2]), day = Number(m[3]);
  const hour = Number(m[4]), minute = Number(m[5]), second = Number(m[6]);
  if (month < 1 || month > 12 || day < 1) return undefined;
  const monthDays = month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1];
  if (day > monthDays || hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetSeconds = 0;
  if (m[8] !== "Z") {
    const oh = Number(m[9]), om = Number(m[10]);
    if (oh > 23 || om > 59) return undefined;
    offsetSeconds = (oh * 3600 + om * 60) * (m[8][0] === "-" ? -1 : 1);
  }
  const fraction = m[7] ?? "";
  const nanos = fraction === "" ? 0 : Number(fraction.slice(0, 9).padEnd(9, "0"));
  const utcMillis = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear undoes that.
  const date = new Date(utcMillis);
  if (year < 100) date.setUTCFullYear(year);
  return { seconds: date.getTime() / 1000 - offsetSeconds, nanos, offsetSeconds };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/**
 * Writes an instant as Go's `time.RFC3339Nano` does: the fraction with its
 * trailing zeros trimmed (none when zero), and `Z` for UTC or `±hh:mm`.
 *
 * @example Trimmed fractions
 * ```ts
 * import { formatTimestamp } from "./timestamp.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(formatTimestamp(1613149263, 88068000), "2021-02-12T17:01:03.088068Z");
 * assertEquals(formatTimestamp(1550308206, 0), "2019-02-16T09:10:06Z");
 * ```
 */
export function formatTimestamp(seconds: number, nanos: number, offsetSeconds = 0): string {
  const local = new Date((seconds + offsetSeconds) * 1000);
  const year = local.getUTCFullYear();
  let text = (year < 0 ? "-" + pad(-year, 4) : pad(year, 4)) + "-" +
    pad(local.getUTCMonth() + 1, 2) + "-" + pad(local.getUTCDate(), 2) + "T" +
    pad(local.getUTCHours(), 2) + ":" + pad(local.getUTCMinutes(), 2) + ":" +
    pad(local.getUTCSeconds(), 2);
  if (nanos !== 0) text += "." + pad(nanos, 9).replace(/0+$/, "");
  if (offsetSeconds === 0) return text + "Z";
  const abs = Math.abs(offsetSeconds);
  return text + (offsetSeconds < 0 ? "-" : "+") + pad(Math.floor(abs / 3600), 2) + ":" +
    pad(Math.floor((abs % 3600) / 60), 2);
}

/**
 * Rewrites any RFC3339 timestamp as UTC `RFC3339Nano`; `undefined` when it
 * does not parse.
 *
 * @example From an offset to UTC
 * ```ts
 * import { normalizeTimestamp } from "./timestamp.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(normalizeTimestamp("2023-07-04T16:27:23.500+01:00"), "2023-07-04T15:27:23.5Z");
 * ```
 */
export function normalizeTimestamp(text: string): string | undefined {
  const t = parseTimestamp(text);
  return t === undefined ? undefined : formatTimestamp(t.seconds, t.nanos);
}

/**
 * Nanoseconds since the epoch, exact, as a `bigint`. Throws a `SyntaxError`
 * for text that is not RFC3339.
 *
 * @example
 * ```ts
 * import { timestampToNanos } from "./timestamp.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(timestampToNanos("1970-01-01T00:00:01.000000002Z"), 1_000_000_002n);
 * ```
 */
export function timestampToNanos(text: string): bigint {
  const t = parseTimestamp(text);
  if (t === undefined) throw new SyntaxError(`Cannot parse timestamp "${text}"`);
  return BigInt(t.seconds) * 1_000_000_000n + BigInt(t.nanos);
}

/**
 * Compares two RFC3339 timestamps by the instant they name (negative, zero or
 * positive). Text that does not parse sorts before everything else.
 *
 * @example
 * ```ts
 * import { compareTimestamps } from "./timestamp.ts";
 * import { assert } from "@std/assert";
 *
 * assert(compareTimestamps("2024-01-01T00:00:00Z", "2024-01-01T00:00:00.1Z") < 0);
 * ```
 */
export function compareTimestamps(a: string, b: string): number {
  const ta = parseTimestamp(a), tb = parseTimestamp(b);
  if (ta === undefined || tb === undefined) {
    return (ta === undefined ? 0 : 1) - (tb === undefined ? 0 : 1);
  }
  return ta.seconds - tb.seconds || ta.nanos - tb.nanos;
}

/** Formats nanoseconds since the epoch as UTC `RFC3339Nano`. */
export function nanosToTimestamp(nanos: bigint): string {
  const seconds = nanos / 1_000_000_000n;
  let rest = nanos % 1_000_000_000n;
  let whole = seconds;
  if (rest < 0n) {
    rest += 1_000_000_000n;
    whole -= 1n;
  }
  return formatTimestamp(Number(whole), Number(rest));
}

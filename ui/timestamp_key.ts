/**
 * A string that sorts as the instant of an RFC3339 timestamp does, whatever
 * its zone or fractional digits, for ordering and comparing lines.
 *
 * @module
 */
import { parseTimestamp } from "../lib/time/timestamp.ts";

/**
 * `SSSSSSSSSSSS.NNNNNNNNN`: seconds since the epoch (offset so that it is
 * never negative) and nanoseconds, both zero-padded. Text that is not RFC3339
 * gives `""`, which sorts first.
 *
 * @example
 * ```ts ignore
 * timestampKey("2024-01-01T00:00:00.5Z") < timestampKey("2024-01-01T01:00:00.25+01:00"); // false: same instant minus 0.25 s
 * ```
 */
export function timestampKey(timestamp: string): string {
  const t = parseTimestamp(timestamp);
  if (t === undefined) return "";
  return String(t.seconds + 100_000_000_000).padStart(12, "0") + "." +
    String(t.nanos).padStart(9, "0");
}

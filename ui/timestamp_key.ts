/**
 * A string that sorts as the instant of an RFC3339 timestamp does, whatever
 * its zone or fractional digits, for ordering and comparing lines.
 *
 * @module
 */
import { normalizeTimestamp } from "../lib/time/timestamp.ts";

/** UTC with up to nine fractional digits, as fnlogs' servers write every timestamp. */
const CANONICAL = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.(\d{1,9}))?Z$/;

/**
 * `YYYY-MM-DDTHH:MM:SS.NNNNNNNNN` in UTC, the fraction padded to nine
 * digits, so that strings compare as instants. The log API's own form (UTC,
 * `Z`) is only padded, on the page's hot path; any other zone is converted.
 * Text that is not RFC3339 gives `""`, which sorts first.
 *
 * @example
 * ```ts ignore
 * timestampKey("2024-01-01T01:00:00.25+01:00"); // "2024-01-01T00:00:00.250000000"
 * ```
 */
export function timestampKey(timestamp: string): string {
  const match = CANONICAL.exec(timestamp);
  if (match !== null) return `${timestamp.slice(0, 19)}.${(match[1] ?? "").padEnd(9, "0")}`;
  const utc = normalizeTimestamp(timestamp);
  return utc === undefined || !CANONICAL.test(utc) ? "" : timestampKey(utc);
}

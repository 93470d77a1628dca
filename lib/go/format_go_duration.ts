/**
 * Durations written the way Go's `time.Duration.String` writes them, for
 * notices such as "restarting in 1.5s".
 *
 * @module
 */

/**
 * Formats `ms` milliseconds as Go prints a `time.Duration`: `0s`, `250ms`,
 * `1.5s`, `2m0s`, `1h30m5s` (fractions of a second trimmed of trailing
 * zeros, at most millisecond precision below a second's unit).
 *
 * @example
 * ```ts
 * import { formatGoDuration } from "./format_go_duration.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(formatGoDuration(250), "250ms");
 * assertEquals(formatGoDuration(1500), "1.5s");
 * assertEquals(formatGoDuration(90_000), "1m30s");
 * ```
 */
export function formatGoDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const sign = ms < 0 ? "-" : "";
  const abs = Math.round(Math.abs(ms) * 1000) / 1000;
  if (abs === 0) return "0s";
  if (abs < 1000) return `${sign}${trim(abs.toFixed(3))}ms`;
  const hours = Math.floor(abs / 3_600_000);
  const minutes = Math.floor((abs % 3_600_000) / 60_000);
  const seconds = trim(((abs % 60_000) / 1000).toFixed(3));
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}

function trim(fixed: string): string {
  return fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
}

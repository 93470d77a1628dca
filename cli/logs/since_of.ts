/**
 * The `since` that `fnlogs logs` sends for `--since`, `--since-time` and
 * `--tail 0`.
 *
 * @module
 */
import { formatTimestamp, parseTimestamp } from "../../lib/time/timestamp.ts";
import type { LogsOptions } from "./options.ts";

/** The `since` to send: faas-cli's RFC3339 at second precision, or now for `--tail 0`. */
export function sinceOf(options: LogsOptions, nowMs: number): string | undefined {
  if (options.noHistory) {
    return formatTimestamp(Math.floor(nowMs / 1000), (nowMs % 1000) * 1_000_000);
  }
  if (options.sinceTime !== undefined) {
    const t = parseTimestamp(options.sinceTime);
    if (t !== undefined) return formatTimestamp(t.seconds, 0, t.offsetSeconds);
  }
  if (options.sinceMs !== undefined) {
    const ms = nowMs - options.sinceMs;
    const offset = -new Date(ms).getTimezoneOffset() * 60;
    return formatTimestamp(Math.floor(ms / 1000), 0, offset);
  }
  return undefined;
}

/**
 * How the page shows a line's time: the date and the time to the
 * millisecond, in UTC or in the browser's zone.
 *
 * @module
 */
import { parseTimestamp } from "../lib/time/timestamp.ts";

/** A time as shown: the date and the time of day apart (narrow screens hide the date). */
export interface DisplayTime {
  /** `2024-05-06` */
  readonly date: string;
  /** `13:04:05.123`, with `Z` after it in UTC. */
  readonly time: string;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/**
 * The parts to show for an RFC3339 timestamp; `undefined` when it does not
 * parse.
 *
 * @example
 * ```ts ignore
 * displayTime("2024-05-06T13:04:05.123456Z", true); // { date: "2024-05-06", time: "13:04:05.123Z" }
 * ```
 */
export function displayTime(
  timestamp: string,
  utc: boolean,
): DisplayTime | undefined {
  const t = parseTimestamp(timestamp);
  if (t === undefined) return undefined;
  const d = new Date(t.seconds * 1000 + Math.floor(t.nanos / 1_000_000));
  if (utc) {
    return {
      date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
      time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${
        pad(d.getUTCMilliseconds(), 3)
      }Z`,
    };
  }
  return {
    date: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`,
    time: `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${
      pad(d.getMilliseconds(), 3)
    }`,
  };
}

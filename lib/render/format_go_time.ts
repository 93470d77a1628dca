/**
 * Go's `time.Format` layouts (the reference time `Mon Jan 2 15:04:05 MST
 * 2006`), and faas-cli's `--time-format` names for them. A layout is read
 * into its elements by `_go_layout.ts` (Go's `nextStdChunk`); this file
 * prints a time with them.
 *
 * @module
 */

import type { Timestamp } from "../time/timestamp.ts";
import { compileLayout, type Fraction, Std, type Token } from "./_go_layout.ts";

const LONG_MONTHS =
  "January February March April May June July August September October November December"
    .split(" ");
const LONG_DAYS = "Sunday Monday Tuesday Wednesday Thursday Friday Saturday".split(" ");

/** Go's `appendInt`: decimal, zero-padded to `width` digits after any sign. */
function pad(n: number, width: number): string {
  const digits = String(Math.abs(n));
  return (n < 0 ? "-" : "") + (digits.length < width ? digits.padStart(width, "0") : digits);
}

function formatOffset(std: Std, offset: number): string {
  const iso = std === Std.ISO8601TZ || std === Std.ISO8601ColonTZ ||
    std === Std.ISO8601SecondsTZ || std === Std.ISO8601ShortTZ ||
    std === Std.ISO8601ColonSecondsTZ;
  if (offset === 0 && iso) return "Z";
  const minutes = Math.trunc(Math.abs(offset) / 60);
  let out = (offset < 0 ? "-" : "+") + pad(Math.trunc(minutes / 60), 2);
  const colon = std === Std.ISO8601ColonTZ || std === Std.NumColonTZ ||
    std === Std.ISO8601ColonSecondsTZ || std === Std.NumColonSecondsTZ;
  if (colon) out += ":";
  if (std !== Std.NumShortTZ && std !== Std.ISO8601ShortTZ) out += pad(minutes % 60, 2);
  if (
    std === Std.ISO8601SecondsTZ || std === Std.NumSecondsTZ ||
    std === Std.ISO8601ColonSecondsTZ || std === Std.NumColonSecondsTZ
  ) {
    if (colon) out += ":";
    out += pad(Math.abs(offset) % 60, 2);
  }
  return out;
}

function formatFraction(nanos: number, f: Fraction): string {
  if (f.trim && (f.digits === 0 || nanos === 0)) return "";
  let digits = String(nanos).padStart(9, "0").slice(0, f.digits);
  if (f.trim) digits = digits.replace(/0+$/, "");
  return f.trim && digits === "" ? "" : f.separator + digits;
}

/** Days since 1970-01-01 to a proleptic Gregorian [year, month 1-12, day 1-31]. */
function civilDate(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

let cachedLayout = "";
let cachedTokens: Token[] = [];

/**
 * Formats a timestamp with a Go `time.Format` layout, in the zone the
 * timestamp was written in, byte for byte as Go prints a `time.Time` that
 * `time.Parse(time.RFC3339, ...)` (or `encoding/json`) returned.
 *
 * Every element of Go's layouts is supported: `2006 06 01 1 Jan January Mon
 * Monday 02 _2 2 002 __2 15 3 03 4 04 5 05 PM pm MST`, the numeric zones
 * `-0700 -07:00 -07 -070000 -07:00:00` and their `Z` variants (which print
 * `Z` at offset 0), and fractional seconds `.0…`/`,0…` (zeros kept) and
 * `.9…`/`,9…` (trailing zeros and then the separator removed). Like Go, a
 * fraction element needs no seconds element before it, and everything else
 * is copied as is.
 *
 * Zones: offset 0 is Go's UTC, so `MST` prints `UTC`; a non-zero offset is
 * what Go calls a fixed zone with no name, so `MST` prints it as `+0100`.
 * (Go would print a zone name such as `CET` instead when the machine's own
 * zone has that offset at that moment; with `TZ=UTC`, the usual case in
 * containers, it prints the offset.)
 *
 * @example RFC3339 and a custom layout
 * ```ts
 * import { formatGoTime, resolveTimeFormat } from "./format_go_time.ts";
 * import { parseTimestamp } from "../time/timestamp.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const t = parseTimestamp("2023-07-04T16:32:22.2239Z")!;
 * assertEquals(formatGoTime(t, resolveTimeFormat("rfc3339")), "2023-07-04T16:32:22Z");
 * assertEquals(formatGoTime(t, "Mon Jan _2 3:04:05.000PM MST"), "Tue Jul  4 4:32:22.223PM UTC");
 * const u = parseTimestamp("2023-07-04T17:32:22+01:00")!;
 * assertEquals(formatGoTime(u, "15:04 MST -07:00"), "17:32 +0100 +01:00");
 * ```
 */
export function formatGoTime(time: Timestamp, layout: string): string {
  if (layout !== cachedLayout) {
    cachedTokens = compileLayout(layout);
    cachedLayout = layout;
  }
  const offset = time.offsetSeconds;
  const local = time.seconds + offset;
  const days = Math.floor(local / 86400);
  const secondOfDay = local - days * 86400;
  let date: [number, number, number] | undefined;
  const hour = Math.floor(secondOfDay / 3600);
  const minute = Math.floor((secondOfDay % 3600) / 60);
  const second = secondOfDay % 60;
  let out = "";
  for (const token of cachedTokens) {
    if (typeof token === "string") {
      out += token;
      continue;
    }
    if (typeof token === "object") {
      out += formatFraction(time.nanos, token);
      continue;
    }
    date ??= civilDate(days);
    const [year, month, day] = date;
    switch (token) {
      case Std.Year:
        out += pad(Math.abs(year) % 100, 2);
        break;
      case Std.LongYear:
        out += pad(year, 4);
        break;
      case Std.Month:
        out += LONG_MONTHS[month - 1].slice(0, 3);
        break;
      case Std.LongMonth:
        out += LONG_MONTHS[month - 1];
        break;
      case Std.NumMonth:
        out += month;
        break;
      case Std.ZeroMonth:
        out += pad(month, 2);
        break;
      case Std.WeekDay:
      case Std.LongWeekDay: {
        const name = LONG_DAYS[(((days + 4) % 7) + 7) % 7]; // 1970-01-01 was a Thursday
        out += token === Std.WeekDay ? name.slice(0, 3) : name;
        break;
      }
      case Std.Day:
        out += day;
        break;
      case Std.UnderDay:
        out += (day < 10 ? " " : "") + day;
        break;
      case Std.ZeroDay:
        out += pad(day, 2);
        break;
      case Std.UnderYearDay:
      case Std.ZeroYearDay: {
        const yday = DAYS_BEFORE_MONTH[month - 1] + day + (month > 2 && isLeap(year) ? 1 : 0);
        out += token === Std.ZeroYearDay ? pad(yday, 3) : String(yday).padStart(3, " ");
        break;
      }
      case Std.Hour:
        out += pad(hour, 2);
        break;
      case Std.Hour12:
        out += hour % 12 === 0 ? 12 : hour % 12;
        break;
      case Std.ZeroHour12:
        out += pad(hour % 12 === 0 ? 12 : hour % 12, 2);
        break;
      case Std.Minute:
        out += minute;
        break;
      case Std.ZeroMinute:
        out += pad(minute, 2);
        break;
      case Std.Second:
        out += second;
        break;
      case Std.ZeroSecond:
        out += pad(second, 2);
        break;
      case Std.PM:
        out += hour >= 12 ? "PM" : "AM";
        break;
      case Std.pm:
        out += hour >= 12 ? "pm" : "am";
        break;
      case Std.TZ:
        out += offset === 0 ? "UTC" : formatOffset(Std.NumTZ, offset);
        break;
      default:
        out += formatOffset(token, offset);
    }
  }
  return out;
}

/** faas-cli's `--time-format` names and the Go layouts they stand for. */
const NAMED_LAYOUTS: ReadonlyMap<string, string> = new Map([
  ["ansic", "Mon Jan _2 15:04:05 2006"],
  ["unixdate", "Mon Jan _2 15:04:05 MST 2006"],
  ["rubydate", "Mon Jan 02 15:04:05 -0700 2006"],
  ["rfc822", "02 Jan 06 15:04 MST"],
  ["rfc822z", "02 Jan 06 15:04 -0700"],
  ["rfc850", "Monday, 02-Jan-06 15:04:05 MST"],
  ["rfc1123", "Mon, 02 Jan 2006 15:04:05 MST"],
  ["rfc1123z", "Mon, 02 Jan 2006 15:04:05 -0700"],
  ["rfc3339", "2006-01-02T15:04:05Z07:00"],
  ["rfc3339nano", "2006-01-02T15:04:05.999999999Z07:00"],
]);

/**
 * Maps a `--time-format` value to a Go layout as faas-cli does: the names
 * `ansic unixdate rubydate rfc822 rfc822z rfc850 rfc1123 rfc1123z rfc3339
 * rfc3339nano`, in any letter case, become Go's constants of those names;
 * any other value (a layout, or `""` to hide the time) is passed through.
 * faas-cli's default is `rfc3339`'s layout, `2006-01-02T15:04:05Z07:00`.
 *
 * @example Names and layouts
 * ```ts
 * import { formatGoTime, resolveTimeFormat } from "./format_go_time.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(resolveTimeFormat("RFC3339Nano"), "2006-01-02T15:04:05.999999999Z07:00");
 * assertEquals(resolveTimeFormat("15:04:05"), "15:04:05");
 * assertEquals(resolveTimeFormat(""), "");
 * const t = { seconds: 1688488342, nanos: 0, offsetSeconds: 0 };
 * assertEquals(formatGoTime(t, resolveTimeFormat("kitchen")), "kitchen");
 * assertEquals(formatGoTime(t, resolveTimeFormat("ANSIC")), "Tue Jul  4 16:32:22 2023");
 * ```
 */
export function resolveTimeFormat(value: string): string {
  // Go's strings.ToLower maps U+0130 to a plain "i"; JavaScript adds a combining dot.
  return NAMED_LAYOUTS.get(value.replaceAll("\u0130", "i").toLowerCase()) ?? value;
}

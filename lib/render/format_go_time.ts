/**
 * Go's `time.Format` layouts (the reference time `Mon Jan 2 15:04:05 MST
 * 2006`), and faas-cli's `--time-format` names for them.
 *
 * @module
 */

import type { Timestamp } from "../time/timestamp.ts";

/** The layout elements of Go's `time` package (its `std*` constants). */
const enum Std {
  LongMonth,
  Month,
  NumMonth,
  ZeroMonth,
  LongWeekDay,
  WeekDay,
  Day,
  UnderDay,
  ZeroDay,
  UnderYearDay,
  ZeroYearDay,
  Hour,
  Hour12,
  ZeroHour12,
  Minute,
  ZeroMinute,
  Second,
  ZeroSecond,
  LongYear,
  Year,
  PM,
  pm,
  TZ,
  ISO8601TZ,
  ISO8601SecondsTZ,
  ISO8601ShortTZ,
  ISO8601ColonTZ,
  ISO8601ColonSecondsTZ,
  NumTZ,
  NumSecondsTZ,
  NumShortTZ,
  NumColonTZ,
  NumColonSecondsTZ,
}

/** A fractional-second element: `.000` (kept zeros) or `.999` (trimmed), or with a comma. */
interface Fraction {
  readonly trim: boolean;
  readonly digits: number;
  readonly separator: string;
}

type Token = string | Std | Fraction;

/** For "01" to "06". */
const STD_0X = [
  Std.ZeroMonth,
  Std.ZeroDay,
  Std.ZeroHour12,
  Std.ZeroMinute,
  Std.ZeroSecond,
  Std.Year,
];

/** Offset elements: [text, element], longest first within each leading character. */
const NUM_ZONES: readonly [string, Std][] = [
  ["-070000", Std.NumSecondsTZ],
  ["-07:00:00", Std.NumColonSecondsTZ],
  ["-0700", Std.NumTZ],
  ["-07:00", Std.NumColonTZ],
  ["-07", Std.NumShortTZ],
];
const ISO_ZONES: readonly [string, Std][] = [
  ["Z070000", Std.ISO8601SecondsTZ],
  ["Z07:00:00", Std.ISO8601ColonSecondsTZ],
  ["Z0700", Std.ISO8601TZ],
  ["Z07:00", Std.ISO8601ColonTZ],
  ["Z07", Std.ISO8601ShortTZ],
];

const LONG_MONTHS =
  "January February March April May June July August September October November December"
    .split(" ");
const LONG_DAYS = "Sunday Monday Tuesday Wednesday Thursday Friday Saturday".split(" ");

function isDigitAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i); // NaN past the end
  return c >= 0x30 && c <= 0x39;
}

function isLowerAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 0x61 && c <= 0x7a;
}

/**
 * Finds the first layout element at or after `from`, as Go's `nextStdChunk`
 * does: returns where it starts, its length and what it is, or `undefined`.
 */
function nextElement(layout: string, from: number): [number, number, Std | Fraction] | undefined {
  for (let i = from; i < layout.length; i++) {
    const c = layout[i];
    switch (c) {
      case "J":
        if (layout.startsWith("Jan", i)) {
          if (layout.startsWith("January", i)) return [i, 7, Std.LongMonth];
          if (!isLowerAt(layout, i + 3)) return [i, 3, Std.Month];
        }
        break;
      case "M":
        if (layout.startsWith("Mon", i)) {
          if (layout.startsWith("Monday", i)) return [i, 6, Std.LongWeekDay];
          if (!isLowerAt(layout, i + 3)) return [i, 3, Std.WeekDay];
        }
        if (layout.startsWith("MST", i)) return [i, 3, Std.TZ];
        break;
      case "0": {
        const next = layout.charCodeAt(i + 1);
        if (next >= 0x31 && next <= 0x36) return [i, 2, STD_0X[next - 0x31]];
        if (layout.startsWith("002", i)) return [i, 3, Std.ZeroYearDay];
        break;
      }
      case "1":
        if (layout[i + 1] === "5") return [i, 2, Std.Hour];
        return [i, 1, Std.NumMonth];
      case "2":
        if (layout.startsWith("2006", i)) return [i, 4, Std.LongYear];
        return [i, 1, Std.Day];
      case "_":
        if (layout[i + 1] === "2") {
          // "_2006" is a literal "_" then the year.
          if (layout.startsWith("2006", i + 1)) return [i + 1, 4, Std.LongYear];
          return [i, 2, Std.UnderDay];
        }
        if (layout.startsWith("__2", i)) return [i, 3, Std.UnderYearDay];
        break;
      case "3":
        return [i, 1, Std.Hour12];
      case "4":
        return [i, 1, Std.Minute];
      case "5":
        return [i, 1, Std.Second];
      case "P":
        if (layout[i + 1] === "M") return [i, 2, Std.PM];
        break;
      case "p":
        if (layout[i + 1] === "m") return [i, 2, Std.pm];
        break;
      case "-":
      case "Z":
        for (const [text, std] of c === "-" ? NUM_ZONES : ISO_ZONES) {
          if (layout.startsWith(text, i)) return [i, text.length, std];
        }
        break;
      case ".":
      case ",": {
        const digit = layout[i + 1];
        if (digit === "0" || digit === "9") {
          let j = i + 1;
          while (layout[j] === digit) j++;
          // Only a run of one digit that is not followed by another digit.
          if (!isDigitAt(layout, j)) {
            // Go keeps the count in 12 bits.
            return [i, j - i, { trim: digit === "9", digits: (j - i - 1) & 0xfff, separator: c }];
          }
        }
        break;
      }
    }
  }
  return undefined;
}

function compile(layout: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  for (;;) {
    const found = nextElement(layout, pos);
    const end = found === undefined ? layout.length : found[0];
    if (end > pos) tokens.push(layout.slice(pos, end));
    if (found === undefined) return tokens;
    tokens.push(found[2]);
    pos = found[0] + found[1];
  }
}

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
    cachedTokens = compile(layout);
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

/**
 * Go's `time` layouts read into their elements, as Go's `nextStdChunk` reads
 * them: which runs of a layout such as `2006-01-02T15:04:05Z07:00` stand for
 * a part of the time and which are copied as is.
 *
 * @module
 */

/** The layout elements of Go's `time` package (its `std*` constants). */
export const enum Std {
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
export interface Fraction {
  readonly trim: boolean;
  readonly digits: number;
  readonly separator: string;
}

/** A layout element, or text copied as is. */
export type Token = string | Std | Fraction;

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

/**
 * `layout` as the text and elements Go's `time.Format` sees in it, in
 * order: everything that is not an element is copied as is.
 */
export function compileLayout(layout: string): Token[] {
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

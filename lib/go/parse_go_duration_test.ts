import { assertEquals, assertThrows } from "@std/assert";
import { InvalidInputError } from "../errors.ts";
import { parseGoDuration } from "./parse_go_duration.ts";

// Values and messages below were checked against Go 1.19.8's time.ParseDuration
// (the same code as Go 1.24's).

Deno.test("parseGoDuration() reads every unit", () => {
  const cases: [string, number][] = [
    ["1ns", 0.000001],
    ["1us", 0.001],
    ["1\u00b5s", 0.001],
    ["1\u03bcs", 0.001],
    ["1ms", 1],
    ["1s", 1_000],
    ["1m", 60_000],
    ["1h", 3_600_000],
  ];
  for (const [text, millis] of cases) assertEquals(parseGoDuration(text), millis, text);
});

Deno.test("parseGoDuration() reads signs, fractions and sequences", () => {
  const cases: [string, number][] = [
    ["0", 0],
    ["-0", 0],
    ["+0", 0],
    ["0s", 0],
    ["5s", 5_000],
    ["+5s", 5_000],
    ["-5s", -5_000],
    ["10m", 600_000],
    ["1h30m", 5_400_000],
    ["1.5h", 5_400_000],
    ["-1.5h", -5_400_000],
    ["1h30m10.5s", 5_410_500],
    [".5s", 500],
    ["5.s", 5_000],
    ["1.0000000000000000000000001s", 1_000],
    ["300ms", 300],
    ["1.5us", 0.0015],
    ["1.1ns", 0.000001],
    ["2h45m", 9_900_000],
    ["1s1s1s", 3_000],
    ["0.3333333333333333333h", 1_200_000],
    ["007s", 7_000],
    // Fraction digits past what fits in Go's uint64 are read and ignored.
    ["1.99999999999999999999999h", 7_200_000],
    ["0.9223372036854775809s", 922.337203],
  ];
  for (const [text, millis] of cases) assertEquals(parseGoDuration(text), millis, text);
});

Deno.test("parseGoDuration() keeps Go's int64 nanosecond range", () => {
  assertEquals(parseGoDuration("9223372036854775807ns"), 9_223_372_036_854.775807);
  assertEquals(parseGoDuration("-9223372036854775808ns"), -9_223_372_036_854.775808);
  assertEquals(parseGoDuration("2562047h47m16.854775807s"), 9_223_372_036_854.775807);
  assertEquals(parseGoDuration("-2562047h47m16.854775808s"), -9_223_372_036_854.775808);
  // Go's uint64 sum wraps to zero here, and Go returns 0.
  assertEquals(parseGoDuration("-9223372036854775808ns9223372036854775808ns"), 0);
  for (
    const text of [
      "9223372036854775808ns",
      "-9223372036854775809ns",
      "2562047h47m16.854775808s",
      "2562048h",
      "2562047.9999999h",
      "2562047h1h",
      "9223372036854775807ns1ns",
      "99999999999999999999s",
    ]
  ) {
    assertThrows(
      () => parseGoDuration(text),
      InvalidInputError,
      `time: invalid duration "${text}"`,
    );
  }
});

Deno.test("parseGoDuration() throws Go's messages", () => {
  const cases: [string, string][] = [
    ["", 'time: invalid duration ""'],
    ["-", 'time: invalid duration "-"'],
    ["s", 'time: invalid duration "s"'],
    [".s", 'time: invalid duration ".s"'],
    ["-.s", 'time: invalid duration "-.s"'],
    ["1e3s", 'time: unknown unit "e" in duration "1e3s"'],
    ["5m-3s", 'time: unknown unit "m-" in duration "5m-3s"'],
    ["1", 'time: missing unit in duration "1"'],
    ["1.", 'time: missing unit in duration "1."'],
    ["1s1", 'time: missing unit in duration "1s1"'],
    ["00", 'time: missing unit in duration "00"'],
    ["1hour", 'time: unknown unit "hour" in duration "1hour"'],
    ["1h 30m", 'time: unknown unit "h " in duration "1h 30m"'],
    ["1H", 'time: unknown unit "H" in duration "1H"'],
    ["1\u00b5", 'time: unknown unit "\\xc2\\xb5" in duration "1\\xc2\\xb5"'],
    ['1"s', 'time: unknown unit "\\"s" in duration "1\\"s"'],
    ["1\\", 'time: unknown unit "\\\\" in duration "1\\\\"'],
    ["1\u0000s", 'time: unknown unit "\\x00s" in duration "1\\x00s"'],
    ["1\u007fs", 'time: unknown unit "\u007fs" in duration "1\u007fs"'],
    ["1\ud800", 'time: unknown unit "\\xef\\xbf\\xbd" in duration "1\\xef\\xbf\\xbd"'],
    ["x1s", 'time: invalid duration "x1s"'],
    [" 1s", 'time: invalid duration " 1s"'],
    ["--1s", 'time: invalid duration "--1s"'],
  ];
  for (const [text, message] of cases) {
    assertThrows(() => parseGoDuration(text), InvalidInputError, message);
    try {
      parseGoDuration(text);
    } catch (error) {
      assertEquals((error as Error).message, message, JSON.stringify(text));
    }
  }
});

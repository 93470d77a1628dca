import { assertEquals } from "@std/assert";
import { formatGoTime, resolveTimeFormat } from "./format_go_time.ts";
import { parseTimestamp, type Timestamp } from "../time/timestamp.ts";

function at(text: string): Timestamp {
  const t = parseTimestamp(text);
  if (t === undefined) throw new Error(`bad fixture ${text}`);
  return t;
}

// Printed by Go 1.19.8 (time.Parse(time.RFC3339, ts).Format(layout), TZ=UTC).
const TIMES = [
  "2023-07-04T16:32:22.223912519Z",
  "2023-07-04T17:32:22.5+01:00",
  "2023-01-05T00:04:09.000000007-07:00",
  "0001-02-03T04:05:06-00:30",
];
const GOLDEN: [string, string[]][] = [
  ["2006-01-02T15:04:05Z07:00", [
    "2023-07-04T16:32:22Z",
    "2023-07-04T17:32:22+01:00",
    "2023-01-05T00:04:09-07:00",
    "0001-02-03T04:05:06-00:30",
  ]],
  ["2006-01-02T15:04:05.999999999Z07:00", [
    "2023-07-04T16:32:22.223912519Z",
    "2023-07-04T17:32:22.5+01:00",
    "2023-01-05T00:04:09.000000007-07:00",
    "0001-02-03T04:05:06-00:30",
  ]],
  ["Mon Jan _2 15:04:05 2006", [
    "Tue Jul  4 16:32:22 2023",
    "Tue Jul  4 17:32:22 2023",
    "Thu Jan  5 00:04:09 2023",
    "Sat Feb  3 04:05:06 0001",
  ]],
  ["Mon Jan _2 15:04:05 MST 2006", [
    "Tue Jul  4 16:32:22 UTC 2023",
    "Tue Jul  4 17:32:22 +0100 2023",
    "Thu Jan  5 00:04:09 -0700 2023",
    "Sat Feb  3 04:05:06 -0030 0001",
  ]],
  ["Mon Jan 02 15:04:05 -0700 2006", [
    "Tue Jul 04 16:32:22 +0000 2023",
    "Tue Jul 04 17:32:22 +0100 2023",
    "Thu Jan 05 00:04:09 -0700 2023",
    "Sat Feb 03 04:05:06 -0030 0001",
  ]],
  ["02 Jan 06 15:04 MST", [
    "04 Jul 23 16:32 UTC",
    "04 Jul 23 17:32 +0100",
    "05 Jan 23 00:04 -0700",
    "03 Feb 01 04:05 -0030",
  ]],
  ["02 Jan 06 15:04 -0700", [
    "04 Jul 23 16:32 +0000",
    "04 Jul 23 17:32 +0100",
    "05 Jan 23 00:04 -0700",
    "03 Feb 01 04:05 -0030",
  ]],
  ["Monday, 02-Jan-06 15:04:05 MST", [
    "Tuesday, 04-Jul-23 16:32:22 UTC",
    "Tuesday, 04-Jul-23 17:32:22 +0100",
    "Thursday, 05-Jan-23 00:04:09 -0700",
    "Saturday, 03-Feb-01 04:05:06 -0030",
  ]],
  ["Mon, 02 Jan 2006 15:04:05 MST", [
    "Tue, 04 Jul 2023 16:32:22 UTC",
    "Tue, 04 Jul 2023 17:32:22 +0100",
    "Thu, 05 Jan 2023 00:04:09 -0700",
    "Sat, 03 Feb 0001 04:05:06 -0030",
  ]],
  ["Mon, 02 Jan 2006 15:04:05 -0700", [
    "Tue, 04 Jul 2023 16:32:22 +0000",
    "Tue, 04 Jul 2023 17:32:22 +0100",
    "Thu, 05 Jan 2023 00:04:09 -0700",
    "Sat, 03 Feb 0001 04:05:06 -0030",
  ]],
  ["3:04PM", [
    "4:32PM",
    "5:32PM",
    "12:04AM",
    "4:05AM",
  ]],
  ["3:04pm 03 PM", [
    "4:32pm 04 PM",
    "5:32pm 05 PM",
    "12:04am 12 AM",
    "4:05am 04 AM",
  ]],
  ["2006-01-02 15:04:05.999999999 -0700 MST", [
    "2023-07-04 16:32:22.223912519 +0000 UTC",
    "2023-07-04 17:32:22.5 +0100 +0100",
    "2023-01-05 00:04:09.000000007 -0700 -0700",
    "0001-02-03 04:05:06 -0030 -0030",
  ]],
  ["January 2 1 002 __2 _2", [
    "July 4 7 185 185  4",
    "July 4 7 185 185  4",
    "January 5 1 005   5  5",
    "February 3 2 034  34  3",
  ]],
  ["Jan .000 ,999 .9", [
    "Jul .223 ,223 .2",
    "Jul .500 ,5 .5",
    "Jan .000  ",
    "Feb .000  ",
  ]],
  ["_2006 ___2 __2006", [
    "_2023 _185 185023",
    "_2023 _185 185023",
    "_2023 _  5   5023",
    "_0001 _ 34  34001",
  ]],
  ["Month Mondays Janx JanX MonX", [
    "Month Tuesdays Janx JulX TueX",
    "Month Tuesdays Janx JulX TueX",
    "Month Thursdays Janx JanX ThuX",
    "Month Saturdays Janx FebX SatX",
  ]],
  ["Z07 -07 Z0700 Z070000 -070000 Z07:00:00 -07:00:00", [
    "Z +00 Z Z +000000 Z +00:00:00",
    "+01 +01 +0100 +010000 +010000 +01:00:00 +01:00:00",
    "-07 -07 -0700 -070000 -070000 -07:00:00 -07:00:00",
    "-00 -00 -0030 -003000 -003000 -00:30:00 -00:30:00",
  ]],
  ["15:04:05.0 .00 .000000 .0000000000 ,000000000", [
    "16:32:22.2 .22 .223912 .223912519 ,223912519",
    "17:32:22.5 .50 .500000 .500000000 ,500000000",
    "00:04:09.0 .00 .000000 .000000007 ,000000007",
    "04:05:06.0 .00 .000000 .000000000 ,000000000",
  ]],
  ["2006.01.02 .0001 .90", [
    "2023.07.04 .0007 .90",
    "2023.07.04 .0007 .90",
    "2023.01.05 .0001 .90",
    "0001.02.03 .0002 .90",
  ]],
  ["4 5 04 05 15 3 03", [
    "32 22 32 22 16 4 04",
    "32 22 32 22 17 5 05",
    "4 9 04 09 00 12 12",
    "5 6 05 06 04 4 04",
  ]],
];

Deno.test("formatGoTime() prints every layout element as Go does", () => {
  for (const [layout, wants] of GOLDEN) {
    TIMES.forEach((time, i) => assertEquals(formatGoTime(at(time), layout), wants[i], layout));
  }
});

Deno.test("formatGoTime() prints UTC for offset 0, however it was written", () => {
  for (
    const text of ["2023-07-04T16:32:22Z", "2023-07-04T16:32:22+00:00", "2023-07-04T16:32:22-00:00"]
  ) {
    assertEquals(
      formatGoTime(at(text), "MST Z07:00 -07:00 Z0700 -0700"),
      "UTC Z +00:00 Z +0000",
      text,
    );
  }
});

// Checked against Go 1.19.8: unlike Parse, Format takes a fraction anywhere.
Deno.test("formatGoTime() needs no seconds element before a fraction", () => {
  const t = at("2023-07-04T16:32:22.25Z");
  assertEquals(formatGoTime(t, "Jan .000|.999|,0|.9"), "Jul .250|.25|,2|.2");
  assertEquals(formatGoTime(t, "15.000"), "16.250");
  assertEquals(formatGoTime(at("2023-07-04T16:32:22Z"), "05.999 05,9 .0"), "22 22 .0");
});

// Checked against Go 1.19.8 too.
Deno.test("formatGoTime() copies text that is not an element", () => {
  const t = at("2023-07-04T16:32:22Z");
  assertEquals(formatGoTime(t, ""), "");
  assertEquals(formatGoTime(t, "no elements here"), "no elements here");
  assertEquals(formatGoTime(t, "é✓ [ts] 😀"), "é✓ [ts] 😀");
  assertEquals(formatGoTime(t, "Jan.000"), "Jul.000");
  assertEquals(formatGoTime(t, ".01 .0 .09"), ".07 .0 .09");
  assertEquals(formatGoTime(t, "07 08 00 9 6"), "07 08 00 9 6");
  assertEquals(formatGoTime(t, "Z7 +07 M P p"), "Z7 +07 M P p");
});

Deno.test("formatGoTime() walks the calendar like Go", () => {
  const layout = "2006-01-02 Mon 002";
  assertEquals(formatGoTime(at("2000-02-29T00:00:00Z"), layout), "2000-02-29 Tue 060");
  assertEquals(formatGoTime(at("1900-03-01T00:00:00Z"), layout), "1900-03-01 Thu 060");
  assertEquals(formatGoTime(at("2024-12-31T23:59:59Z"), layout), "2024-12-31 Tue 366");
  assertEquals(formatGoTime(at("0000-01-01T00:00:00Z"), layout), "0000-01-01 Sat 001");
  assertEquals(
    formatGoTime(at("0000-01-01T00:30:00+01:00"), layout + " 06"),
    "0000-01-01 Sat 001 00",
  );
  assertEquals(formatGoTime(at("1969-12-31T23:59:59.999Z"), layout), "1969-12-31 Wed 365");
  assertEquals(
    formatGoTime(at("9999-12-31T23:59:59.999999999-12:00"), layout + " 15:04:05.999999999"),
    "9999-12-31 Fri 365 23:59:59.999999999",
  );
  // Past RFC3339's range, as Go prints years below 0 and above 9999.
  const before = { seconds: -62198755200, nanos: 0, offsetSeconds: 0 }; // 0000-01-01 minus 1 year
  assertEquals(formatGoTime(before, "2006 06 Jan 2"), "-0001 01 Jan 1");
  const after = { seconds: 253402300800, nanos: 0, offsetSeconds: 0 }; // 10000-01-01
  assertEquals(formatGoTime(after, "2006 06 Jan 2 Mon"), "10000 00 Jan 1 Sat");
});

Deno.test("formatGoTime() prints offsets that are not whole minutes as Go does", () => {
  const t = { seconds: 0, nanos: 0, offsetSeconds: -(3600 + 61) };
  assertEquals(
    formatGoTime(t, "15:04:05 MST -07 -0700 -07:00 -070000 -07:00:00"),
    "22:58:59 -0101 -01 -0101 -01:01 -010101 -01:01:01",
  );
});

Deno.test("resolveTimeFormat() maps faas-cli's names in any case", () => {
  const names: [string, string][] = [
    ["ansic", "Mon Jan _2 15:04:05 2006"],
    ["UnixDate", "Mon Jan _2 15:04:05 MST 2006"],
    ["RUBYDATE", "Mon Jan 02 15:04:05 -0700 2006"],
    ["rfc822", "02 Jan 06 15:04 MST"],
    ["RFC822Z", "02 Jan 06 15:04 -0700"],
    ["rfc850", "Monday, 02-Jan-06 15:04:05 MST"],
    ["RFC1123", "Mon, 02 Jan 2006 15:04:05 MST"],
    ["rfc1123z", "Mon, 02 Jan 2006 15:04:05 -0700"],
    ["RFC3339", "2006-01-02T15:04:05Z07:00"],
    ["rfc3339Nano", "2006-01-02T15:04:05.999999999Z07:00"],
    // Go's strings.ToLower turns U+0130 into a plain "i".
    ["UN\u0130XDATE", "Mon Jan _2 15:04:05 MST 2006"],
  ];
  for (const [value, layout] of names) assertEquals(resolveTimeFormat(value), layout, value);
});

Deno.test("resolveTimeFormat() passes everything else through", () => {
  for (
    const value of [
      "",
      "15:04:05",
      "kitchen",
      "Kitchen",
      "datetime",
      "rfc3339 ",
      " ansic",
      "nonsense",
    ]
  ) {
    assertEquals(resolveTimeFormat(value), value);
  }
});

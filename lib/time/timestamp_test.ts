import { assert, assertEquals, assertThrows } from "@std/assert";
import {
  compareTimestamps,
  formatTimestamp,
  nanosToTimestamp,
  normalizeTimestamp,
  parseTimestamp,
  timestampToNanos,
} from "./timestamp.ts";

Deno.test("parseTimestamp() reads RFC3339 with and without fractions and offsets", () => {
  assertEquals(parseTimestamp("2023-07-04T16:32:22.223912519Z"), {
    seconds: 1688488342,
    nanos: 223912519,
    offsetSeconds: 0,
  });
  assertEquals(parseTimestamp("2023-07-04T16:27:23+01:00")?.seconds, 1688484443);
  assertEquals(parseTimestamp("2023-07-04T16:27:23-05:30")?.offsetSeconds, -19800);
  assertEquals(parseTimestamp("2023-07-04T16:27:23.1Z")?.nanos, 100000000);
  // Go truncates digits past the ninth.
  assertEquals(parseTimestamp("2023-07-04T16:27:23.1234567891234Z")?.nanos, 123456789);
  assertEquals(parseTimestamp("2024-02-29T00:00:00Z")?.seconds, 1709164800);
  assertEquals(parseTimestamp("0001-01-01T00:00:00Z")?.seconds, -62135596800);
});

Deno.test("parseTimestamp() rejects what Go's RFC3339 parser rejects", () => {
  for (
    const bad of [
      "",
      "2023-07-04",
      "2023-07-04T16:27:23",
      "2023-07-04 16:27:23Z",
      "2023-07-04t16:27:23z",
      "2023-13-01T00:00:00Z",
      "2023-02-29T00:00:00Z",
      "2023-04-31T00:00:00Z",
      "2023-07-04T24:00:00Z",
      "2023-07-04T16:60:00Z",
      "2023-07-04T16:27:60Z",
      "2023-07-04T16:27:23.Z",
      "2023-07-04T16:27:23+24:00",
      "2023-07-04T16:27:23+0100",
      "12023-07-04T16:27:23Z",
      " 2023-07-04T16:27:23Z",
    ]
  ) assertEquals(parseTimestamp(bad), undefined, bad);
});

Deno.test("formatTimestamp() writes Go's RFC3339Nano", () => {
  assertEquals(formatTimestamp(1613149263, 88068000), "2021-02-12T17:01:03.088068Z");
  assertEquals(formatTimestamp(1550308206, 0), "2019-02-16T09:10:06Z");
  assertEquals(formatTimestamp(1550308206, 1), "2019-02-16T09:10:06.000000001Z");
  assertEquals(formatTimestamp(1688484443, 500000000, 3600), "2023-07-04T16:27:23.5+01:00");
  assertEquals(formatTimestamp(1688484443, 0, -19800), "2023-07-04T09:57:23-05:30");
});

Deno.test("normalizeTimestamp() and the nanosecond helpers round-trip", () => {
  assertEquals(normalizeTimestamp("2023-07-04T16:27:23.500000+01:00"), "2023-07-04T15:27:23.5Z");
  assertEquals(normalizeTimestamp("nope"), undefined);
  const text = "2023-07-04T16:32:22.223912519Z";
  assertEquals(nanosToTimestamp(timestampToNanos(text)), text);
  assertEquals(nanosToTimestamp(-1n), "1969-12-31T23:59:59.999999999Z");
  assertThrows(() => timestampToNanos("x"), SyntaxError, 'Cannot parse timestamp "x"');
});

Deno.test("compareTimestamps() orders by instant, whatever the text", () => {
  assert(compareTimestamps("2024-01-01T00:00:00Z", "2024-01-01T00:00:00.000000001Z") < 0);
  assertEquals(compareTimestamps("2024-01-01T01:00:00+01:00", "2024-01-01T00:00:00Z"), 0);
  assert(compareTimestamps("2024-01-01T00:00:00.5Z", "2024-01-01T00:00:00.45Z") > 0);
  assert(compareTimestamps("garbage", "2024-01-01T00:00:00Z") < 0);
});

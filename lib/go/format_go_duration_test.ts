import { assertEquals } from "@std/assert";
import { formatGoDuration } from "./format_go_duration.ts";

Deno.test("formatGoDuration() writes what Go's Duration.String writes", () => {
  const cases: [number, string][] = [
    [0, "0s"],
    [1, "1ms"],
    [1.5, "1.5ms"],
    [250, "250ms"],
    [999, "999ms"],
    [1000, "1s"],
    [1500, "1.5s"],
    [1234, "1.234s"],
    [30_000, "30s"],
    [60_000, "1m0s"],
    [90_500, "1m30.5s"],
    [3_600_000, "1h0m0s"],
    [3_723_000, "1h2m3s"],
    [-1500, "-1.5s"],
  ];
  assertEquals(cases.map(([ms]) => formatGoDuration(ms)), cases.map(([, text]) => text));
});

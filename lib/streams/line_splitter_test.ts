import { assertEquals, assertThrows } from "@std/assert";
import { cutMarker, LineSplitter } from "./line_splitter.ts";

function splitAll(pieces: string[], max?: number): string[] {
  const splitter = new LineSplitter(max);
  const lines: string[] = [];
  for (const piece of pieces) splitter.split(piece, lines);
  splitter.end(lines);
  return lines;
}

Deno.test("LineSplitter.split() joins pieces and strips \\r before \\n", () => {
  assertEquals(splitAll(["a\r", "\nb", "c\n\n", "d"]), ["a", "bc", "", "d"]);
});

Deno.test("LineSplitter.split() cuts long lines with a marker, counting what it drops", () => {
  assertEquals(splitAll(["abcdefgh\nxy\n"], 5), ["abcde" + cutMarker(3), "xy"]);
  assertEquals(splitAll(["abc", "defg", "hij\r", "\nok"], 4), ["abcd" + cutMarker(6), "ok"]);
});

Deno.test("LineSplitter.midLine tells whether a line is waiting", () => {
  const splitter = new LineSplitter();
  const lines: string[] = [];
  splitter.split("partial", lines);
  assertEquals([splitter.midLine, lines], [true, []]);
  splitter.split("\n", lines);
  assertEquals([splitter.midLine, lines], [false, ["partial"]]);
  assertThrows(() => new LineSplitter(0), RangeError);
});

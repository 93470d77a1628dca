import { assertEquals } from "@std/assert";
import { OverlapFilter } from "../../../ui/overlap_filter.ts";

const line = (instance: string, key: string, text: string) => ({ instance, key, text });

Deno.test("OverlapFilter passes everything until armed, late lines included", () => {
  const filter = new OverlapFilter();
  assertEquals(
    [line("a", "2", "x"), line("a", "1", "late"), line("a", "2", "x")].map((l) => filter.accept(l)),
    [true, true, true],
  );
});

Deno.test("OverlapFilter after a resume by time drops, per instance, what was shown", () => {
  const filter = new OverlapFilter();
  for (
    const l of [
      line("a", "1", "a1"),
      line("a", "2", "a2"),
      line("a", "2", "a2b"),
      line("b", "5", "b5"),
    ]
  ) {
    filter.accept(l);
  }
  filter.arm();
  // Instance a is sent again from key 2: its repeats go, a new line at the same instant stays.
  assertEquals(filter.accept(line("a", "1", "a1")), false);
  assertEquals(filter.accept(line("a", "2", "a2")), false);
  assertEquals(filter.accept(line("a", "2", "a2c")), true);
  assertEquals(filter.accept(line("a", "2", "a2b")), false);
  assertEquals(filter.accept(line("a", "3", "a3")), true);
  // Once past, a is in step: an older line of it now is a late line, shown.
  assertEquals(filter.accept(line("a", "1", "a1")), true);
  // Instance b is still in its overlap; a new instance passes.
  assertEquals(filter.accept(line("b", "5", "b5")), false);
  assertEquals(filter.accept(line("c", "0", "c0")), true);
});

Deno.test("OverlapFilter after a resume by cursor drops nothing (every line is newer)", () => {
  const filter = new OverlapFilter();
  filter.accept(line("a", "1", "same text"));
  filter.arm();
  assertEquals(filter.accept(line("a", "2", "same text")), true);
});

Deno.test("OverlapFilter drops each line shown once: two alike at one instant, one shown, the second passes", () => {
  const filter = new OverlapFilter();
  filter.accept(line("a", "2", "retry"));
  filter.arm();
  // Sent again from key 2: the one shown, then its twin that was never shown.
  assertEquals(filter.accept(line("a", "2", "retry")), false);
  assertEquals(filter.accept(line("a", "2", "retry")), true);
});

Deno.test("OverlapFilter.disarm(): an exact resume drops nothing, not even a line like the last one", () => {
  const filter = new OverlapFilter();
  filter.accept(line("a", "2", "tick"));
  filter.arm();
  filter.disarm();
  assertEquals(filter.accept(line("a", "2", "tick")), true);
});

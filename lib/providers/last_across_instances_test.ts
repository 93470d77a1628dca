import { assertEquals } from "@std/assert";
import { lastAcrossInstances } from "./last_across_instances.ts";
import type { LogRecord } from "../types.ts";

const rec = (text: string, timestamp: string): LogRecord => ({
  name: "fn",
  namespace: "ns",
  instance: text[0],
  timestamp,
  text,
});
const at = (ms: number) => `2024-01-01T00:00:${String(ms / 1000).padStart(2, "0")}Z`;
const texts = (records: readonly LogRecord[]) => records.map((r) => r.text);

Deno.test("lastAcrossInstances() keeps the last N in timestamp order across instances", () => {
  const a = [rec("a1", at(1000)), rec("a2", at(3000)), rec("a3", at(5000))];
  const b = [rec("b1", at(2000)), rec("b2", at(4000))];
  assertEquals(texts(lastAcrossInstances([a, b], 3)), ["a2", "b2", "a3"]);
  assertEquals(texts(lastAcrossInstances([a, b], 10)), ["a1", "b1", "a2", "b2", "a3"]);
  assertEquals(texts(lastAcrossInstances([[], b, []], 1)), ["b2"]);
  assertEquals(lastAcrossInstances([[], []], 5), []);
  assertEquals(lastAcrossInstances([], 5), []);
});

Deno.test("lastAcrossInstances() orders ties by instance order and keeps each instance's order", () => {
  const t = "2024-01-01T00:00:01.5Z";
  assertEquals(
    texts(lastAcrossInstances([[rec("a1", t), rec("a2", t)], [rec("b1", t)]], 3)),
    ["a1", "a2", "b1"],
  );
  // Nanoseconds count; an instance whose clock went back keeps its own order.
  const late = [rec("x1", "2024-01-01T00:00:01.000000002Z"), rec("x2", at(0))];
  const early = [rec("y1", "2024-01-01T00:00:01.000000001Z")];
  assertEquals(texts(lastAcrossInstances([late, early], 3)), ["y1", "x1", "x2"]);
  // Text that is no timestamp sorts first.
  assertEquals(
    texts(lastAcrossInstances([[rec("p1", at(1000))], [rec("q1", "garbage")]], 2)),
    ["q1", "p1"],
  );
});

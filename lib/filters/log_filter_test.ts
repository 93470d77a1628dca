import { assertEquals, assertStrictEquals } from "@std/assert";
import { compileLogFilter, filterBatch, isEmptyFilter } from "./log_filter.ts";
import { parseWhereClause } from "./where_clause.ts";
import type { LogRecord } from "../types.ts";

const record = (text: string, extra: Partial<LogRecord> = {}): LogRecord => ({
  name: "f",
  namespace: "",
  instance: "f-1",
  timestamp: "2024-01-01T00:00:00Z",
  text,
  ...extra,
});

const lines = [
  '{"level":"debug","msg":"a","user":"ann"}',
  '{"level":"warn","msg":"b","user":"bob"}',
  '{"level":50,"msg":"c","user":"ann"}',
  "level=fatal msg=d user=ann",
  "ERROR e",
  "no level f",
];
const texts = (filter: Parameters<typeof compileLogFilter>[0]) => {
  const keep = compileLogFilter(filter)!;
  return lines.filter((text) => keep(record(text))).map((t) => t.match(/\b([a-f])\b/)?.[1]);
};

Deno.test("compileLogFilter() keeps a level and above, and drops lines without one", () => {
  assertEquals(texts({ level: "warn" }), ["b", "c", "d", "e"]);
  assertEquals(texts({ level: "trace" }), ["a", "b", "c", "d", "e"]);
  assertEquals(texts({ level: "fatal" }), ["d"]);
});

Deno.test("compileLogFilter() needs every part to hold", () => {
  assertEquals(texts({ level: "warn", where: [parseWhereClause("user=ann")] }), ["c", "d"]);
  assertEquals(
    texts({ where: [parseWhereClause("user=ann"), parseWhereClause("msg!=a")] }),
    ["c", "d"],
  );
  assertEquals(texts({ grep: [/msg=/, /^ERROR/] }), ["d", "e"]);
  assertEquals(texts({ grep: [/msg/], exclude: [/ann/] }), ["b"]);
  assertEquals(texts({ level: "error", exclude: [/fatal/] }), ["c", "e"]);
});

Deno.test("compileLogFilter() lets gap notices through and asks for nothing when empty", () => {
  const keep = compileLogFilter({ level: "fatal", grep: [/x/] })!;
  assertEquals(keep(record("[fnlogs] 3 lines missed", { missed: 3 })), true);
  assertEquals(compileLogFilter({}), undefined);
  assertEquals(compileLogFilter(undefined), undefined);
  assertEquals(compileLogFilter({ where: [], grep: [] }), undefined);
  assertEquals(isEmptyFilter({ exclude: [/x/] }), false);
});

Deno.test("filterBatch() returns the batch itself when it keeps everything", () => {
  const batch = [record("ERROR a"), record("ERROR b")];
  assertStrictEquals(filterBatch(batch, () => true), batch);
  assertEquals(filterBatch(batch, (r) => r.text.endsWith("b")), [batch[1]]);
  assertEquals(filterBatch(batch, () => false), []);
});

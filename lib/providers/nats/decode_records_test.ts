import { assertEquals } from "@std/assert";
import { decodeRecords } from "./decode_records.ts";
import { encodeRecordPayload } from "./record_codec.ts";
import type { StoredMessage } from "./ordered_reader.ts";

const message = (seq: number, text: string, second = seq): StoredMessage => ({
  seq,
  subject: "fnlogs.ns.fn.a",
  data: encodeRecordPayload({
    name: "fn",
    namespace: "ns",
    instance: "a",
    timestamp: `2024-01-01T00:00:${String(second).padStart(2, "0")}Z`,
    text,
  }),
});
const gap = (missed: number) => ({
  name: "fn",
  namespace: "ns",
  instance: "",
  timestamp: "2024-01-01T00:00:00Z",
  text: "gap",
  missed,
});

Deno.test("decodeRecords() keeps order, gaps, cursors, skip and since", () => {
  const options = { cursorPrefix: "e", since: "2024-01-01T00:00:02Z", gap, skip: 1 };
  const out = decodeRecords([
    message(1, "one"),
    message(2, "two"),
    message(3, "three"),
    { seq: 3, subject: "", data: new Uint8Array(), missed: 4 },
    message(8, 'quote " and \\u2028'),
  ], options);
  assertEquals(out.map((r) => [r.text, r.cursor, r.missed]), [
    ["two", "e-2", undefined],
    ["three", "e-3", undefined],
    ["gap", undefined, 4],
    ['quote " and \\u2028', "e-8", undefined],
  ]);
  assertEquals(options.skip, 0);
});

Deno.test("decodeRecords() skips what is not a log message, one by one", () => {
  const junk = (seq: number, text: string): StoredMessage => ({
    seq,
    subject: "fnlogs.ns.fn.a",
    data: new TextEncoder().encode(text),
  });
  const out = decodeRecords(
    [
      message(1, "a"),
      junk(2, "{not json"),
      junk(3, "[1,2]"),
      junk(4, '{"text":"partial"}'),
      message(5, "b"),
    ],
    { cursorPrefix: "e", gap, skip: 0 },
  );
  assertEquals(out.map((r) => [r.text, r.instance, r.cursor]), [
    ["a", "a", "e-1"],
    ["partial", "", "e-4"],
    ["b", "a", "e-5"],
  ]);
});

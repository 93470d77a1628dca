import { assert, assertEquals, assertThrows } from "@std/assert";
import { JournalEntryStream, type JournalEntryStreamOptions } from "./entry_stream.ts";
import type { LogBatch, LogRecord } from "../../types.ts";

const encoder = new TextEncoder();

function line(fields: Record<string, unknown>): string {
  return JSON.stringify(fields) + "\n";
}

function entry(
  message: unknown,
  micros: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    __CURSOR: `s=0;i=${micros}`,
    __REALTIME_TIMESTAMP: micros,
    __MONOTONIC_TIMESTAMP: "1",
    _BOOT_ID: "b",
    SYSLOG_IDENTIFIER: "openfaas-fn:env",
    _PID: "42",
    MESSAGE: message,
    ...extra,
  };
}

async function decode(
  chunks: (string | Uint8Array)[],
  options?: JournalEntryStreamOptions,
): Promise<LogBatch[]> {
  const bytes = chunks.map((c) => typeof c === "string" ? encoder.encode(c) : c);
  const batches = await Array.fromAsync(
    ReadableStream.from(bytes).pipeThrough(new JournalEntryStream(options)),
  );
  for (const batch of batches) assert(batch.length > 0, "an empty batch was emitted");
  return batches;
}

const SAMPLE = [
  line(entry("Listening on port: 8080", "1583353899094400")),
  line(entry("caf\u00e9 \u{1F600} \u2028 <&>", "1583353899100000", { _PID: "43" })),
  line(entry([0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x72, 0x65, 0x64], "1583353900000000")),
  line(entry([0x61, 0xff, 0x62, 0xc3], "1583353900000001")),
  line(entry("two\nlines\n", "1583353900000010")),
  line(entry(["first", "second"], "1583353900999999")),
  line(entry(null, "1583353901000000")),
].join("");

const EXPECTED: LogRecord[] = [
  ["42", "2020-03-04T20:31:39.0944Z", "Listening on port: 8080", "1583353899094400"],
  ["43", "2020-03-04T20:31:39.1Z", "caf\u00e9 \u{1F600} \u2028 <&>", "1583353899100000"],
  ["42", "2020-03-04T20:31:40Z", "\u001b[31mred", "1583353900000000"],
  ["42", "2020-03-04T20:31:40.000001Z", "a\uFFFDb\uFFFD", "1583353900000001"],
  ["42", "2020-03-04T20:31:40.00001Z", "two\nlines", "1583353900000010"],
  ["42", "2020-03-04T20:31:40.999999Z", "first", "1583353900999999"],
  ["42", "2020-03-04T20:31:41Z", "", "1583353901000000"],
].map(([instance, timestamp, text, micros]) => ({
  name: "env",
  namespace: "openfaas-fn",
  instance,
  timestamp,
  text,
  cursor: `s=0;i=${micros}`,
}));

Deno.test("JournalEntryStream maps journalctl's JSON fields to records", async () => {
  assertEquals((await decode([SAMPLE])).flat(), EXPECTED);
});

Deno.test("JournalEntryStream emits one batch per chunk", async () => {
  const batches = await decode([SAMPLE, "", line(entry("last", "1583353902000000"))]);
  assertEquals(batches.map((b) => b.length), [EXPECTED.length, 1]);
});

Deno.test("JournalEntryStream decodes the same records however the bytes are split", async () => {
  const bytes = encoder.encode(SAMPLE);
  for (let i = 0; i <= bytes.length; i++) {
    const batches = await decode([bytes.subarray(0, i), bytes.subarray(i)]);
    assertEquals(batches.flat(), EXPECTED, `split at byte ${i}`);
  }
  for (let i = 0; i < bytes.length; i += 97) {
    const j = Math.min(bytes.length, i + 1 + (i % 13));
    const batches = await decode([bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)]);
    assertEquals(batches.flat(), EXPECTED, `split at bytes ${i} and ${j}`);
  }
  const oneByteChunks = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
  assertEquals((await decode(oneByteChunks)).flat(), EXPECTED);
});

Deno.test("JournalEntryStream emits a last line without a newline when the input ends", async () => {
  const records =
    (await decode([line(entry("a", "1000000")), JSON.stringify(entry("b", "2000000"))]))
      .flat();
  assertEquals(records.map((r) => r.text), ["a", "b"]);
});

Deno.test("JournalEntryStream drops entries before sinceMicros, exactly", async () => {
  const input = ["1699999999999999", "1700000000000000", "1700000000000001"]
    .map((t) => line(entry(t, t))).join("");
  const records = (await decode([input], { sinceMicros: 1700000000000000 })).flat();
  assertEquals(records.map((r) => r.text), ["1700000000000000", "1700000000000001"]);
  assertEquals(await decode([input], { sinceMicros: 1700000000000002 }), []);
});

Deno.test("JournalEntryStream skips lines that are not JSON objects", async () => {
  const input = '-- No entries --\n\n[1,2]\n{"MESSAGE":\n' + line(entry("ok", "1000000")) +
    "null\n";
  assertEquals((await decode([input])).flat().map((r) => r.text), ["ok"]);
});

Deno.test("JournalEntryStream falls back to the given name and leaves unknowns empty", async () => {
  const input = line({ MESSAGE: "x" }) +
    line({ MESSAGE: "y", SYSLOG_IDENTIFIER: "plain", __REALTIME_TIMESTAMP: "soon" });
  const records = (await decode([input], { name: "fn", namespace: "ns" })).flat();
  assertEquals(records, [
    { name: "fn", namespace: "ns", instance: "", timestamp: "", text: "x" },
    { name: "plain", namespace: "ns", instance: "", timestamp: "", text: "y" },
  ]);
});

Deno.test("JournalEntryStream writes timestamps as UTC RFC3339Nano", async () => {
  const times = ["0", "1", "999999", "1000000", "1613149263088068", "1550308206000000"];
  const records = (await decode([times.map((t) => line(entry("", t))).join("")])).flat();
  assertEquals(records.map((r) => r.timestamp), [
    "1970-01-01T00:00:00Z",
    "1970-01-01T00:00:00.000001Z",
    "1970-01-01T00:00:00.999999Z",
    "1970-01-01T00:00:01Z",
    "2021-02-12T17:01:03.088068Z",
    "2019-02-16T09:10:06Z",
  ]);
});

Deno.test("JournalEntryStream cuts an over-long entry and keeps what it can", async () => {
  const long = "x".repeat(5000);
  const input = line(entry(long, "1000000", { _PID: "7" })) +
    line({ __CURSOR: "c2", MESSAGE: Array(3000).fill(0x41), __REALTIME_TIMESTAMP: "2000000" }) +
    line(entry("short", "3000000"));
  const records = (await decode([input], { maxEntryLength: 1000 })).flat();
  assertEquals(records.length, 3);
  assert(records[0].text.startsWith("x".repeat(800)), records[0].text.slice(0, 40));
  assert(records[0].text.endsWith(" more characters dropped]"), records[0].text);
  assertEquals(records[0].instance, "7");
  assertEquals(records[0].cursor, "s=0;i=1000000");
  assertEquals(records[0].timestamp, "1970-01-01T00:00:01Z");
  assert(/^A{200,} \[fnlogs: journal entry cut/.test(records[1].text), records[1].text);
  assertEquals(records[1].cursor, "c2");
  assertEquals(records[2].text, "short");
  // Split into small chunks, the cut entry gives the same records.
  const bytes = encoder.encode(input);
  const chunks = [];
  for (let i = 0; i < bytes.length; i += 333) chunks.push(bytes.subarray(i, i + 333));
  assertEquals((await decode(chunks, { maxEntryLength: 1000 })).flat(), records);
});

Deno.test("JournalEntryStream survives random bytes", async () => {
  for (let round = 0; round < 200; round++) {
    const bytes = crypto.getRandomValues(new Uint8Array(1 + Math.floor(Math.random() * 2048)));
    // Sprinkle some structure in: newlines, braces and a real entry.
    for (let i = 0; i < bytes.length; i += 50) bytes[i] = [0x0a, 0x7b, 0x22][i % 3];
    const chunks = [
      bytes.subarray(0, round % 64),
      bytes.subarray(round % 64),
      encoder.encode(
        "\n" + line(entry("sentinel", "1000000")),
      ),
    ];
    const records = (await decode(chunks, { maxEntryLength: 256 })).flat();
    for (const r of records) {
      for (const key of ["name", "namespace", "instance", "timestamp", "text"] as const) {
        assertEquals(typeof r[key], "string");
      }
    }
    assertEquals(records.at(-1)?.text, "sentinel");
  }
});

Deno.test("JournalEntryStream rejects a maxEntryLength that is not positive", () => {
  assertThrows(() => new JournalEntryStream({ maxEntryLength: 0 }), RangeError);
});

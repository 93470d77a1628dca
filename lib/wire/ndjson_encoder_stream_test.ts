import { assertEquals } from "@std/assert";
import { NdjsonEncoderStream } from "./ndjson_encoder_stream.ts";
import type { LogBatch, LogRecord } from "../types.ts";

const decoder = new TextDecoder();
const record = (text: string, extra: Partial<LogRecord> = {}): LogRecord => ({
  name: "f",
  namespace: "ns",
  instance: "f-1",
  timestamp: "2024-01-01T00:00:00.5Z",
  text,
  ...extra,
});

async function encode(batches: LogBatch[], options = {}): Promise<string[]> {
  const chunks = await Array.fromAsync(
    ReadableStream.from(batches).pipeThrough(new NdjsonEncoderStream(options)),
  );
  return chunks.map((c) => decoder.decode(c));
}

Deno.test("NdjsonEncoderStream writes one chunk per batch", async () => {
  assertEquals(await encode([[record("a"), record("b")], [record("c")]]), [
    '{"name":"f","namespace":"ns","instance":"f-1","timestamp":"2024-01-01T00:00:00.5Z","text":"a"}\n' +
    '{"name":"f","namespace":"ns","instance":"f-1","timestamp":"2024-01-01T00:00:00.5Z","text":"b"}\n',
    '{"name":"f","namespace":"ns","instance":"f-1","timestamp":"2024-01-01T00:00:00.5Z","text":"c"}\n',
  ]);
});

Deno.test("NdjsonEncoderStream leaves cursor and missed out of the wire format", async () => {
  assertEquals(await encode([[record("x", { cursor: "c-1", missed: 3 })]]), [
    '{"name":"f","namespace":"ns","instance":"f-1","timestamp":"2024-01-01T00:00:00.5Z","text":"x"}\n',
  ]);
});

Deno.test("NdjsonEncoderStream splits a large batch near maxChunkBytes", async () => {
  const batch = Array.from({ length: 1000 }, (_, i) => record(`line ${i}`));
  const chunks = await encode([batch], { maxChunkBytes: 4096 });
  const lengths = chunks.map((c) => c.length);
  for (const length of lengths) assertEquals(length < 4096 + 200, true);
  assertEquals(chunks.length > 10, true);
  assertEquals(chunks.join("").split("\n").length, 1001);
  for (const chunk of chunks) assertEquals(chunk.endsWith("\n"), true);
});

Deno.test("NdjsonEncoderStream with coalesce off writes one chunk per message", async () => {
  const chunks = await encode([[record("a"), record("b"), record("c")]], { coalesce: false });
  assertEquals(chunks.length, 3);
  assertEquals(chunks.map((c) => JSON.parse(c).text), ["a", "b", "c"]);
});

Deno.test("NdjsonEncoderStream encodes a batch shared by several followers once", async () => {
  const batch = [record("shared")];
  const first = await Array.fromAsync(
    ReadableStream.from([batch]).pipeThrough(new NdjsonEncoderStream()),
  );
  const second = await Array.fromAsync(
    ReadableStream.from([batch]).pipeThrough(new NdjsonEncoderStream()),
  );
  // The same bytes object goes to both streams (it is never written to).
  assertEquals(first[0] === second[0], true);
  // A different batch with equal content is encoded on its own.
  const other = await Array.fromAsync(
    ReadableStream.from([[record("shared")]]).pipeThrough(new NdjsonEncoderStream()),
  );
  assertEquals(other[0] === first[0], false);
  assertEquals(decoder.decode(other[0]), decoder.decode(first[0]));
});

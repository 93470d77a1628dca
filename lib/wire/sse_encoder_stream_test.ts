import { assertEquals } from "@std/assert";
import { SseEncoderStream } from "./sse_encoder_stream.ts";
import type { LogBatch, LogRecord } from "../types.ts";

const decoder = new TextDecoder();
const record = (text: string, extra: Partial<LogRecord> = {}): LogRecord => ({
  name: "f",
  namespace: "ns",
  instance: "f-1",
  timestamp: "2024-01-01T00:00:00Z",
  text,
  ...extra,
});

async function encode(batches: LogBatch[], options = {}): Promise<string[]> {
  const chunks = await Array.fromAsync(
    ReadableStream.from(batches).pipeThrough(new SseEncoderStream(options)),
  );
  return chunks.map((c) => decoder.decode(c));
}

Deno.test("SseEncoderStream writes events with ids, gaps, and an end event", async () => {
  assertEquals(
    await encode([[record("a\nb", { cursor: "1" }), record("plain")], [
      record("lost", { missed: 12, instance: "" }),
    ]], { retryMs: 500 }),
    [
      "retry: 500\n\n",
      'id: 1\ndata: {"name":"f","namespace":"ns","instance":"f-1","timestamp":"2024-01-01T00:00:00Z","text":"a\\nb"}\n\n' +
      'data: {"name":"f","namespace":"ns","instance":"f-1","timestamp":"2024-01-01T00:00:00Z","text":"plain"}\n\n',
      'event: gap\ndata: {"name":"f","namespace":"ns","instance":"","timestamp":"2024-01-01T00:00:00Z","text":"lost","missed":12}\n\n',
      "event: end\ndata: {}\n\n",
    ],
  );
});

Deno.test("SseEncoderStream writes no end event when its input fails", async () => {
  let pulls = 0;
  const source = new ReadableStream<LogBatch>({
    pull(c) {
      if (pulls++ === 0) c.enqueue([record("a")]);
      else c.error(new Error("cut"));
    },
  }, { highWaterMark: 0 });
  const reader = source.pipeThrough(new SseEncoderStream()).getReader();
  const first = await reader.read();
  assertEquals(decoder.decode(first.value).startsWith("data: "), true);
  let failed = false;
  await reader.read().catch(() => failed = true);
  assertEquals(failed, true);
});

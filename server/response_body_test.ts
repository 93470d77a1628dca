import { assertEquals } from "@std/assert";
import { logBatchEncoder } from "../lib/log_batch_encoder.ts";
import type { LogBatch, LogRecord } from "../lib/types.ts";
import { responseBody } from "./response_body.ts";

const record: LogRecord = {
  name: "fn",
  namespace: "ns",
  instance: "fn-1",
  timestamp: "2024-01-01T00:00:00Z",
  text: "one",
};

Deno.test("responseBody() encodes batches, passes over empty ones, and ends with the encoder's last bytes", async () => {
  const batches: LogBatch[] = [[], [record], [], []];
  const body = responseBody(
    ReadableStream.from(batches),
    logBatchEncoder("sse", { retryMs: 1000 }),
  );
  const text = (await Array.fromAsync(body.pipeThrough(new TextDecoderStream()))).join("");
  assertEquals(
    text,
    "retry: 1000\n\n" +
      'data: {"name":"fn","namespace":"ns","instance":"fn-1","timestamp":"2024-01-01T00:00:00Z","text":"one"}\n\n' +
      "event: end\ndata: {}\n\n",
  );
});

Deno.test("responseBody() tells onDone how the stream ended and cancels the source when cancelled", async () => {
  let cancelled: unknown;
  const source = new ReadableStream<LogBatch>({
    pull: (c) => c.enqueue([record]),
    cancel: (reason) => void (cancelled = reason),
  });
  const how: string[] = [];
  const body = responseBody(source, logBatchEncoder("ndjson"), { onDone: (h) => how.push(h) });
  const reader = body.getReader();
  assertEquals((await reader.read()).done, false);
  await reader.cancel("client went away");
  assertEquals(cancelled, "client went away");
  assertEquals(how, ["cancelled"]);
});

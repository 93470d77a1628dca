import { assertEquals } from "@std/assert";
import { logBatchEncoder } from "../lib/wire/log_batch_encoder.ts";
import type { LogBatch, LogRecord } from "../lib/types.ts";
import { OpenStreams } from "./open_streams.ts";
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

Deno.test("responseBody() heartbeats an idle event stream, and a server end sends the end marker and cancels the source", async () => {
  const encoder = new TextEncoder();
  let cancelled: unknown;
  // A source that stays idle after its first batch.
  let sent = false;
  const source = new ReadableStream<LogBatch>({
    pull: (c) => {
      if (!sent) c.enqueue([record]);
      sent = true;
      return new Promise(() => {});
    },
    cancel: (reason) => void (cancelled = reason),
  }, { highWaterMark: 0 });
  const registry = new OpenStreams();
  const how: string[] = [];
  const body = responseBody(source, logBatchEncoder("sse"), {
    registry,
    heartbeat: encoder.encode(": ping\n\n"),
    heartbeatMs: 20,
    endMarker: encoder.encode("event: end\ndata: {}\n\n"),
    onDone: (h) => how.push(h),
  });
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  assertEquals((await reader.read()).value!.startsWith("data: {"), true);
  assertEquals((await reader.read()).value, ": ping\n\n"); // nothing else came for 20 ms
  registry.endAll();
  let rest = "";
  for (let r = await reader.read(); !r.done; r = await reader.read()) rest += r.value;
  // A heartbeat may have been queued just before the end; the end marker is last.
  assertEquals(rest.replaceAll(": ping\n\n", ""), "event: end\ndata: {}\n\n");
  assertEquals(cancelled, "stream ended by the server");
  assertEquals(how, ["ended"]);
});

Deno.test("responseBody() ends quietly and cancels the source when the request's signal aborts", async () => {
  let cancelled: unknown;
  const source = new ReadableStream<LogBatch>({
    pull: () => new Promise(() => {}),
    cancel: (reason) => void (cancelled = reason),
  });
  const abort = new AbortController();
  const how: string[] = [];
  const body = responseBody(source, logBatchEncoder("ndjson"), {
    signal: abort.signal,
    onDone: (h) => how.push(h),
  });
  const reader = body.getReader();
  const pending = reader.read();
  abort.abort("client went away");
  assertEquals(await pending, { done: true, value: undefined });
  assertEquals(cancelled, "client went away");
  assertEquals(how, ["cancelled"]);
});

/**
 * The server over real loopback sockets: headers before the first line,
 * chunk framing, the terminator on an end and its absence on a failure, the
 * source cancelled when the client goes away (actively writing and idle), and
 * a slow reader that never makes the server buffer without bound.
 */
import { assert, assertEquals } from "@std/assert";
import { createHandler } from "../server/handler.ts";
import { MemoryProvider, record } from "./helpers/memory_provider.ts";
import { dechunk, RawClient, startTestServer } from "./helpers/test_server.ts";

const REQUEST = (query: string, extra = "") =>
  `GET /system/logs?${query} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}\r\n`;

function headersOf(received: string): string {
  return received.slice(0, received.indexOf("\r\n\r\n") + 4);
}

Deno.test("server flushes the headers of an idle follow before any line exists", async () => {
  const provider = new MemoryProvider();
  await using server = await startTestServer(createHandler({ provider }));
  using client = await RawClient.connect(server.port);
  await client.send(REQUEST("follow=true&name=fn&tail=-1"));
  await client.readUntil((r) => r.includes("\r\n\r\n"));
  const stream = await provider.nextStream(0);
  assertEquals(stream.pulls >= 1, true);
  const head = headersOf(client.received).toLowerCase();
  assert(head.startsWith("http/1.1 200 ok\r\n"), head);
  assert(head.includes("content-type: application/x-ndjson\r\n"), head);
  assert(head.includes("transfer-encoding: chunked\r\n"), head);
  assertEquals(client.received.slice(head.length), "");
  // Then a line arrives as one chunk, at once.
  stream.push([record("first")]);
  await client.readUntil((r) => r.includes('"text":"first"}\n\r\n'));
  assertEquals(
    dechunk(client.received.slice(head.length)).payload,
    '{"name":"fn","namespace":"openfaas-fn","instance":"fn-1","timestamp":"2024-05-06T07:08:09.123456789Z","text":"first"}\n',
  );
  client.close();
  await stream.cancelled;
});

Deno.test("server writes a batch as one chunk and ends with the terminating chunk", async () => {
  const provider = new MemoryProvider();
  provider.history.set("fn", Array.from({ length: 100 }, (_, i) => record(`line ${i}`)));
  await using server = await startTestServer(createHandler({ provider }));
  using client = await RawClient.connect(server.port);
  await client.send(REQUEST("name=fn", "Connection: close\r\n"));
  const received = await client.readToEnd();
  const { payload, chunks, terminated } = dechunk(received.slice(headersOf(received).length));
  assertEquals(terminated, true);
  assertEquals(chunks, 1);
  assertEquals(payload.split("\n").length, 101);
  assert(payload.endsWith('"text":"line 99"}\n'));
});

Deno.test("server with coalescing off sends the same bytes", async () => {
  const provider = new MemoryProvider();
  provider.history.set("fn", Array.from({ length: 5 }, (_, i) => record(`line ${i}`)));
  await using server = await startTestServer(createHandler({ provider, coalesce: false }));
  using client = await RawClient.connect(server.port);
  await client.send(REQUEST("name=fn", "Connection: close\r\n"));
  const received = await client.readToEnd();
  const { payload, terminated } = dechunk(received.slice(headersOf(received).length));
  // Deno merges chunks enqueued in one tick into one frame, so the wire cannot show
  // the per-message chunks (NdjsonEncoderStream's own test does); the bytes are the same.
  assertEquals(terminated, true);
  assertEquals(payload.split("\n").map((l) => l && JSON.parse(l).text), [
    "line 0",
    "line 1",
    "line 2",
    "line 3",
    "line 4",
    "",
  ]);
});

Deno.test("server cuts the connection without the terminator when the source fails mid-stream", async () => {
  const provider = new MemoryProvider();
  const logged: string[] = [];
  await using server = await startTestServer(
    createHandler({ provider, log: (m) => logged.push(m) }),
  );
  using client = await RawClient.connect(server.port);
  await client.send(REQUEST("follow=true&name=fn"));
  const stream = await provider.nextStream(0);
  stream.push([record("before the failure")]);
  await client.readUntil((r) => r.includes("before the failure"));
  stream.fail(new Error("upstream broke"));
  const received = await client.readToEnd();
  const { payload, terminated } = dechunk(received.slice(headersOf(received).length));
  assertEquals(terminated, false);
  assert(payload.includes("before the failure"));
  assertEquals(logged, ['log stream for "fn" failed: upstream broke']);
});

Deno.test("server cancels the source when an idle follower disconnects", async () => {
  const provider = new MemoryProvider();
  const handler = createHandler({ provider });
  await using server = await startTestServer(handler);
  const client = await RawClient.connect(server.port);
  await client.send(REQUEST("follow=true&name=fn"));
  await client.readUntil((r) => r.includes("\r\n\r\n"));
  const stream = await provider.nextStream(0);
  client.close();
  await stream.cancelled;
  await handler.streams.until((n) => n === 0);
});

Deno.test("server cancels the source when a follower disconnects while it is being written to", async () => {
  const provider = new MemoryProvider();
  const handler = createHandler({ provider });
  await using server = await startTestServer(handler);
  const client = await RawClient.connect(server.port);
  await client.send(REQUEST("follow=true&name=fn"));
  const stream = await provider.nextStream(0);
  const batch = Array.from({ length: 500 }, (_, i) => record(`busy ${i} `.padEnd(100, "x")));
  let cancelled = false;
  const feeding = (async () => {
    // Keep the server writing: a batch whenever the previous one was taken.
    while (!cancelled) {
      if (stream.queued === 0) stream.push(batch);
      await new Promise((r) => setTimeout(r, 0));
    }
  })();
  await client.readUntil((r) => r.length > 1_000_000);
  client.close();
  await stream.cancelled;
  cancelled = true;
  await feeding;
  await handler.streams.until((n) => n === 0);
});

Deno.test("server keeps what it buffers for a reader that reads nothing bounded, and loses nothing", async () => {
  const provider = new MemoryProvider();
  await using server = await startTestServer(createHandler({ provider }));
  using client = await RawClient.connect(server.port);
  await client.send(REQUEST("follow=true&name=fn"));
  const stream = await provider.nextStream(0);
  // A source that always has more: each pull gets a fresh 64 KiB batch.
  let produced = 0;
  let next = 0;
  const batchOf = () => Array.from({ length: 512 }, () => record(`n${next++} `.padEnd(100, ".")));
  let lastPulls = -1;
  let steady = 0;
  // Observe the pull count until it stops moving (bounded: at most ~10 s).
  for (let i = 0; i < 200 && steady < 10; i++) {
    while (stream.queued === 0 && stream.pulls > produced) {
      stream.push(batchOf());
      produced++;
    }
    await new Promise((r) => setTimeout(r, 50));
    steady = stream.pulls === lastPulls ? steady + 1 : 0;
    lastPulls = stream.pulls;
  }
  const bytesProduced = next * 227;
  assert(steady >= 10, "the server kept pulling from a source nobody reads");
  assert(
    bytesProduced < 32 * 1024 * 1024,
    `produced ${bytesProduced} bytes for a reader that read none`,
  );
  // Now read: every produced line arrives, in order, exactly once.
  const lines = next;
  await client.readUntil((r) => r.includes(`"text":"n${lines - 1} `));
  const payload = dechunk(client.received.slice(headersOf(client.received).length)).payload;
  const texts = payload.split("\n").filter((l) => l !== "").map((l) =>
    JSON.parse(l).text.split(" ")[0]
  );
  assertEquals(texts.length, lines);
  texts.forEach((t: string, i: number) => assertEquals(t, `n${i}`));
  client.close();
  await stream.cancelled;
});

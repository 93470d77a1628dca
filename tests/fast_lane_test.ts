/**
 * The fast lane end to end, over a real socket: a follower of the local
 * runner's history gets its lines from the history through the response
 * body to fnlogs' HTTP/1.1 engine by plain calls, with no stream read
 * anywhere on the way; a body off the lane (a provider's stream piped on, a
 * handler's own body) is read through a reader and gives the same bytes; and
 * the lane's body also streams on the engine that has no lane
 * (`Deno.serve`).
 *
 * "No stream read" is observed by counting calls of
 * `ReadableStreamDefaultReader.prototype.read`, which is how every reader
 * (`readerPollSource`, a `PollSourceStream`'s own readers) reads; Deno's own
 * socket and `Response` machinery reads through its internals, so the count
 * sees only the server's code.
 */
import { assert, assertEquals } from "@std/assert";
import { LocalProvider } from "../lib/providers/local/provider.ts";
import { parseStackFile } from "../lib/providers/local/stack_file.ts";
import type { LogProvider } from "../lib/types.ts";
import { createHandler } from "../server/handler.ts";
import { dechunk, RawClient, startTestServer } from "./helpers/test_server.ts";

/** The local runner with one function, `fn`, and no processes: lines come from `publish`. */
async function localProvider(): Promise<LocalProvider> {
  return await LocalProvider.start(parseStackFile("functions: { fn: {} }", "/tmp"), {
    spawn: false,
  });
}

/** `provider` with each log stream piped on through a `TransformStream`: off the lane. */
function pipedOn(provider: LocalProvider): LogProvider {
  return {
    kind: provider.kind,
    defaultNamespace: provider.defaultNamespace,
    resumesByCursor: provider.resumesByCursor,
    listFunctions: (namespace, options) => provider.listFunctions(namespace, options),
    openLogs: async (query, options) => {
      const source = await provider.openLogs(query, options);
      return { ...source, stream: source.stream.pipeThrough(new TransformStream()) };
    },
    close: () => provider.close(),
    [Symbol.asyncDispose]: () => provider.close(),
  };
}

/** Counts stream reads through `ReadableStreamDefaultReader` until disposed. */
function countStreamReads(): { readonly count: number } & Disposable {
  const prototype = ReadableStreamDefaultReader.prototype;
  const read = prototype.read;
  const counter = {
    count: 0,
    [Symbol.dispose]: () => void (prototype.read = read),
  };
  prototype.read = function (this: ReadableStreamDefaultReader<unknown>) {
    counter.count++;
    return read.call(this);
  };
  return counter;
}

const REQUEST = "GET /system/logs?name=fn&follow=true HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

/** The texts of the NDJSON lines in a chunked response received so far. */
function textsOf(received: string): string[] {
  const { payload } = dechunk(received.slice(received.indexOf("\r\n\r\n") + 4));
  return payload.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line).text);
}

/** Follows `fn` of `local` (served as `served`): two lines of history, then one live; the texts read. */
async function follow(
  local: LocalProvider,
  served: LogProvider = local,
  engine: "fnlogs" | "deno" = "fnlogs",
) {
  const handler = createHandler({ provider: served });
  await using server = await startTestServer(handler, { engine });
  local.publish("fn", "fn-1", ["one", "two"]);
  using client = await RawClient.connect(server.port);
  await client.send(REQUEST);
  assert(await client.readUntil((r) => r.includes('"text":"two"}')), client.received);
  local.publish("fn", "fn-1", ["three"]);
  assert(await client.readUntil((r) => r.includes('"text":"three"}')), client.received);
  const texts = textsOf(client.received);
  client.close();
  await handler.streams.until((open) => open === 0); // the close reached the history
  assertEquals(local.followerCount("fn"), 0);
  await local.close();
  return texts;
}

Deno.test("a history follower reaches the socket on the fast lane: no stream read from history to socket", async () => {
  const local = await localProvider();
  using reads = countStreamReads();
  assertEquals(await follow(local), ["one", "two", "three"]);
  assertEquals(reads.count, 0);
});

Deno.test("a stream off the lane still streams, read through a reader, with the same bytes", async () => {
  // A provider whose stream was piped on: the response body reads it.
  const local = await localProvider();
  using reads = countStreamReads();
  assertEquals(await follow(local, pipedOn(local)), ["one", "two", "three"]);
  assert(reads.count > 0, "the piped stream was read through a reader");

  // A handler's own plain body: the engine reads it.
  const before = reads.count;
  const body = ReadableStream.from(["a\n", "b\n"]).pipeThrough(new TextEncoderStream());
  await using server = await startTestServer(() => new Response(body));
  using client = await RawClient.connect(server.port);
  await client.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  const received = await client.readToEnd();
  assertEquals(dechunk(received.slice(received.indexOf("\r\n\r\n") + 4)), {
    payload: "a\nb\n",
    chunks: 2,
    terminated: true,
  });
  assert(reads.count > before, "the plain body was read through a reader");
});

Deno.test("the lane's body streams on Deno.serve too, which reads it as a stream", async () => {
  const local = await localProvider();
  assertEquals(await follow(local, local, "deno"), ["one", "two", "three"]);
});

import { assertEquals, assertRejects } from "@std/assert";
import { FunctionNotFoundError, HttpStatusError } from "../errors.ts";
import { type FollowEvent, followLogBatches, followLogs } from "./follow_logs.ts";
import type {
  FunctionInfo,
  LogBatch,
  LogProvider,
  LogQuery,
  LogRecord,
  LogSource,
} from "../types.ts";

const GATEWAY = "http://gateway.test";

function rec(i: number, extra: Partial<LogRecord> = {}): LogRecord {
  return {
    name: "f",
    namespace: "ns",
    instance: "f-1",
    timestamp: `2024-01-01T00:00:${String(i).padStart(2, "0")}Z`,
    text: `line ${i}`,
    ...extra,
  };
}

function json(r: LogRecord): string {
  const { name, namespace, instance, timestamp, text } = r;
  return JSON.stringify({ name, namespace, instance, timestamp, text });
}

/** A scripted gateway: each call answers the next of `answers` (the last repeats). */
function scripted(answers: ((url: URL, headers: Headers) => Response)[]): {
  fetch: typeof fetch;
  urls: URL[];
  headers: Headers[];
} {
  const urls: URL[] = [];
  const headers: Headers[] = [];
  let call = 0;
  const fetchFn: typeof fetch = (input, init) => {
    const url = new URL(String(input));
    urls.push(url);
    headers.push(new Headers(init?.headers));
    const answer = answers[Math.min(call++, answers.length - 1)];
    return Promise.resolve(answer(url, new Headers(init?.headers)));
  };
  return { fetch: fetchFn, urls, headers };
}

/** An NDJSON body that is cut (errors) after its lines. */
function cutBody(lines: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let sent = false;
  return new ReadableStream({
    pull(controller) {
      if (sent) return controller.error(new TypeError("error reading a body from connection"));
      sent = true;
      controller.enqueue(encoder.encode(lines.map((l) => l + "\n").join("")));
    },
  });
}

Deno.test("followLogBatches() waits the backoff's delays, reset once a connection delivers", async () => {
  const history = [rec(1), rec(2), rec(3)];
  const { fetch } = scripted([
    () => new Response(cutBody([json(history[0])])),
    () => new Response("busy", { status: 503 }),
    () => new Response("busy", { status: 503 }),
    () => new Response(cutBody([json(history[0]), json(history[1])])),
    () => new Response("busy", { status: 502 }),
    () => new Response(history.map(json).join("\n")),
  ]);
  const delays: number[] = [];
  const controller = new AbortController();
  const got: string[] = [];
  for await (
    const m of followLogs({
      gateway: GATEWAY,
      name: "f",
      fetch,
      backoff: { initialMs: 100, capMs: 1000, random: () => 0.5 },
      sleep: (ms) => {
        delays.push(ms);
        return Promise.resolve();
      },
      signal: controller.signal,
    })
  ) {
    got.push(m.text);
    if (got.length === 3) controller.abort();
  }
  assertEquals(got, ["line 1", "line 2", "line 3"]);
  // 200, 350, 550 while failing; back to 200 after the connection that delivered line 2.
  assertEquals(delays, [200, 350, 550, 200, 350]);
});

Deno.test("followLogBatches() resumes with since and Last-Event-ID, tail dropped", async () => {
  const { fetch, urls, headers } = scripted([
    () => new Response(cutBody([json(rec(1, { cursor: "x" }))])),
    () => new Response(json(rec(2))),
  ]);
  const got = await Array.fromAsync(followLogs({
    gateway: GATEWAY,
    name: "f",
    tail: 5,
    fetch,
    sleep: () => Promise.resolve(),
    // The second answer ends cleanly: with follow on that is one more reconnect; stop there.
    maxReconnects: 1,
  }));
  assertEquals(got.map((m) => m.text), ["line 1", "line 2"]);
  assertEquals(urls[0].search, "?follow=true&name=f&tail=5");
  assertEquals(urls[1].search, "?follow=true&name=f&since=2024-01-01T00%3A00%3A01Z");
  assertEquals(headers[1].get("last-event-id"), null);
});

Deno.test("followLogBatches() sends the cursor and trusts X-Fnlogs-Resume: cursor", async () => {
  const sse = (records: LogRecord[], end: boolean) =>
    records.map((r) => `id: ${r.cursor}\ndata: ${json(r)}\n\n`).join("") +
    (end ? "event: end\ndata: {}\n\n" : "");
  const a = rec(1, { cursor: "c1" });
  // Same timestamp as line 1: only an exact resume can tell it is new.
  const b = rec(1, { cursor: "c2", text: "line 1b" });
  const { fetch, headers } = scripted([
    () => new Response(sse([a], false), { headers: { "content-type": "text/event-stream" } }),
    () =>
      new Response(sse([b], true), {
        headers: { "content-type": "text/event-stream", "x-fnlogs-resume": "cursor" },
      }),
  ]);
  const events: FollowEvent[] = [];
  const got = await Array.fromAsync(followLogs({
    gateway: GATEWAY,
    name: "f",
    follow: false,
    fetch,
    sleep: () => Promise.resolve(),
    onEvent: (e) => events.push(e),
  }));
  assertEquals(got.map((m) => m.text), ["line 1", "line 1b"]);
  assertEquals(headers[1].get("last-event-id"), "c1");
  assertEquals(events.find((e) => e.event === "resumed"), {
    event: "resumed",
    attempt: 1,
    resume: "cursor",
    since: "2024-01-01T00:00:01Z",
    cursor: "c1",
  });
});

Deno.test("followLogBatches() reports gap events instead of yielding them", async () => {
  const body = `data: ${json(rec(1))}\n\nevent: gap\ndata: ${
    json(rec(2, { instance: "f-2", text: "[fnlogs] 7 lines missed" })).slice(0, -1)
  },"missed":7}\n\ndata: ${json(rec(3))}\n\nevent: end\ndata: {}\n\n`;
  const { fetch } = scripted([
    () => new Response(body, { headers: { "content-type": "text/event-stream" } }),
  ]);
  const events: FollowEvent[] = [];
  const batches: LogBatch[] = await Array.fromAsync(followLogBatches({
    gateway: GATEWAY,
    name: "f",
    follow: false,
    fetch,
    onEvent: (e) => events.push(e),
  }));
  assertEquals(batches.flat().map((m) => m.text), ["line 1", "line 3"]);
  assertEquals(events, [{
    event: "gap",
    missed: 7,
    instance: "f-2",
    timestamp: "2024-01-01T00:00:02Z",
  }]);
});

Deno.test("followLogBatches() reconnects after the server's end event when following", async () => {
  const { fetch, urls } = scripted([
    () =>
      new Response(`data: ${json(rec(1))}\n\nevent: end\ndata: {}\n\n`, {
        headers: { "content-type": "text/event-stream" },
      }),
    () => new Response("function not found", { status: 404 }),
  ]);
  const events: FollowEvent[] = [];
  await assertRejects(
    () =>
      Array.fromAsync(followLogs({
        gateway: GATEWAY,
        name: "f",
        fetch,
        sleep: () => Promise.resolve(),
        onEvent: (e) => events.push(e),
      })),
    HttpStatusError,
    "404",
  );
  assertEquals(urls.length, 2);
  assertEquals(events[0], {
    event: "reconnecting",
    attempt: 1,
    delayMs: (events[0] as { delayMs: number }).delayMs,
    reason: "the server ended the stream",
  });
});

Deno.test("followLogBatches() counts a connection that stayed up as healthy", async () => {
  let now = 0;
  const { fetch } = scripted([() =>
    new Response(
      new ReadableStream({
        async pull(controller) {
          // Later than the opening: the connection lasts 20 s, then is reset.
          await new Promise((resolve) => setTimeout(resolve, 0));
          now += 20_000;
          controller.error(new TypeError("reset"));
        },
      }),
    )]);
  const events: FollowEvent[] = [];
  const controller = new AbortController();
  await Array.fromAsync(followLogs({
    gateway: GATEWAY,
    name: "f",
    fetch,
    now: () => now,
    maxReconnects: 1,
    sleep: () => Promise.resolve(),
    signal: controller.signal,
    onEvent: (e) => {
      events.push(e);
      if (events.length === 5) controller.abort();
    },
  }));
  // Each connection lasted 20 s without data: the attempts never pile up to the limit.
  assertEquals(
    events.flatMap((e) => e.event === "reconnecting" ? [e.attempt] : []),
    [1, 1, 1],
  );
  assertEquals(events.some((e) => e.event === "ended"), false);
});

class FlakyProvider implements LogProvider {
  readonly kind = "flaky";
  readonly defaultNamespace = "ns";
  readonly resumesByCursor = true;
  readonly queries: LogQuery[] = [];
  constructor(readonly records: LogRecord[], readonly failAfter: number[]) {}
  listFunctions(): Promise<FunctionInfo[]> {
    return Promise.resolve([]);
  }
  openLogs(query: LogQuery): Promise<LogSource> {
    if (query.name !== "f") return Promise.reject(new FunctionNotFoundError(query.name, "ns"));
    this.queries.push(query);
    const start = query.cursor === undefined ? 0 : Number(query.cursor) + 1;
    const limit = this.failAfter.shift();
    const list = this.records.slice(start, limit === undefined ? undefined : start + limit)
      .map((r, i) => ({ ...r, cursor: String(start + i) }));
    let sent = false;
    const stream = new ReadableStream<LogBatch>({
      pull(controller) {
        if (!sent && list.length > 0) {
          sent = true;
          return controller.enqueue(list);
        }
        if (limit !== undefined) controller.error(new Error("pod went away"));
        else controller.close();
      },
    });
    return Promise.resolve({ stream, fromCursor: query.cursor !== undefined });
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

Deno.test("followLogBatches() reads a provider directly and resumes it by cursor", async () => {
  const records = [1, 2, 3, 4, 5].map((i) => rec(i));
  const provider = new FlakyProvider(records, [2, 1]);
  const events: FollowEvent[] = [];
  const got = await Array.fromAsync(followLogs({
    provider,
    name: "f",
    follow: false,
    tail: 10,
    sleep: () => Promise.resolve(),
    onEvent: (e) => events.push(e),
  }));
  assertEquals(got.map((m) => m.text), records.map((r) => r.text));
  assertEquals(provider.queries.map((q) => [q.cursor, q.tail, q.follow]), [
    [undefined, 10, false],
    ["1", undefined, false],
    ["2", undefined, false],
  ]);
  assertEquals(
    events.filter((e) => e.event === "reconnecting").map((e) => (e as { reason: string }).reason),
    ["the stream was cut (pod went away)", "the stream was cut (pod went away)"],
  );
  await assertRejects(
    () => Array.fromAsync(followLogs({ provider, name: "nope" })),
    FunctionNotFoundError,
  );
});

Deno.test("followLogBatches() needs exactly one of gateway and provider", async () => {
  await assertRejects(() => Array.fromAsync(followLogs({ name: "f" })), TypeError);
});

Deno.test("followLogBatches() names a failure's root cause in its reconnect notice", async () => {
  let call = 0;
  const fetchFn: typeof fetch = () => {
    call++;
    if (call === 1) return Promise.resolve(new Response(cutBody([json(rec(1))])));
    if (call === 2) {
      // What Deno 2.9.6's fetch throws when the peer resets (measured with a real RST).
      const reset = new Error("Connection reset by peer (os error 104)");
      return Promise.reject(new TypeError("fetch failed", { cause: reset }));
    }
    return Promise.resolve(new Response(json(rec(2)) + "\n"));
  };
  const events: FollowEvent[] = [];
  const got = await Array.fromAsync(followLogs({
    gateway: GATEWAY,
    name: "f",
    follow: false,
    fetch: fetchFn,
    sleep: () => Promise.resolve(),
    onEvent: (e) => events.push(e),
  }));
  assertEquals(got.map((m) => m.text), ["line 1", "line 2"]);
  const reasons = events.flatMap((e) => e.event === "reconnecting" ? [e.reason] : []);
  assertEquals(reasons, [
    "the stream was cut (error reading a body from connection)",
    "Cannot connect to OpenFaaS on URL: http://gateway.test " +
    "(fetch failed: Connection reset by peer (os error 104))",
  ]);
});

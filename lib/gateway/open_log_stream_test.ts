import { assertEquals, assertInstanceOf, assertRejects } from "@std/assert";
import { buildLogRequest } from "./build_log_request.ts";
import { ConnectError, HttpStatusError } from "../errors.ts";
import { IdleTimeoutError, openLogStream } from "./open_log_stream.ts";
import type { LogBatch } from "../types.ts";

const GATEWAY = "http://gateway.test:8080";
const request = buildLogRequest({ gateway: GATEWAY, name: "env", follow: true });
const LINE =
  '{"name":"env","namespace":"ns","instance":"env-1","timestamp":"2024-01-01T00:00:00Z","text":"hi"}';

function answering(body: BodyInit | null, init: ResponseInit): typeof fetch {
  return () => Promise.resolve(new Response(body, init));
}

async function texts(batches: ReadableStream<LogBatch>): Promise<string[]> {
  return (await Array.fromAsync(batches)).flat().map((r) => r.text);
}

for (const contentType of ["application/x-ndjson", "text/plain; charset=utf-8", ""]) {
  Deno.test(`openLogStream() decodes a '${contentType}' answer as JSON values`, async () => {
    const headers: Record<string, string> = contentType === ""
      ? {}
      : { "content-type": contentType };
    const stream = await openLogStream({
      request,
      gateway: GATEWAY,
      fetch: answering(LINE + "\n" + LINE, { headers }),
    });
    // The format comes from the body's first bytes, so it is known once they were read.
    assertEquals(stream.format, undefined);
    assertEquals(await texts(stream.batches), ["hi", "hi"]);
    assertEquals([stream.format, stream.resume, stream.ended], ["ndjson", undefined, false]);
    stream.close();
  });
}

Deno.test("openLogStream() decodes fnlogs' event stream and reads X-Fnlogs-Resume", async () => {
  const body = `retry: 1000\n\nid: c1\ndata: ${LINE}\n\n: ping\n\nevent: end\ndata: {}\n\n`;
  const stream = await openLogStream({
    request,
    gateway: GATEWAY,
    fetch: answering(body, {
      headers: { "content-type": "text/event-stream", "x-fnlogs-resume": "cursor" },
    }),
  });
  const records = (await Array.fromAsync(stream.batches)).flat();
  assertEquals([stream.format, stream.resume], ["event-stream", "cursor"]);
  assertEquals(records.map((r) => [r.text, r.cursor]), [["hi", "c1"]]);
  assertEquals([stream.ended, stream.retryMs, stream.skipped], [true, 1000, 0]);
  stream.close();
});

Deno.test("openLogStream() sends the request's URL and headers", async () => {
  let seen: Request | undefined;
  const stream = await openLogStream({
    request: buildLogRequest({ gateway: GATEWAY, name: "env", follow: true, lastEventId: "c9" }),
    gateway: GATEWAY,
    fetch: (input, init) => {
      seen = new Request(input, init);
      return Promise.resolve(new Response(""));
    },
  });
  await texts(stream.batches);
  stream.close();
  assertEquals(seen?.url, `${GATEWAY}/system/logs?follow=true&name=env`);
  assertEquals(seen?.headers.get("last-event-id"), "c9");
});

Deno.test("openLogStream() turns a status other than 200 into HttpStatusError with the body trimmed", async () => {
  const error = await assertRejects(
    () =>
      openLogStream({
        request,
        gateway: GATEWAY,
        fetch: answering("function log request failed\n", { status: 500 }),
      }),
    HttpStatusError,
  );
  assertEquals([error.status, error.body], [500, "function log request failed"]);
});

Deno.test("openLogStream() turns a failed connection into ConnectError with the cause", async () => {
  const cause = new TypeError("connection refused");
  const error = await assertRejects(
    () => openLogStream({ request, gateway: GATEWAY, fetch: () => Promise.reject(cause) }),
    ConnectError,
  );
  assertEquals(error.message, `Cannot connect to OpenFaaS on URL: ${GATEWAY}`);
  assertEquals(error.cause, cause);
});

Deno.test("openLogStream() rejects with the abort reason when aborted, not ConnectError", async () => {
  const controller = new AbortController();
  const reason = new DOMException("stop", "AbortError");
  controller.abort(reason);
  const error = await assertRejects(() =>
    openLogStream({
      request,
      gateway: GATEWAY,
      signal: controller.signal,
      fetch: (_input, init) => Promise.reject(init?.signal?.reason),
    })
  );
  assertEquals(error, reason);
});

/** A body that sends `first`, then nothing, until it is cancelled. */
function stalling(first = LINE + "\n"): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(first));
    },
  });
}

Deno.test("openLogStream() aborts an event stream silent past its idle timeout", async () => {
  const stream = await openLogStream({
    request,
    gateway: GATEWAY,
    eventStreamIdleTimeoutMs: 40,
    // Labelled text/plain, as a gateway labels it: the body says it is an event stream.
    fetch: answering(stalling(`retry: 1000\n\ndata: ${LINE}\n\n`), {
      headers: { "content-type": "text/plain; charset=utf-8" },
    }),
  });
  const error = await assertRejects(() => Array.fromAsync(stream.batches));
  assertInstanceOf(error, IdleTimeoutError);
  assertEquals(error.timeoutMs, 40);
  stream.close();
});

Deno.test("openLogStream() leaves a silent NDJSON stream alone unless an idle timeout is set", async () => {
  const body = stalling();
  const stream = await openLogStream({
    request,
    gateway: GATEWAY,
    eventStreamIdleTimeoutMs: 1,
    // Labelled as an event stream: the body says it is NDJSON, which has no heartbeats.
    fetch: answering(body, { headers: { "content-type": "text/event-stream" } }),
  });
  const reader = stream.batches.getReader();
  assertEquals((await reader.read()).value?.map((r) => r.text), ["hi"]);
  // Nothing more comes and nothing aborts: close it ourselves.
  stream.close();
  await assertRejects(() => reader.read());
});

Deno.test("openLogStream() applies an explicit idle timeout before the headers too", async () => {
  const error = await assertRejects(() =>
    openLogStream({
      request,
      gateway: GATEWAY,
      idleTimeoutMs: 30,
      fetch: (_input, init) =>
        new Promise((_resolve, reject) =>
          init?.signal?.addEventListener("abort", () => reject(init.signal?.reason))
        ),
    })
  );
  assertInstanceOf(error, IdleTimeoutError);
});

import { assertEquals, assertInstanceOf, assertRejects } from "@std/assert";
import { buildLogRequest } from "./build_log_request.ts";
import { ConnectError, HttpStatusError } from "../errors.ts";
import { UnexpectedBodyError } from "../wire/log_body_decoder.ts";
import { IdleTimeoutError, openLogStream } from "./open_log_stream.ts";
import type { LogBatch } from "../types.ts";
import { startRawHttpServer } from "../../tests/helpers/raw_http_server.ts";
import { TEST_TLS } from "../../tests/helpers/fake_kube_api.ts";

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

Deno.test("openLogStream() prefers the in-band hello to X-Fnlogs-Resume, and knows it on return when resuming", async () => {
  const body = `retry: 1000\nevent: hello\ndata: {"resume":"cursor"}\n\nid: c2\ndata: ${LINE}\n\n`;
  const stream = await openLogStream({
    request: buildLogRequest({ gateway: GATEWAY, name: "env", follow: true, lastEventId: "c1" }),
    gateway: GATEWAY,
    // A header that disagrees (a proxy that rewrote it): the body wins.
    fetch: answering(body, { headers: { "x-fnlogs-resume": "since" } }),
  });
  // With Last-Event-ID sent, the preamble was read before openLogStream returned.
  assertEquals([stream.format, stream.resume], ["event-stream", "cursor"]);
  const records = (await Array.fromAsync(stream.batches)).flat();
  assertEquals(records.map((r) => r.cursor), ["c2"]);
  stream.close();
});

Deno.test("openLogStream() fails a body that is neither NDJSON nor an event stream, quoting it", async () => {
  const stream = await openLogStream({
    request,
    gateway: GATEWAY,
    fetch: answering("<html><body>502 Bad Gateway</body></html>", {
      headers: { "content-type": "text/event-stream" },
    }),
  });
  const error = await assertRejects(() => Array.fromAsync(stream.batches), UnexpectedBodyError);
  assertEquals(error.sample, "<html><body>502 Bad Gateway</body></html>");
});

/** A loopback server writing `chunks` as HTTP chunks, one socket write each; resolves the request head it saw. */
function chunkServer(chunks: string[]) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const head = (async () => {
    const conn = await listener.accept();
    const buffer = new Uint8Array(8192);
    let text = "";
    while (!text.includes("\r\n\r\n")) {
      const n = await conn.read(buffer);
      if (n === null) break;
      text += new TextDecoder().decode(buffer.subarray(0, n));
    }
    const write = (s: string) => conn.write(new TextEncoder().encode(s));
    await write(
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
    for (const chunk of chunks) {
      await write(`${new TextEncoder().encode(chunk).length.toString(16)}\r\n${chunk}\r\n`);
    }
    await write("0\r\n\r\n");
    conn.close();
    listener.close();
    return text;
  })();
  return { url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`, head };
}

Deno.test("openLogStream() reads its socket directly unless a proxy applies", async () => {
  const lines = Array.from({ length: 50 }, () => LINE + "\n");
  const server = chunkServer(lines);
  const stream = await openLogStream({
    request: buildLogRequest({ gateway: server.url, name: "env", follow: false }),
    gateway: server.url,
    env: () => undefined,
  });
  assertEquals(await texts(stream.batches), Array(50).fill("hi"));
  // fnlogs' own request (fetch would keep the connection alive and add its own headers).
  const head = await server.head;
  assertEquals(head.split("\r\n").at(-3), "Connection: close");
  assertEquals(/^accept: text\/event-stream/im.test(head), true);

  // The same unreachable host fails differently on each transport: a socket
  // connect error directly, fetch's "fetch failed" through the proxy path.
  const open = (env: (name: string) => string | undefined) =>
    openLogStream({
      request: buildLogRequest({
        gateway: "http://unresolvable.invalid",
        name: "env",
        follow: false,
      }),
      gateway: "http://unresolvable.invalid",
      env,
    }).then(() => undefined, (error: unknown) => error);
  const direct = await open(() => undefined);
  const viaProxy = await open((name) => (name === "HTTP_PROXY" ? "http://127.0.0.1:9" : undefined));
  assertInstanceOf(direct, ConnectError);
  assertInstanceOf(viaProxy, ConnectError);
  assertEquals(((direct as ConnectError).cause as Error).message.includes("fetch failed"), false);
  assertEquals(((viaProxy as ConnectError).cause as Error).message, "fetch failed");
});

Deno.test("openLogStream() follows redirects over its own sockets, as faas-cli does; Authorization only to the same host", async () => {
  const seen: { port: number; target: string; authorization: string | null }[] = [];
  const encoder = new TextEncoder();
  const write = (conn: Deno.Conn, text: string) =>
    conn.write(encoder.encode(text)).then(() => false);
  await using other = startRawHttpServer(async (conn, req) => {
    seen.push({
      port: other.port,
      target: req.target,
      authorization: req.headers.get("authorization"),
    });
    return await write(
      conn,
      `HTTP/1.1 200 OK\r\nContent-Length: ${LINE.length + 1}\r\n\r\n${LINE}\n`,
    );
  });
  await using gateway = startRawHttpServer(async (conn, req) => {
    seen.push({
      port: gateway.port,
      target: req.target,
      authorization: req.headers.get("authorization"),
    });
    if (req.target.startsWith("/system/logs")) {
      // An ingress moved the API: first a path on this host, then another host.
      return await write(
        conn,
        `HTTP/1.1 301 Moved Permanently\r\nLocation: /v2${req.target}\r\nContent-Length: 0\r\n\r\n`,
      );
    }
    return await write(
      conn,
      `HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.1:${other.port}${req.target}\r\nContent-Length: 0\r\n\r\n`,
    );
  });
  const url = `http://127.0.0.1:${gateway.port}`;
  const stream = await openLogStream({
    request: buildLogRequest({
      gateway: url,
      name: "env",
      follow: false,
      auth: { kind: "bearer", token: "t0k" },
    }),
    gateway: url,
  });
  assertEquals(await texts(stream.batches), ["hi"]);
  stream.close();
  assertEquals(seen, [
    {
      port: gateway.port,
      target: "/system/logs?follow=false&name=env",
      authorization: "Bearer t0k",
    },
    {
      port: gateway.port,
      target: "/v2/system/logs?follow=false&name=env",
      authorization: "Bearer t0k",
    },
    { port: other.port, target: "/v2/system/logs?follow=false&name=env", authorization: null },
  ]);
});

Deno.test("openLogStream() stops after 10 redirects with the last answer's status", async () => {
  const encoder = new TextEncoder();
  let hops = 0;
  await using loop = startRawHttpServer(async (conn, req) => {
    hops++;
    await conn.write(
      encoder.encode(`HTTP/1.1 302 Found\r\nLocation: ${req.target}\r\nContent-Length: 0\r\n\r\n`),
    );
    return false;
  });
  const url = `http://127.0.0.1:${loop.port}`;
  const error = await assertRejects(
    () =>
      openLogStream({
        request: buildLogRequest({ gateway: url, name: "env", follow: false }),
        gateway: url,
      }),
    HttpStatusError,
  );
  assertEquals([error.status, hops], [302, 11]);
});

Deno.test("openLogStream() with --cacert behind a proxy hands fetch a client that carries the CA", async () => {
  const clients: (Deno.HttpClient | undefined)[] = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch =
    ((_input: string | URL | Request, init?: RequestInit & { client?: Deno.HttpClient }) => {
      clients.push(init?.client);
      return Promise.resolve(new Response(LINE + "\n"));
    }) as typeof fetch;
  try {
    const url = "https://gateway.test:8443";
    const stream = await openLogStream({
      request: buildLogRequest({ gateway: url, name: "env", follow: false }),
      gateway: url,
      caCerts: [TEST_TLS.ca],
      env: (name) => name === "HTTPS_PROXY" ? "http://proxy.test:3128" : undefined,
    });
    assertEquals(await texts(stream.batches), ["hi"]);
    assertEquals(clients.length, 1);
    assertInstanceOf(clients[0], Deno.HttpClient);
    stream.close();
  } finally {
    globalThis.fetch = realFetch;
  }
});

Deno.test("openLogStream() does not wait past the idle timeout for an error body that stalls", async () => {
  const encoder = new TextEncoder();
  let release = () => {};
  const held = new Promise<void>((resolve) => release = resolve);
  await using stalling = startRawHttpServer(async (conn) => {
    await conn.write(
      encoder.encode("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 100\r\n\r\nupstream went"),
    );
    await held; // the rest never comes
    return false;
  });
  const url = `http://127.0.0.1:${stalling.port}`;
  try {
    const error = await assertRejects(
      () =>
        openLogStream({
          request: buildLogRequest({ gateway: url, name: "env", follow: false }),
          gateway: url,
          idleTimeoutMs: 200,
        }),
      HttpStatusError,
    );
    assertEquals([error.status, error.message.endsWith("upstream went")], [502, true]);
  } finally {
    release();
  }
});

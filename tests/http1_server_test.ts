/**
 * fnlogs' own HTTP/1.1 server on real sockets: keep-alive and pipelining,
 * HTTP/1.0, HEAD, requests with bodies (answered, then the connection
 * closed, never parsed on), and ambiguous heads refused.
 */
import { assert, assertEquals } from "@std/assert";
import { textResponse } from "../server/http/text_response.ts";
import { dechunk, RawClient, startTestServer } from "./helpers/test_server.ts";

function handler(request: Request): Response {
  const url = new URL(request.url);
  if (url.pathname === "/fail") throw new Error("handler bug");
  if (url.pathname === "/stream") {
    return new Response(ReadableStream.from(["a\n", "b\n"]).pipeThrough(new TextEncoderStream()));
  }
  return textResponse(200, `${request.method} ${url.pathname} host=${url.host}`);
}

async function withServer(run: (port: number) => Promise<void>) {
  await using server = await startTestServer(handler);
  await run(server.port);
}

const bodyOf = (response: string) => response.slice(response.indexOf("\r\n\r\n") + 4);

Deno.test("serveHttp1() answers pipelined requests in order on one connection", () =>
  withServer(async (port) => {
    using client = await RawClient.connect(port);
    await client.send(
      "GET /one HTTP/1.1\r\nHost: a\r\n\r\nGET /stream HTTP/1.1\r\nHost: a\r\n\r\nGET /two HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n",
    );
    const all = await client.readToEnd();
    const responses = all.split(/(?=HTTP\/1\.1 )/);
    assertEquals(responses.length, 3);
    assertEquals(bodyOf(responses[0]), "GET /one host=a\n");
    assert(responses[1].includes("transfer-encoding: chunked\r\n"));
    assertEquals(dechunk(bodyOf(responses[1])), { payload: "a\nb\n", chunks: 2, terminated: true });
    assert(responses[2].includes("connection: close\r\n"));
    assertEquals(bodyOf(responses[2]), "GET /two host=b\n");
  }));

Deno.test("serveHttp1() speaks HTTP/1.0: a streamed body unchunked, ended by the close", () =>
  withServer(async (port) => {
    using client = await RawClient.connect(port);
    await client.send("GET /stream HTTP/1.0\r\n\r\n");
    const all = await client.readToEnd();
    assert(all.startsWith("HTTP/1.1 200 OK\r\n"), all);
    assert(!all.includes("transfer-encoding"), all);
    assert(all.includes("connection: close\r\n"), all);
    assertEquals(bodyOf(all), "a\nb\n");
  }));

Deno.test("serveHttp1() keeps an HTTP/1.0 connection that asks for it, and says so", () =>
  withServer(async (port) => {
    using client = await RawClient.connect(port);
    await client.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    assert(await client.readUntil((r) => r.endsWith("GET /a host=127.0.0.1:" + port + "\n")));
    assert(client.received.includes("connection: keep-alive\r\n"), client.received);
    await client.send("GET /b HTTP/1.0\r\n\r\n");
    const all = await client.readToEnd();
    assert(all.endsWith("GET /b host=127.0.0.1:" + port + "\n"), all);
  }));

Deno.test("serveHttp1() answers HEAD with headers only", () =>
  withServer(async (port) => {
    using client = await RawClient.connect(port);
    await client.send(
      "HEAD /x HTTP/1.1\r\nHost: a\r\n\r\nGET /y HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    );
    const all = await client.readToEnd();
    const [head, get] = all.split(/(?=HTTP\/1\.1 )/);
    assert(head.includes("content-length: 15\r\n"), head);
    assertEquals(bodyOf(head), "");
    assertEquals(bodyOf(get), "GET /y host=a\n");
  }));

Deno.test("serveHttp1() answers a request with a body, then closes instead of reading on", () =>
  withServer(async (port) => {
    using client = await RawClient.connect(port);
    // The "body" is a smuggled request: it must never be answered.
    await client.send(
      "GET /x HTTP/1.1\r\nHost: a\r\nContent-Length: 31\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n",
    );
    const all = await client.readToEnd();
    assertEquals(all.split(/(?=HTTP\/1\.1 )/).length, 1);
    assert(all.includes("connection: close\r\n"), all);
    assertEquals(bodyOf(all), "GET /x host=a\n");
  }));

Deno.test("serveHttp1() refuses two Host fields, bad hosts and targets with 400, methods a Request cannot carry with 405, a handler's bug with 500", () =>
  withServer(async (port) => {
    for (
      const [request, status] of [
        ["GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400],
        ["GET nowhere HTTP/1.1\r\nHost: a\r\n\r\n", 400],
        ["GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400],
        // A Host that would re-route the request if pasted into a URL.
        ["GET /x HTTP/1.1\r\nHost: evil/fail?x=\r\n\r\n", 400],
        ["GET /x HTTP/1.1\r\nHost: a@b\r\n\r\n", 400],
        ["TRACE / HTTP/1.1\r\nHost: a\r\n\r\n", 405],
        ["CONNECT a:443 HTTP/1.1\r\nHost: a\r\n\r\n", 400],
        ["GET / HTTP/1.1\r\nHost: [::1]:8080\r\nConnection: close\r\n\r\n", 200],
        ["GET /fail HTTP/1.1\r\nHost: a\r\n\r\n", 500],
      ] as const
    ) {
      using client = await RawClient.connect(port);
      await client.send(request);
      await client.readUntil((r) => r.includes("\r\n"));
      assertEquals(client.received.split("\r\n")[0].split(" ")[1], String(status), request);
    }
  }));

Deno.test("serveHttp1() reads a head sent a byte at a time", () =>
  withServer(async (port) => {
    using client = await RawClient.connect(port);
    client.conn.setNoDelay(true);
    for (const c of "GET /bytes HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n") {
      await client.send(c);
    }
    assertEquals(bodyOf(await client.readToEnd()), "GET /bytes host=a\n");
  }));

Deno.test("serveHttp1() sees a client go away while the handler is still working, before any answer", async () => {
  // A handler that waits for its provider (a quiet function behind a
  // gateway sends no headers): only the request's signal can end it.
  let aborted: (reason: unknown) => void = () => {};
  const sawAbort = new Promise<unknown>((resolve) => aborted = resolve);
  await using server = await startTestServer((request) =>
    new Promise<Response>((resolve) => {
      request.signal.addEventListener("abort", () => {
        aborted(request.signal.reason);
        resolve(textResponse(499, "gone"));
      }, { once: true });
    })
  );
  const client = await RawClient.connect(server.port);
  await client.send("GET /system/logs?name=quiet&follow=true HTTP/1.1\r\nHost: a\r\n\r\n");
  client.close();
  assertEquals(String(await sawAbort), "Error: client went away");
});

Deno.test("serveHttp1() answers a lowercase head as the handler saw it: HEAD, no body", () =>
  withServer(async (port) => {
    using client = await RawClient.connect(port);
    await client.send("head /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    const all = await client.readToEnd();
    assert(all.startsWith("HTTP/1.1 200 OK\r\n"), all);
    assertEquals(bodyOf(all), "");
  }));

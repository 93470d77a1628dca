import { assert, assertEquals } from "@std/assert";
import { refusal, responseHead } from "./response_head.ts";

const stream = () => ReadableStream.from([new Uint8Array([1])]);
const lines = (head: string) => head.split("\r\n").filter((l) => !l.startsWith("date: "));

Deno.test("responseHead() chunks a body of unknown length on HTTP/1.1 and drops hop-by-hop fields", () => {
  const response = new Response(stream(), {
    headers: { "x-a": "1", "connection": "upgrade", "keep-alive": "timeout=5" },
  });
  const { head, body, chunked, keepAlive } = responseHead(response, "GET", 1, true);
  assertEquals(lines(head), ["HTTP/1.1 200 OK", "x-a: 1", "transfer-encoding: chunked", "", ""]);
  assertEquals([body === response.body, chunked, keepAlive], [true, true, true]);
});

Deno.test("responseHead() ends an HTTP/1.0 body of unknown length with the close, and says keep-alive when it may", () => {
  const unknown = responseHead(new Response(stream()), "GET", 0, true);
  assertEquals([unknown.chunked, unknown.keepAlive], [false, false]);
  assert(unknown.head.includes("\r\nconnection: close\r\n"), unknown.head);
  const sized = { headers: { "content-length": "2" } };
  const known = responseHead(new Response("ok", sized), "GET", 0, true);
  assertEquals([known.chunked, known.keepAlive], [false, true]);
  assert(known.head.includes("\r\nconnection: keep-alive\r\n"), known.head);
});

Deno.test("responseHead() sends no body for HEAD, 204 and 304, and content-length: 0 for a null body", () => {
  const head = responseHead(new Response(stream()), "HEAD", 1, true);
  assertEquals([head.body, head.chunked], [undefined, false]);
  assert(!head.head.includes("transfer-encoding"), head.head);
  assertEquals(responseHead(new Response(null, { status: 204 }), "GET", 1, true).body, undefined);
  assertEquals(responseHead(new Response(null, { status: 304 }), "GET", 1, true).body, undefined);
  const empty = responseHead(new Response(null), "GET", 1, false);
  assertEquals(lines(empty.head), [
    "HTTP/1.1 200 OK",
    "content-length: 0",
    "connection: close",
    "",
    "",
  ]);
});

Deno.test("refusal() is a whole plain-text response that closes the connection", () => {
  const text = new TextDecoder().decode(refusal(431, "too big"));
  assertEquals(lines(text), [
    "HTTP/1.1 431 Request Header Fields Too Large",
    "content-type: text/plain; charset=utf-8",
    "content-length: 8",
    "connection: close",
    "",
    "too big\n",
  ]);
});

Deno.test("responseHead() passes the handler's Connection: Keep-Alive on when the connection stays open, as the log API's reference sends it", () => {
  const headers = { "content-type": "application/x-ndjson", "connection": "Keep-Alive" };
  const open = responseHead(new Response(stream(), { headers }), "GET", 1, true);
  assertEquals(lines(open.head), [
    "HTTP/1.1 200 OK",
    "content-type: application/x-ndjson",
    "transfer-encoding: chunked",
    "connection: Keep-Alive",
    "",
    "",
  ]);
  // The engine's decision wins: a connection that closes says close.
  const closing = responseHead(new Response(stream(), { headers }), "GET", 1, false);
  assert(closing.head.includes("\r\nconnection: close\r\n"), closing.head);
  assert(!closing.head.includes("Keep-Alive"), closing.head);
});

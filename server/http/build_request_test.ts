import { assertEquals } from "@std/assert";
import { buildRequest } from "./build_request.ts";
import type { RequestHead } from "./request_head.ts";

const addr: Deno.NetAddr = { transport: "tcp", hostname: "127.0.0.1", port: 8080 };
const signal = new AbortController().signal;
const head = (fields: [string, string][], more: Partial<RequestHead> = {}): RequestHead => ({
  method: "GET",
  target: "/system/logs?name=fn",
  minor: 1,
  fields,
  length: 0,
  ...more,
});
/** The URL and keep-alive of an accepted head. */
const build = (h: RequestHead) => {
  const built = buildRequest(h, "http", addr, signal);
  if ("status" in built) throw new Error(`refused: ${built.message}`);
  return { url: built.request.url, keepAlive: built.keepAlive };
};
/** The refusal of a head. */
const refuse = (h: RequestHead) => {
  const built = buildRequest(h, "http", addr, signal);
  return "status" in built ? built : "accepted";
};

Deno.test("buildRequest() makes the URL from Host, or from the listening address without one", () => {
  assertEquals(build(head([["host", "example.com:81"]])), {
    url: "http://example.com:81/system/logs?name=fn",
    keepAlive: true,
  });
  assertEquals(build(head([])).url, "http://127.0.0.1:8080/system/logs?name=fn");
  assertEquals(build(head([["host", "[::1]:81"]])).url, "http://[::1]:81/system/logs?name=fn");
  assertEquals(build(head([], { target: "http://a.example/x" })).url, "http://a.example/x");
});

Deno.test("buildRequest() keeps the connection alive as HTTP/1.x says, never after a body", () => {
  assertEquals(build(head([["connection", "close"]])).keepAlive, false);
  assertEquals(build(head([], { minor: 0 })).keepAlive, false);
  assertEquals(build(head([["connection", "Keep-Alive"]], { minor: 0 })).keepAlive, true);
  assertEquals(build(head([["content-length", "0"]])).keepAlive, true);
  assertEquals(build(head([["content-length", "3"]])).keepAlive, false);
  assertEquals(build(head([["transfer-encoding", "chunked"]])).keepAlive, false);
});

Deno.test("buildRequest() refuses what could re-route the request, and methods a Request cannot carry", () => {
  const malformed = { status: 400, message: "malformed request target or host" };
  assertEquals(refuse(head([["host", "a"], ["host", "b"]])), {
    status: 400,
    message: "malformed header field",
  });
  assertEquals(refuse(head([["host", "a@b"]])), malformed);
  assertEquals(refuse(head([["host", "a/b"]])), malformed);
  assertEquals(refuse(head([], { target: "*" })), malformed);
  assertEquals(refuse(head([], { target: "ftp://a/" })), malformed);
  assertEquals(refuse(head([], { method: "CONNECT" })), {
    status: 405,
    message: "method CONNECT not allowed",
  });
});

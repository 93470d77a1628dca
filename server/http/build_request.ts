/**
 * A parsed request head as the `Request` a handler gets, for fnlogs'
 * HTTP/1.1 engine, or the refusal of a head that is ambiguous: anything that
 * could re-route the request or smuggle another is answered, never guessed
 * at.
 *
 * @module
 */
import type { RequestHead } from "./request_head.ts";

/** A parsed head as a `Request`, with whether the connection may serve another. */
export interface BuiltRequest {
  readonly request: Request;
  readonly keepAlive: boolean;
}

/** Why a head gets no `Request`, with the status to answer. */
export interface RequestRefusal {
  readonly status: 400 | 405;
  readonly message: string;
}

/**
 * The `Request` for `head`, or the status that refuses it: two `Host` fields
 * or a field `Headers` rejects (400), a `Host` or target that could re-route
 * the request (400), a method a `Request` cannot carry (CONNECT, TRACE:
 * 405). A request with a body keeps nothing alive: its body is never read.
 *
 * @example A request, and a refusal
 * ```ts
 * import { buildRequest } from "./build_request.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const head = { method: "GET", target: "/healthz", minor: 1 as const, length: 0 };
 * const addr: Deno.NetAddr = { transport: "tcp", hostname: "127.0.0.1", port: 8080 };
 * const signal = new AbortController().signal;
 * const built = buildRequest({ ...head, fields: [["host", "a:1"]] }, "http", addr, signal);
 * assertEquals("request" in built && built.request.url, "http://a:1/healthz");
 * const twice = buildRequest({ ...head, fields: [["host", "a"], ["host", "b"]] }, "http", addr, signal);
 * assertEquals(twice, { status: 400, message: "malformed header field" });
 * ```
 */
export function buildRequest(
  head: RequestHead,
  scheme: string,
  addr: Deno.NetAddr,
  signal: AbortSignal,
): BuiltRequest | RequestRefusal {
  const headers = new Headers();
  let hasBody = false;
  let host = "";
  let keepAlive = head.minor === 1;
  try {
    for (const [name, value] of head.fields) {
      headers.append(name, value);
      if (name === "host") {
        if (host !== "") throw new TypeError("two host fields");
        host = value;
      } else if (name === "transfer-encoding") hasBody = true;
      else if (name === "content-length" && value !== "0") hasBody = true;
      else if (name === "connection") {
        const tokens = value.toLowerCase();
        if (tokens.includes("close")) keepAlive = false;
        else if (head.minor === 0 && tokens.includes("keep-alive")) keepAlive = true;
      }
    }
  } catch {
    return { status: 400, message: "malformed header field" };
  }
  // host[:port] or [v6]:port only: anything else could re-route the request.
  if (!/^[A-Za-z0-9.\-]*(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/.test(host)) {
    return { status: 400, message: "malformed request target or host" };
  }
  let url: URL;
  try {
    if (head.target.startsWith("/")) {
      url = new URL(`${scheme}://${host || `${addr.hostname}:${addr.port}`}${head.target}`);
    } else if (/^https?:\/\//i.test(head.target)) url = new URL(head.target);
    else throw new TypeError("unsupported request target");
  } catch {
    return { status: 400, message: "malformed request target or host" };
  }
  try {
    const request = new Request(url, { method: head.method, headers, signal });
    return { request, keepAlive: keepAlive && !hasBody };
  } catch {
    return { status: 405, message: `method ${head.method} not allowed` };
  }
}

/**
 * fnlogs' own HTTP/1.1 server over `Deno.listen` sockets, for a server whose
 * work is long streaming responses: each connection costs about a tenth of
 * what a `Deno.serve` stream costs (measured here: 10,000 idle streams in
 * 120 MB against 615 MB), a request's headers must arrive within a deadline
 * (Go's `ReadHeaderTimeout`), a client that goes away is seen at once (a read
 * stays pending on every socket), and body chunks go out one framed write
 * each, no faster than the socket takes them.
 *
 * It serves GET-style requests: a request with a body is answered and the
 * connection then closed, never parsed further (no request smuggling).
 *
 * @module
 */
import { STATUS_TEXT } from "@std/http/status";
import { acceptConnections, type Accepted, serverHandle } from "./accept_connections.ts";
import { END, pollSourceOf, readerPollSource } from "../../lib/streams/poll_source.ts";
import { BufferedSocket } from "./buffered_socket.ts";
import { isHeadError, parseRequestHead, type RequestHead } from "./request_head.ts";
import { textResponse } from "./text_response.ts";
import type { Handler, ServeOptions, Server } from "./types.ts";

/** Options for {@linkcode serveHttp1}: those of `guardedServe`, plus a head size. */
export interface Http1ServeOptions extends ServeOptions {
  /** The largest request head accepted (default 16384): more answers 431. */
  readonly maxHeadBytes?: number;
}

const encoder = new TextEncoder();
const statusText: Readonly<Record<number, string>> = STATUS_TEXT;
const CRLF = encoder.encode("\r\n");
const LAST_CHUNK = encoder.encode("0\r\n\r\n");

let dateSecond = -1;
let dateText = "";
/** The `date` header value, computed once a second. */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}

function simpleResponse(status: number, message: string): Uint8Array {
  const body = message + "\n";
  return encoder.encode(
    `HTTP/1.1 ${status} ${
      statusText[status] ?? ""
    }\r\ncontent-type: text/plain; charset=utf-8\r\n` +
      `content-length: ${
        encoder.encode(body).length
      }\r\nconnection: close\r\ndate: ${httpDate()}\r\n\r\n${body}`,
  );
}

/** What the body's poll threw, held until the write before it is done. */
const FAILED: unique symbol = Symbol("failed");

const framed = new WeakMap<Uint8Array, Uint8Array>();
/**
 * Chunks at least this big are written as size line, data and CRLF rather
 * than copied into one framed buffer: a copy per big chunk is garbage outside
 * the V8 heap that a fast stream makes faster than the collector frees it.
 */
const COPY_LIMIT = 8192;

/** Writes `data` as one chunk without copying it. */
async function writeUnframed(socket: BufferedSocket, data: Uint8Array): Promise<boolean> {
  return await socket.write(encoder.encode(data.length.toString(16) + "\r\n")) &&
    await socket.write(data) && await socket.write(CRLF);
}

/**
 * Frames `data` as one chunk in one buffer, once per `data` object: followers
 * in step are handed the same encoded bytes and share the framed ones too.
 */
function chunk(data: Uint8Array): Uint8Array {
  let out = framed.get(data);
  if (out !== undefined) return out;
  const size = data.length.toString(16);
  out = new Uint8Array(size.length + data.length + 4);
  for (let i = 0; i < size.length; i++) out[i] = size.charCodeAt(i);
  out[size.length] = 13;
  out[size.length + 1] = 10;
  out.set(data, size.length + 2);
  out.set(CRLF, size.length + 2 + data.length);
  framed.set(data, out);
  return out;
}

/** A parsed head as a `Request`, with whether the connection may serve another. */
interface BuiltRequest {
  readonly request: Request;
  readonly keepAlive: boolean;
}

/**
 * The `Request` for `head`, or the status that refuses it: two `Host` fields
 * or a field `Headers` rejects (400), a `Host` or target that could re-route
 * the request (400), a method a `Request` cannot carry (CONNECT, TRACE:
 * 405). A request with a body keeps nothing alive: its body is never read.
 */
function buildRequest(
  head: RequestHead,
  scheme: string,
  addr: Deno.NetAddr,
  signal: AbortSignal,
): BuiltRequest | { readonly status: 400 | 405; readonly message: string } {
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

/**
 * Serves `handler` over HTTP/1.1 (HTTPS with `cert` and `key`) with the
 * header deadline and the per-address cap of `guardedServe`.
 *
 * @example Serve, then shut down
 * ```ts
 * import { serveHttp1 } from "./http1_server.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const server = serveHttp1(() => new Response("ok"), {
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   headerTimeoutMs: 10_000,
 *   maxPendingPerPeer: 64,
 * });
 * const response = await fetch(`http://127.0.0.1:${server.addr.port}/`);
 * assertEquals(await response.text(), "ok");
 * await server.shutdown();
 * ```
 */
export function serveHttp1(handler: Handler, options: Http1ServeOptions): Server {
  const maxHead = options.maxHeadBytes ?? 16384;
  const scheme = options.cert !== undefined ? "https" : "http";
  /** Connections waiting for a request head: a shutdown closes them. */
  const idle = new Set<BufferedSocket>();
  const running = new Set<Promise<void>>();
  let stopping = false;

  /** Reads the next request head; `undefined` when the connection is over. */
  const nextHead = async (socket: BufferedSocket, peer: string) => {
    let timedOut = false;
    const timer = options.headerTimeoutMs > 0
      ? setTimeout(() => {
        timedOut = true;
        acceptor.stats.timedOut++;
        options.onDrop?.(peer, "header-timeout");
        socket.close();
      }, options.headerTimeoutMs)
      : undefined;
    idle.add(socket);
    try {
      // A client that sends a byte at a time costs one scan per line, not per byte.
      let scan = socket.length > 0;
      for (;;) {
        if (stopping) return undefined;
        if (scan || socket.length > maxHead) {
          const head = parseRequestHead(socket.bytes, socket.length, maxHead);
          if (head !== undefined) return head;
        }
        if (!await socket.fill() || timedOut) return undefined;
        scan = socket.newline;
      }
    } finally {
      clearTimeout(timer);
      idle.delete(socket);
    }
  };

  /** Writes `response`; `true` when the connection may serve another request. */
  const respond = async (
    socket: BufferedSocket,
    response: Response,
    method: string,
    minor: 0 | 1,
    keepAlive: boolean,
    gone: AbortController,
  ): Promise<boolean> => {
    const status = response.status;
    const noBody = method === "HEAD" || status === 204 || status === 304 || status < 200;
    const length = response.headers.get("content-length");
    const chunked = !noBody && length === null && minor === 1;
    if (!noBody && length === null && minor === 0) keepAlive = false;
    let head = `HTTP/1.1 ${status} ${response.statusText || statusText[status] || ""}\r\n`;
    for (const [name, value] of response.headers) {
      if (name === "connection" || name === "transfer-encoding" || name === "keep-alive") continue;
      head += `${name}: ${value}\r\n`;
    }
    if (chunked) head += "transfer-encoding: chunked\r\n";
    if (!keepAlive) head += "connection: close\r\n";
    else if (minor === 0) head += "connection: keep-alive\r\n"; // HTTP/1.0 closes unless told.
    head += `date: ${httpDate()}\r\n\r\n`;
    const body = response.body;
    if (noBody || body === null) {
      body?.cancel().catch(() => {});
      if (!noBody && length === null) {
        head = head.replace("transfer-encoding: chunked\r\n", "content-length: 0\r\n");
      }
      return await socket.write(encoder.encode(head)) && keepAlive;
    }
    if (!await socket.write(encoder.encode(head))) {
      await body.cancel("client went away").catch(() => {});
      return false;
    }
    // Our own bodies (a follower's) are polled without a promise per chunk.
    const source = pollSourceOf(body) ?? readerPollSource(body);
    // A read stays pending while the body streams: the peer going away ends it at once.
    let streaming = true;
    let settle: (keepOpen: boolean) => void = () => {};
    // Settled first: a source that calls back as it is cancelled finds the response over.
    const cut = () => {
      socket.close();
      if (!gone.signal.aborted) gone.abort(new Error("connection closed"));
      settle(false);
      source.cancel("connection closed");
    };
    (async () => {
      while (streaming && !socket.gone && !gone.signal.aborted) {
        if (!await socket.fill()) break;
        if (socket.length > maxHead * 2) return; // Pipelined too far ahead: stop reading.
      }
      if (streaming && socket.gone && !gone.signal.aborted) {
        gone.abort(new Error("client went away"));
        settle(false);
        source.cancel("client went away");
      }
    })();
    const ended = await new Promise<boolean>((resolve) => {
      settle = (value) => {
        if (!streaming) return;
        streaming = false;
        resolve(value);
      };
      // Polls and writes until nothing is ready, then waits to be called again.
      // One write in flight at a time, with the next chunk polled (and so
      // encoded) while it is: the socket and the encoder work at once, and a
      // slow client holds at most two chunks.
      let inFlight = false;
      let waiting = false;
      let held: Uint8Array | typeof END | typeof FAILED | undefined;
      const pump = (): void => {
        for (;;) {
          if (!streaming) return;
          if (socket.gone) return cut();
          let data = held;
          held = undefined;
          if (data === undefined) {
            try {
              data = source.poll();
            } catch {
              data = FAILED;
            }
          }
          if (data === undefined) {
            // With a write in flight, its end polls again.
            if (!inFlight && !waiting) {
              waiting = true;
              source.wait(ready);
            }
            return;
          }
          if (inFlight) {
            held = data;
            return;
          }
          if (data === FAILED) return cut(); // Cut without the terminator: the client can tell.
          if (data === END) return settle(true);
          if (data.length === 0) continue;
          inFlight = true;
          if (data.length < COPY_LIMIT) {
            // A small chunk means the source most likely had no more: the
            // write's end polls next, rather than a poll now that finds nothing.
            socket.writeThen(chunked ? chunk(data) : data, wrote);
            return;
          }
          (chunked ? writeUnframed(socket, data) : socket.write(data)).then(wrote);
        }
      };
      const ready = (): void => {
        waiting = false;
        pump();
      };
      const wrote = (ok: boolean): void => {
        inFlight = false;
        if (ok) return pump();
        if (!gone.signal.aborted) gone.abort(new Error("client went away"));
        cut();
      };
      pump();
    });
    if (!ended) return false;
    if (chunked && !await socket.write(LAST_CHUNK)) return false;
    return keepAlive && !socket.gone;
  };

  const serveConnection = async ({ conn, peer, released, closed }: Accepted) => {
    const remoteAddr = conn.remoteAddr as Deno.NetAddr;
    // Small writes go out at once (no Nagle delay behind an unacknowledged one).
    if ("setNoDelay" in conn) (conn as Deno.TcpConn).setNoDelay(true);
    const socket = new BufferedSocket(conn);
    try {
      for (;;) {
        const head = await nextHead(socket, peer);
        released();
        if (head === undefined) break;
        if (isHeadError(head)) {
          await socket.write(simpleResponse(head.status, head.message));
          break;
        }
        socket.consume(head.length);
        const gone = new AbortController();
        const built = buildRequest(head, scheme, acceptor.addr, gone.signal);
        if ("status" in built) {
          await socket.write(simpleResponse(built.status, built.message));
          break;
        }
        const { request, keepAlive } = built;
        let complete!: () => void;
        const completed = new Promise<void>((resolve) => complete = resolve);
        let response: Response;
        try {
          response = await handler(request, { remoteAddr, completed });
        } catch (error) {
          response = options.onError !== undefined
            ? await options.onError(error)
            : textResponse(500, "internal error");
        }
        const again = await respond(socket, response, head.method, head.minor, keepAlive, gone);
        complete();
        if (!again || stopping) break;
      }
    } finally {
      socket.close();
      closed();
    }
  };

  const acceptor = acceptConnections(options, ["http/1.1"], (accepted) => {
    const task = serveConnection(accepted).catch((error) => options.onAcceptError?.(error));
    running.add(task);
    task.finally(() => running.delete(task));
  });
  return serverHandle(acceptor, options, {
    stopping: () => stopping = true,
    closeIdle: () => {
      for (const socket of idle) socket.close();
    },
    running,
  });
}

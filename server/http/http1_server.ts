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
 * This file is the connection loop; the parts it runs are beside it:
 * `read_head.ts` (a head within the deadline), `build_request.ts` (the
 * `Request`, or a refusal), `write_response.ts` (head, body, last chunk),
 * `write_body.ts` (the body writer and the fast lane), `chunk_framing.ts`.
 *
 * @module
 */
import { acceptConnections, type Accepted, serverHandle } from "./accept_connections.ts";
import { BufferedSocket } from "./buffered_socket.ts";
import { buildRequest } from "./build_request.ts";
import { readHead } from "./read_head.ts";
import { isHeadError } from "./request_head.ts";
import { refusal } from "./response_head.ts";
import { textResponse } from "./text_response.ts";
import type { Handler, ServeOptions, Server } from "./types.ts";
import { writeResponse } from "./write_response.ts";
import { watchClose } from "./watch_close.ts";

/** Options for {@linkcode serveHttp1}: those of `guardedServe`, plus a head size. */
export interface Http1ServeOptions extends ServeOptions {
  /** The largest request head accepted (default 16384): more answers 431. */
  readonly maxHeadBytes?: number;
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
  const maxHeadBytes = options.maxHeadBytes ?? 16384;
  const scheme = options.cert !== undefined ? "https" : "http";
  /** Connections waiting for a request head: a shutdown closes them. */
  const idle = new Set<BufferedSocket>();
  const running = new Set<Promise<void>>();
  let stopping = false;

  /** Answers requests on one connection until it closes, fails, or may not serve another. */
  const serveConnection = async ({ conn, peer, released, closed }: Accepted) => {
    const remoteAddr = conn.remoteAddr as Deno.NetAddr;
    // Small writes go out at once (no Nagle delay behind an unacknowledged one).
    if ("setNoDelay" in conn) (conn as Deno.TcpConn).setNoDelay(true);
    const socket = new BufferedSocket(conn);
    const headOptions = {
      maxHeadBytes,
      headerTimeoutMs: options.headerTimeoutMs,
      idle,
      stopping: () => stopping,
      onTimeout: () => {
        acceptor.stats.timedOut++;
        options.onDrop?.(peer, "header-timeout");
      },
    };
    try {
      for (;;) {
        const head = await readHead(socket, headOptions);
        released();
        if (head === undefined) break;
        if (isHeadError(head)) {
          await socket.write(refusal(head.status, head.message));
          break;
        }
        socket.consume(head.length);
        const gone = new AbortController();
        const built = buildRequest(head, scheme, acceptor.addr, gone.signal);
        if ("status" in built) {
          await socket.write(refusal(built.status, built.message));
          break;
        }
        const { request, keepAlive } = built;
        let complete!: () => void;
        const completed = new Promise<void>((resolve) => complete = resolve);
        // A client that goes away while the handler works (a provider still
        // opening a quiet function's logs) aborts `gone` at once.
        const watch = watchClose(socket, gone, maxHeadBytes * 2);
        let response: Response;
        try {
          response = await handler(request, { remoteAddr, completed });
        } catch (error) {
          response = options.onError !== undefined
            ? await options.onError(error)
            : textResponse(500, "internal error");
        } finally {
          watch.stop();
        }
        const answering = {
          method: request.method,
          minor: head.minor,
          keepAlive: keepAlive && !watch.overflowed,
          gone,
        };
        const again = await writeResponse(socket, response, answering, maxHeadBytes);
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

/**
 * `Deno.serve` with a header-read deadline per connection (what Go calls
 * `ReadHeaderTimeout`), which `Deno.serve` itself does not offer.
 *
 * The connections are accepted here and each is handed, untouched, to Deno's
 * own HTTP server (the runtime's `serveHttpOnConnection`, the function behind
 * `Deno.serve`), so no byte is copied through JavaScript and the streaming
 * path is exactly `Deno.serve`'s. A connection that has no request in flight
 * (before its first request, or idle between kept-alive requests) for
 * `headerTimeoutMs` is closed, which ends a client that sends its headers a
 * line at a time. Connections from one peer that are still waiting for their
 * first request are capped too, so one host cannot hold thousands of
 * half-open requests within the deadline. A TLS handshake that stalls cannot
 * be cut (Deno keeps such a connection until the client leaves): it holds its
 * peer's pending slot meanwhile, so the cap is what bounds those.
 *
 * `serveHttpOnConnection` is internal to the Deno runtime (2.x). When a
 * runtime lacks it, or both guards are off, `guardedServe` is plain
 * `Deno.serve` and says so in `guarded: false`.
 *
 * @module
 */
import {
  acceptConnections,
  type Accepted,
  closeQuietly,
  serverHandle,
} from "./accept_connections.ts";
import type { Handler, ServeOptions, Server } from "./types.ts";

type ServeOnConnection = (
  conn: Deno.Conn,
  signal: AbortSignal,
  handler: Handler,
  onError: (error: unknown) => Response | Promise<Response>,
  onListen: () => void,
) => { finished: Promise<void>; shutdown(): Promise<void> };

function runtimeServeOnConnection(): ServeOnConnection | undefined {
  const deno = Deno as unknown as Record<symbol, unknown> & { internal?: symbol };
  if (typeof deno.internal !== "symbol") return undefined;
  const internal = deno[deno.internal] as Record<string, unknown> | undefined;
  const fn = internal?.serveHttpOnConnection;
  return typeof fn === "function" ? fn as ServeOnConnection : undefined;
}

/** A signal that never aborts: connections are closed with their `shutdown()`. */
const never = new AbortController().signal;

const defaultOnError = (): Response => new Response("internal error\n", { status: 500 });

/**
 * Serves `handler` on `hostname:port` with the guards described in the
 * module doc. Throws like `Deno.listen` (for example `Deno.errors.AddrInUse`).
 *
 * @example Serve, then shut down
 * ```ts
 * import { guardedServe } from "./guarded_serve.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const server = guardedServe(() => new Response("ok"), {
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
export function guardedServe(handler: Handler, options: ServeOptions): Server {
  const onError = options.onError ?? defaultOnError;
  const serveOn = runtimeServeOnConnection();
  const wanted = options.headerTimeoutMs > 0 || options.maxPendingPerPeer > 0;
  if (serveOn === undefined || !wanted) return plainServe(handler, options, onError);

  const closers = new Set<() => void>();
  const finishing = new Set<Promise<void>>();
  let stopping = false;

  const serveConnection = ({ conn, peer, released, closed }: Accepted) => {
    let inFlight = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let closing = false;
    let connection: { shutdown(): Promise<void> } | undefined;
    // Graceful: answered requests finish; one that is still being read is dropped.
    // (Aborting the signal given to the runtime can throw from inside its listener
    // when the connection is already gone; shutdown() rejects instead.)
    const close = () => {
      if (closing) return;
      closing = true;
      connection?.shutdown().catch(() => {});
    };
    const arm = () => {
      if (options.headerTimeoutMs <= 0) return;
      timer = setTimeout(() => {
        timer = undefined;
        acceptor.stats.timedOut++;
        options.onDrop?.(peer, "header-timeout");
        close();
      }, options.headerTimeoutMs);
    };
    const guarded: Handler = (request, info) => {
      clearTimeout(timer);
      timer = undefined;
      released();
      inFlight++;
      info.completed.finally(() => {
        if (--inFlight === 0 && !stopping && !closing) arm();
      });
      return handler(request, info);
    };
    closers.add(close);
    arm();
    const serve = (): Promise<void> => {
      const served = serveOn(conn, never, guarded, onError, () => {});
      connection = served;
      if (closing) served.shutdown().catch(() => {});
      finishing.add(served.finished);
      return served.finished.finally(() => finishing.delete(served.finished));
    };
    // A TLS handshake is finished here, before the runtime's server gets the
    // connection. Deno keeps a connection whose handshake stalls open until the
    // client leaves, whatever is closed on this side (measured with 2.9.6), so
    // such a connection cannot be cut: it keeps its peer's pending slot until
    // the handshake ends, and is closed then instead of served. Shutdown does
    // not wait for it.
    const finished = "handshake" in conn
      ? (conn as Deno.TlsConn).handshake().then(
        () => closing ? closeQuietly(conn) : serve(),
        () => closeQuietly(conn),
      )
      : serve();
    finished.catch(() => {}).then(() => {
      clearTimeout(timer);
      closers.delete(close);
      closed();
    });
  };
  const acceptor = acceptConnections(options, ["h2", "http/1.1"], serveConnection);
  return serverHandle(acceptor, options, {
    stopping: () => stopping = true,
    closeIdle: () => {
      for (const close of closers) close();
    },
    running: finishing,
  });
}

function plainServe(
  handler: Handler,
  options: ServeOptions,
  onError: (error: unknown) => Response | Promise<Response>,
): Server {
  const server = Deno.serve({
    hostname: options.hostname,
    port: options.port,
    ...(options.cert !== undefined && options.key !== undefined
      ? { cert: options.cert, key: options.key }
      : {}),
    onListen: (address) => options.onListen?.(address),
    onError,
  }, handler);
  return {
    addr: server.addr,
    guarded: false,
    stats: { accepted: 0, timedOut: 0, refused: 0, open: 0 },
    finished: server.finished,
    shutdown: () => server.shutdown(),
  };
}

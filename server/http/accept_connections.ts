/**
 * The accepting side both HTTP engines share: listen (TCP or TLS), accept
 * without ever stopping on a failed accept, and cap the connections one
 * address keeps waiting for their first request.
 *
 * @module
 */
import type { GuardStats, ServeOptions, Server } from "./types.ts";

/** One accepted connection, as handed to the engine. */
export interface Accepted {
  readonly conn: Deno.Conn;
  /** The peer's address (the per-address cap's key). */
  readonly peer: string;
  /** The connection's first request has arrived (or it will not): frees its pending slot. Once. */
  released(): void;
  /** The connection is closed: frees its slot if still held and counts it out. Once. */
  closed(): void;
}

/** A listener being accepted from. */
export interface Acceptor {
  readonly addr: Deno.NetAddr;
  /** Counts; the engine adds `timedOut`. */
  readonly stats: { accepted: number; timedOut: number; refused: number; open: number };
  /** A copy of the counts. */
  snapshot(): GuardStats;
  /** Stops accepting: closes the listener and waits for the accept loop to end. */
  stop(): Promise<void>;
}

/** Closes `conn`, ignoring that it may be closed already. */
export function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}

/**
 * Listens on `options.hostname:port` (TLS with `cert` and `key`, offering
 * `alpn`) and hands each accepted connection to `serve`, unless its address
 * already has `maxPendingPerPeer` connections waiting for a first request:
 * such a connection is closed at once and reported to `onDrop`. A failed
 * accept (out of descriptors) is reported and accepting goes on after 50 ms.
 * Throws like `Deno.listen`.
 */
export function acceptConnections(
  options: ServeOptions,
  alpn: string[],
  serve: (accepted: Accepted) => void,
): Acceptor {
  const listener = options.cert !== undefined && options.key !== undefined
    ? Deno.listenTls({
      hostname: options.hostname,
      port: options.port,
      cert: options.cert,
      key: options.key,
      alpnProtocols: alpn,
    })
    : Deno.listen({ hostname: options.hostname, port: options.port });
  const stats = { accepted: 0, timedOut: 0, refused: 0, open: 0 };
  const pendingByPeer = new Map<string, number>();
  let stopping = false;

  const release = (peer: string) => {
    const left = (pendingByPeer.get(peer) ?? 1) - 1;
    if (left <= 0) pendingByPeer.delete(peer);
    else pendingByPeer.set(peer, left);
  };

  const admit = (conn: Deno.Conn) => {
    const peer = (conn.remoteAddr as Deno.NetAddr).hostname;
    const pending = pendingByPeer.get(peer) ?? 0;
    if (options.maxPendingPerPeer > 0 && pending >= options.maxPendingPerPeer) {
      stats.refused++;
      closeQuietly(conn);
      options.onDrop?.(peer, "too-many-pending");
      return;
    }
    pendingByPeer.set(peer, pending + 1);
    stats.accepted++;
    stats.open++;
    let waiting = true;
    let open = true;
    const released = () => {
      if (!waiting) return;
      waiting = false;
      release(peer);
    };
    serve({
      conn,
      peer,
      released,
      closed: () => {
        if (!open) return;
        open = false;
        released();
        stats.open--;
      },
    });
  };

  const accepting = (async () => {
    while (!stopping) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch (error) {
        if (stopping || error instanceof Deno.errors.BadResource) break;
        options.onAcceptError?.(error);
        // Out of descriptors and the like: give open connections a moment to end.
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      admit(conn);
    }
  })();

  return {
    addr: listener.addr as Deno.NetAddr,
    stats,
    snapshot: () => ({ ...stats }),
    stop: async () => {
      stopping = true;
      try {
        listener.close();
      } catch {
        // Already closed.
      }
      await accepting;
    },
  };
}

/** What an engine tells {@linkcode serverHandle} about its connections. */
export interface EngineConnections {
  /** Marks the engine as stopping: no new request is read. */
  stopping(): void;
  /** Closes the connections that are idle (waiting for a request). */
  closeIdle(): void;
  /** Everything still running; shutdown waits for it, including what starts meanwhile. */
  readonly running: ReadonlySet<Promise<unknown>>;
}

/**
 * The server both engines return, after saying where it listens: `shutdown`
 * stops accepting, closes idle connections, waits for the rest to end (a
 * follow stream ends when the server ends it), then resolves `finished`.
 */
export function serverHandle(
  acceptor: Acceptor,
  options: ServeOptions,
  connections: EngineConnections,
): Server {
  let finishedResolve!: () => void;
  const finished = new Promise<void>((resolve) => finishedResolve = resolve);
  let shuttingDown: Promise<void> | undefined;
  options.onListen?.(acceptor.addr);
  return {
    addr: acceptor.addr,
    guarded: true,
    get stats(): GuardStats {
      return acceptor.snapshot();
    },
    finished,
    shutdown: () =>
      shuttingDown ??= (async () => {
        connections.stopping();
        await acceptor.stop();
        connections.closeIdle();
        const running = connections.running;
        while (running.size > 0) await Promise.allSettled([...running]);
        finishedResolve();
      })(),
  };
}

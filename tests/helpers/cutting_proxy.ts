/**
 * A real TCP proxy on loopback that cuts connections at random points of
 * the server-to-client bytes (inside headers, chunk sizes, JSON, events),
 * a bounded number of times, then passes everything through.
 */

/** Options for {@linkcode startCuttingProxy}. */
export interface CuttingProxyOptions {
  /** Where to forward to. */
  readonly target: { readonly hostname: string; readonly port: number };
  /** A seeded source of numbers in [0, 1). */
  readonly random: () => number;
  /** Cut at most this many connections. */
  readonly maxCuts: number;
  /** A connection is cut after between `minBytes` and `maxBytes` bytes downstream. */
  readonly minBytes?: number;
  readonly maxBytes?: number;
  /** The first connection is let through for at least this many bytes. */
  readonly firstMinBytes?: number;
}

/** A running proxy. */
export interface CuttingProxy extends AsyncDisposable {
  readonly url: string;
  /** Connections cut so far. */
  readonly cuts: number;
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}

/** Starts the proxy on `127.0.0.1`, port chosen by the system. */
export function startCuttingProxy(options: CuttingProxyOptions): CuttingProxy {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const minBytes = options.minBytes ?? 1;
  const maxBytes = options.maxBytes ?? 64 * 1024;
  let cuts = 0;
  let connections = 0;
  const open = new Set<Deno.Conn>();
  const tasks = new Set<Promise<void>>();

  const relay = async (client: Deno.Conn) => {
    const index = connections++;
    let upstream: Deno.Conn;
    try {
      upstream = await Deno.connect(options.target);
    } catch {
      closeQuietly(client);
      return;
    }
    open.add(upstream);
    const cutting = cuts < options.maxCuts;
    let budget = Infinity;
    if (cutting) {
      const low = index === 0 ? Math.max(minBytes, options.firstMinBytes ?? 0) : minBytes;
      budget = low + Math.floor(options.random() * Math.max(1, maxBytes - low));
    }
    const up = (async () => {
      const buffer = new Uint8Array(16 * 1024);
      try {
        for (;;) {
          const n = await client.read(buffer);
          if (n === null) break;
          let off = 0;
          while (off < n) off += await upstream.write(buffer.subarray(off, n));
        }
      } catch {
        // Either side went away.
      }
      closeQuietly(upstream);
    })();
    const down = (async () => {
      const buffer = new Uint8Array(16 * 1024);
      try {
        for (;;) {
          const n = await upstream.read(buffer);
          if (n === null) break;
          const take = Math.min(n, budget);
          let off = 0;
          while (off < take) off += await client.write(buffer.subarray(off, take));
          budget -= take;
          if (budget <= 0) {
            cuts++;
            break;
          }
        }
      } catch {
        // Either side went away.
      }
      closeQuietly(client);
      closeQuietly(upstream);
    })();
    await Promise.allSettled([up, down]);
    open.delete(client);
    open.delete(upstream);
  };

  const accepting = (async () => {
    for await (const client of listener) {
      open.add(client);
      const task = relay(client).catch(() => {});
      tasks.add(task);
      task.finally(() => tasks.delete(task));
    }
  })().catch(() => {});

  const close = async () => {
    try {
      listener.close();
    } catch {
      // Already closed.
    }
    for (const conn of open) closeQuietly(conn);
    await accepting;
    await Promise.allSettled([...tasks]);
  };
  const { port } = listener.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${port}`,
    get cuts() {
      return cuts;
    },
    get connections() {
      return connections;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * A small round-robin TCP load balancer on loopback: each new connection
 * goes to the next backend; a backend that refuses is skipped for that
 * connection (the next one is tried), as a load balancer's health check
 * would do.
 */

/** A running proxy. */
export interface RoundRobinProxy extends AsyncDisposable {
  readonly url: string;
  /** Connections sent to each backend so far. */
  readonly counts: number[];
}

async function pipe(from: Deno.Conn, to: Deno.Conn): Promise<void> {
  try {
    await from.readable.pipeTo(to.writable, { preventClose: false });
  } catch {
    // One side went away.
  }
  try {
    to.close();
  } catch {
    // Closed already.
  }
  try {
    from.close();
  } catch {
    // Closed already.
  }
}

/** Starts the proxy in front of `backends` (`host:port` pairs). */
export function startRoundRobinProxy(
  backends: { hostname: string; port: number }[],
): RoundRobinProxy {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const counts = backends.map(() => 0);
  const open = new Set<Deno.Conn>();
  let next = 0;
  const accepting = (async () => {
    for await (const client of listener) {
      open.add(client);
      (async () => {
        for (let tried = 0; tried < backends.length; tried++) {
          const index = next++ % backends.length;
          let upstream: Deno.Conn;
          try {
            upstream = await Deno.connect(backends[index]);
          } catch {
            continue;
          }
          counts[index]++;
          open.add(upstream);
          await Promise.all([pipe(client, upstream), pipe(upstream, client)]);
          open.delete(upstream);
          open.delete(client);
          return;
        }
        client.close();
        open.delete(client);
      })();
    }
  })().catch(() => {});
  const { port } = listener.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    [Symbol.asyncDispose]: async () => {
      listener.close();
      for (const conn of open) {
        try {
          conn.close();
        } catch {
          // Closed already.
        }
      }
      await accepting;
    },
  };
}

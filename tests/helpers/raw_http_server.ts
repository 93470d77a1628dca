/**
 * A loopback HTTP/1.1 server on raw TCP for test peers that must control
 * every byte (fake gateways): it reads request heads (keep-alive and
 * pipelined requests on one connection) and hands each request with its
 * connection to a handler, which writes the answer itself.
 */

/** One request head as read from the socket. */
export interface RawRequest {
  readonly method: string;
  /** The request target as sent (path and query). */
  readonly target: string;
  readonly headers: Headers;
}

/** Answers one request on `conn`; resolves `false` when the connection must close. */
export type RawHandler = (conn: Deno.Conn, request: RawRequest) => Promise<boolean>;

/** A running server. */
export interface RawHttpServer extends AsyncDisposable {
  readonly port: number;
  /** Stops accepting, closes every connection and waits for the handlers. */
  close(): Promise<void>;
}

const decoder = new TextDecoder();

/** Reads up to the end of the next head; `undefined` when the connection ends first. */
async function readHead(conn: Deno.Conn, carry: { text: string }): Promise<string | undefined> {
  const buffer = new Uint8Array(16 * 1024);
  for (;;) {
    const end = carry.text.indexOf("\r\n\r\n");
    if (end !== -1) {
      const head = carry.text.slice(0, end);
      carry.text = carry.text.slice(end + 4);
      return head;
    }
    const n = await conn.read(buffer).catch(() => null);
    if (n === null) return undefined;
    carry.text += decoder.decode(buffer.subarray(0, n), { stream: true });
  }
}

function closeQuietly(conn: Deno.Conn | Deno.Listener): void {
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}

/** Starts a server on `127.0.0.1`, port chosen by the system. */
export function startRawHttpServer(handler: RawHandler): RawHttpServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  const tasks = new Set<Promise<void>>();
  const serve = async (conn: Deno.Conn) => {
    const carry = { text: "" };
    try {
      for (;;) {
        const head = await readHead(conn, carry);
        if (head === undefined) return;
        const [requestLine, ...lines] = head.split("\r\n");
        const [method, target] = requestLine.split(" ");
        const headers = new Headers();
        for (const line of lines) {
          const colon = line.indexOf(":");
          if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
        }
        if (!(await handler(conn, { method, target, headers }))) return;
      }
    } finally {
      conns.delete(conn);
      closeQuietly(conn);
    }
  };
  const accepting = (async () => {
    for await (const conn of listener) {
      conns.add(conn);
      const task = serve(conn).catch(() => {});
      tasks.add(task);
      task.finally(() => tasks.delete(task));
    }
  })().catch(() => {});
  const close = async () => {
    closeQuietly(listener);
    for (const conn of conns) closeQuietly(conn);
    await accepting;
    await Promise.allSettled([...tasks]);
  };
  return {
    port: (listener.addr as Deno.NetAddr).port,
    close,
    [Symbol.asyncDispose]: close,
  };
}

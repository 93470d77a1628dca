import { guardedServe } from "../../server/http/guarded_serve.ts";
import type { ServeOptions, Server } from "../../server/http/types.ts";
import { serveHttp1 } from "../../server/http/http1_server.ts";

/** A server as `fnlogs serve` runs it (its own HTTP/1.1 engine unless `engine: "deno"`) on a free loopback port that always shuts down. */
export interface TestServer extends AsyncDisposable {
  readonly port: number;
  readonly url: string;
  readonly server: Server;
}

export function startTestServer(
  handler: (request: Request) => Response | Promise<Response>,
  options: Partial<ServeOptions> & { engine?: "fnlogs" | "deno" } = {},
): Promise<TestServer> {
  const start = options.engine === "deno" ? guardedServe : serveHttp1;
  const server = start(handler, {
    hostname: "127.0.0.1",
    port: 0,
    headerTimeoutMs: 10_000,
    maxPendingPerPeer: 64,
    ...options,
  });
  const { port } = server.addr;
  return Promise.resolve({
    port,
    url: `http://127.0.0.1:${port}`,
    server,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  });
}

/** A raw TCP client: write a request, read bytes as they come. */
export class RawClient implements Disposable {
  readonly #conn: Deno.TcpConn;
  readonly #decoder = new TextDecoder();
  #buffer = "";
  #closed = false;

  private constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  static async connect(port: number): Promise<RawClient> {
    return new RawClient(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  get received(): string {
    return this.#buffer;
  }

  get conn(): Deno.TcpConn {
    return this.#conn;
  }

  async send(text: string): Promise<void> {
    const bytes = new TextEncoder().encode(text);
    let written = 0;
    while (written < bytes.length) written += await this.#conn.write(bytes.subarray(written));
  }

  /** Reads until `predicate(received)` holds; `false` when the peer closed first. */
  async readUntil(predicate: (received: string) => boolean): Promise<boolean> {
    const chunk = new Uint8Array(65536);
    while (!predicate(this.#buffer)) {
      const n = await this.#conn.read(chunk);
      if (n === null) {
        this.#closed = true;
        return false;
      }
      this.#buffer += this.#decoder.decode(chunk.subarray(0, n), { stream: true });
    }
    return true;
  }

  /** Reads until the peer closes the connection; resolves with everything received. */
  async readToEnd(): Promise<string> {
    if (!this.#closed) await this.readUntil(() => false).catch(() => false);
    return this.#buffer;
  }

  close(): void {
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/** Decodes an HTTP/1.1 chunked body (after the headers) into its payload and whether it ended. */
export function dechunk(body: string): { payload: string; chunks: number; terminated: boolean } {
  let payload = "";
  let chunks = 0;
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf("\r\n", at);
    if (lineEnd === -1) return { payload, chunks, terminated: false };
    const size = parseInt(body.slice(at, lineEnd), 16);
    if (size === 0) return { payload, chunks, terminated: body.slice(lineEnd) === "\r\n\r\n" };
    // Sizes count bytes; the test payloads are ASCII.
    payload += body.slice(lineEnd + 2, lineEnd + 2 + size);
    chunks++;
    at = lineEnd + 2 + size + 2;
  }
}

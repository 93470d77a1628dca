/**
 * A fake OpenFaaS gateway on a real loopback socket, written over raw TCP so
 * that tests control the bytes exactly: like the real gateway it answers
 * `text/plain`, sends its headers only with the first log line, one chunk
 * per line, and ends follow streams at a write timeout by closing the socket
 * without the terminating chunk. Error answers copy the real bodies.
 */
import type { LogMessage } from "../../lib/types.ts";
import { startRawHttpServer } from "./raw_http_server.ts";

/** One request as the gateway received it. */
export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** The raw request target (path and query, as sent). */
  readonly target: string;
  readonly headers: Headers;
}

/** Writes one HTTP/1.1 response on the connection. */
export class FakeResponse {
  #headSent = false;
  #done = false;
  #closed = false;
  constructor(readonly conn: Deno.Conn, readonly request: FakeRequest) {}

  /** The response is complete (or cannot go on). */
  get done(): boolean {
    return this.#done;
  }

  /** The socket was closed (cut, or the client went away). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Waits until the client closes the connection (reading and dropping what it sends). */
  async untilClientCloses(): Promise<void> {
    const buffer = new Uint8Array(1024);
    try {
      while ((await this.conn.read(buffer)) !== null) { /* drop */ }
    } catch {
      // Closed under us.
    }
    this.cut();
  }

  async #write(text: string): Promise<boolean> {
    try {
      const bytes = new TextEncoder().encode(text);
      let off = 0;
      while (off < bytes.length) off += await this.conn.write(bytes.subarray(off));
      return true;
    } catch {
      this.#done = true;
      this.#closed = true;
      return false;
    }
  }

  /** Sends the status line and headers of a chunked response. */
  head(status = 200, headers: Record<string, string> = {}): Promise<boolean> {
    this.#headSent = true;
    const lines = [`HTTP/1.1 ${status} ${status === 200 ? "OK" : "Status"}`];
    const all = { "Transfer-Encoding": "chunked", ...headers };
    for (const [k, v] of Object.entries(all)) lines.push(`${k}: ${v}`);
    return this.#write(lines.join("\r\n") + "\r\n\r\n");
  }

  /** Sends one chunk (the real gateway's default head first, if not sent yet). */
  async chunk(text: string): Promise<boolean> {
    if (!this.#headSent) {
      await this.head(200, {
        "Content-Type": "text/plain; charset=utf-8",
        "Connection": "Keep-Alive",
      });
    }
    if (text === "") return true;
    const size = new TextEncoder().encode(text).length.toString(16);
    return await this.#write(`${size}\r\n${text}\r\n`);
  }

  /** Ends the chunked body properly. */
  async end(): Promise<void> {
    if (!this.#headSent) await this.chunk("");
    await this.#write("0\r\n\r\n");
    this.#done = true;
  }

  /** Closes the socket where it is: no terminating chunk. */
  cut(): void {
    this.#done = true;
    this.#closed = true;
    try {
      this.conn.close();
    } catch {
      // Already closed.
    }
  }

  /** A complete non-chunked answer, as Go's http.Error writes it. */
  async text(status: number, body: string, headers: Record<string, string> = {}): Promise<void> {
    const bytes = new TextEncoder().encode(body).length;
    const all = {
      "Content-Type": "text/plain; charset=utf-8",
      "X-Content-Type-Options": "nosniff",
      ...headers,
      "Content-Length": String(bytes),
    };
    this.#headSent = true;
    await this.#write(
      `HTTP/1.1 ${status} Status\r\n` +
        Object.entries(all).map(([k, v]) => `${k}: ${v}`).join("\r\n") + "\r\n\r\n" + body,
    );
    this.#done = true;
  }
}

/** Decides the answer to each request. */
export type FakeScript = (request: FakeRequest, response: FakeResponse) => Promise<void>;

/** A running fake gateway. */
export interface FakeGateway extends AsyncDisposable {
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: FakeRequest[];
  close(): Promise<void>;
}

/** Starts a fake gateway on `127.0.0.1`, port chosen by the system. */
export function startFakeGateway(script: FakeScript): FakeGateway {
  const requests: FakeRequest[] = [];
  const server = startRawHttpServer(async (conn, { method, target, headers }) => {
    const url = new URL(target, "http://gateway");
    const request = { method, path: url.pathname, query: url.searchParams, target, headers };
    requests.push(request);
    const response = new FakeResponse(conn, request);
    await script(request, response);
    if (!response.done) await response.end();
    return !response.closed;
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    close: () => server.close(),
    [Symbol.asyncDispose]: () => server.close(),
  };
}

/** A message as the real gateway writes it: Go's key order, one line. */
export function ndjsonLine(message: LogMessage): string {
  return JSON.stringify({
    name: message.name,
    namespace: message.namespace,
    instance: message.instance,
    timestamp: message.timestamp,
    text: message.text,
  }) + "\n";
}

/** Test messages: `count` lines of one instance, one per millisecond. */
export function messages(count: number, overrides: Partial<LogMessage> = {}): LogMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    name: "env",
    namespace: "openfaas-fn",
    instance: "env-5b6d68d94c-qqdtj",
    timestamp: new Date(Date.UTC(2023, 6, 4, 16, 32, 22) + i).toISOString().replace(
      /\.(\d{3})Z$/,
      ".$1000001Z",
    ),
    text: `line ${i}`,
    ...overrides,
  }));
}

/**
 * The real gateway's `/system/logs` for a fixed history: optional bearer
 * check (401 `invalid credentials`), 404 for other names as the Go
 * providers' 500 would be confusing to test, headers with the first line,
 * and with `follow=true` a cut (no terminator) after the history.
 */
export function gatewayScript(
  history: (request: FakeRequest) => LogMessage[],
  options: { token?: string; functions?: string[]; follow?: "cut" | "hang" } = {},
): FakeScript {
  return async (request, response) => {
    if (options.token !== undefined) {
      if (request.headers.get("authorization") !== `Bearer ${options.token}`) {
        await response.text(401, "invalid credentials", {
          "WWW-Authenticate": 'Basic realm="Restricted"',
        });
        return;
      }
    }
    if (request.path === "/system/functions") {
      const body = JSON.stringify((options.functions ?? []).map((name) => ({ name })));
      await response.text(200, body, { "Content-Type": "application/json" });
      return;
    }
    if (request.path !== "/system/logs") {
      await response.text(404, "404 page not found\n");
      return;
    }
    const name = request.query.get("name") ?? "";
    if (options.functions !== undefined && !options.functions.includes(name)) {
      await response.text(500, "function log request failed\n");
      return;
    }
    for (const message of history(request)) {
      if (!(await response.chunk(ndjsonLine(message)))) return;
    }
    if (request.query.get("follow") === "true") {
      if (options.follow === "hang") {
        await response.chunk("");
        return await response.untilClientCloses();
      }
      response.cut();
      return;
    }
    await response.end();
  };
}

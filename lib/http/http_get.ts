/**
 * A minimal HTTP/1.1 GET over a unix socket, TCP or TLS, for streaming
 * answers (the Docker Engine API, OpenFaaS log streams): one connection per
 * request, the body read with large socket reads.
 *
 * Why not `fetch`: servers that stream logs (Podman, Docker, faas-provider's
 * log handler, the OpenFaaS gateway) write and flush every line as its own
 * HTTP chunk, and `fetch` hands each chunk over as its own read (about 20 µs
 * of CPU per chunk here, a million reads for a million lines) whatever the
 * socket holds, while a socket read returns everything that arrived, so a
 * reader that falls behind catches up with larger batches. Measured against
 * Podman 4.3 on 200,000 lines: fetch 6.1 to 7.0 s and 4.4 s of CPU, socket
 * reads 3.2 to 3.4 s (the daemon's pace) and 0.65 s of CPU.
 *
 * @module
 */

import { ChunkedDecoder } from "./chunked_decoder.ts";

/** Where to connect, and how. */
export interface HttpTarget {
  /** A unix socket path; else `hostname` and `port`. */
  readonly socketPath?: string;
  readonly hostname?: string;
  readonly port?: number;
  /**
   * TLS, when set: extra root certificates (PEM, added to the default ones)
   * and a client certificate and key.
   */
  readonly tls?: { readonly caCerts?: string[]; readonly cert?: string; readonly key?: string };
  /** The `Host` header. */
  readonly host: string;
}

const READ_SIZE = 64 * 1024;
const MAX_HEAD = 64 * 1024;
const encoder = new TextEncoder();

function connect(target: HttpTarget): Promise<Deno.Conn> {
  if (target.socketPath !== undefined) {
    return Deno.connect({ transport: "unix", path: target.socketPath });
  }
  const hostname = target.hostname!.replace(/^\[(.*)\]$/, "$1");
  if (target.tls !== undefined) {
    return Deno.connectTls({
      hostname,
      port: target.port!,
      ...(target.tls.caCerts !== undefined ? { caCerts: target.tls.caCerts } : {}),
      ...(target.tls.cert !== undefined && target.tls.key !== undefined
        ? { cert: target.tls.cert, key: target.tls.key }
        : {}),
    });
  }
  return Deno.connect({ hostname, port: target.port! });
}

/**
 * Connects, or rejects with the signal's reason as soon as it aborts (a
 * connection that completes later is closed at once).
 */
function connectOrAbort(target: HttpTarget, signal: AbortSignal | undefined): Promise<Deno.Conn> {
  const connecting = connect(target);
  if (signal === undefined) return connecting;
  return new Promise<Deno.Conn>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    connecting.then((conn) => {
      signal.removeEventListener("abort", onAbort);
      if (!signal.aborted) return resolve(conn);
      try {
        conn.close();
      } catch {
        // Already closed.
      }
    }, (error) => {
      signal.removeEventListener("abort", onAbort);
      reject(error);
    });
  });
}

/**
 * The server took the request, then closed (or reset) the connection before
 * any answer: a cut, not a refusal (a proxy's or gateway's write timeout
 * ends a quiet stream this way before its first byte).
 */
export class ClosedBeforeAnswerError extends Error {
  /** Always `"ClosedBeforeAnswerError"`. */
  override name = "ClosedBeforeAnswerError";
  constructor(options?: ErrorOptions) {
    super("The connection closed before the response head", options);
  }
}

/** Reads until the end of the response head; returns it and the bytes after it. */
async function readHead(conn: Deno.Conn): Promise<{ head: string; rest: Uint8Array }> {
  let buffer = new Uint8Array(0);
  const chunk = new Uint8Array(READ_SIZE);
  for (;;) {
    let n: number | null;
    try {
      n = await conn.read(chunk);
    } catch (error) {
      if (buffer.length === 0 && error instanceof Deno.errors.ConnectionReset) {
        throw new ClosedBeforeAnswerError({ cause: error });
      }
      throw error;
    }
    if (n === null) {
      if (buffer.length === 0) throw new ClosedBeforeAnswerError();
      throw new Error("The connection closed in the middle of the response head");
    }
    const next = new Uint8Array(buffer.length + n);
    next.set(buffer);
    next.set(chunk.subarray(0, n), buffer.length);
    buffer = next;
    for (let i = Math.max(0, buffer.length - n - 3); i + 3 < buffer.length; i++) {
      if (
        buffer[i] === 13 && buffer[i + 1] === 10 && buffer[i + 2] === 13 && buffer[i + 3] === 10
      ) {
        return {
          head: new TextDecoder().decode(buffer.subarray(0, i)),
          rest: buffer.subarray(i + 4),
        };
      }
    }
    if (buffer.length > MAX_HEAD) throw new Error("The response head is too long");
  }
}

/** Options for {@linkcode httpGet}. */
export interface HttpGetOptions {
  /** Request headers besides `Host` and `Connection` (default: `User-Agent: fnlogs`, `Accept: *\/*`). */
  readonly headers?: Headers;
  /** Aborting it closes the connection (before or after the head). */
  readonly signal?: AbortSignal;
}

/** Characters that must not reach a request head from a header or the target. */
const UNSAFE = /[\r\n\0]/;

/** The target for an `http:`/`https:` URL (TLS roots from `caCerts` added to the default ones). */
export function httpTargetOf(url: URL, caCerts?: string[]): HttpTarget {
  const tls = url.protocol === "https:";
  return {
    hostname: url.hostname,
    port: url.port !== "" ? Number(url.port) : tls ? 443 : 80,
    host: url.host,
    ...(tls ? { tls: { caCerts } } : {}),
  };
}

/**
 * Sends `GET pathAndQuery` and resolves with a `Response` once its head is
 * in; its body is read from the socket only as it is pulled, each pull one
 * socket read of up to 64 KiB (chunked framing removed), and cancelling it
 * (or aborting `signal`) closes the connection. A chunked or sized body that
 * the connection cuts short errors. Rejects with the connection's error, or
 * with the signal's reason.
 */
export async function httpGet(
  target: HttpTarget,
  pathAndQuery: string,
  options: HttpGetOptions = {},
): Promise<Response> {
  const signal = options.signal;
  signal?.throwIfAborted();
  let request = `GET ${pathAndQuery} HTTP/1.1\r\nHost: ${target.host}\r\n`;
  const headers = options.headers ?? new Headers({ "user-agent": "fnlogs", accept: "*/*" });
  for (const [name, value] of headers) {
    if (name === "host" || name === "connection") continue;
    request += `${name}: ${value}\r\n`;
  }
  request += "Connection: close\r\n\r\n";
  if (UNSAFE.test(pathAndQuery) || UNSAFE.test(target.host)) {
    throw new TypeError("Cannot send a request with a line break or NUL in its head");
  }
  const conn = await connectOrAbort(target, signal);
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    signal?.removeEventListener("abort", close);
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  };
  signal?.addEventListener("abort", close, { once: true });
  // Aborted while connecting: the listener came too late to see it.
  if (signal?.aborted) close();
  try {
    const bytes = encoder.encode(request);
    for (let off = 0; off < bytes.length;) off += await conn.write(bytes.subarray(off));
    const { head, rest } = await readHead(conn);
    const [statusLine, ...fields] = head.split("\r\n");
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
    if (!(status >= 200 && status <= 599)) throw new Error(`Bad status line "${statusLine}"`);
    const headers = new Headers();
    for (const field of fields) {
      const colon = field.indexOf(":");
      if (colon > 0) headers.append(field.slice(0, colon).trim(), field.slice(colon + 1).trim());
    }
    const chunked = /\bchunked\b/i.test(headers.get("transfer-encoding") ?? "");
    const length = headers.has("content-length") && !chunked
      ? Number(headers.get("content-length"))
      : undefined;
    const noBody = status === 204 || status === 304 || length === 0;
    if (noBody) {
      close();
      return new Response(null, { status, headers });
    }
    const decoder = chunked ? new ChunkedDecoder() : undefined;
    let left = length ?? Infinity;
    let first: Uint8Array | undefined = rest;
    const buffer = new Uint8Array(READ_SIZE);
    const body = new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        try {
          for (;;) {
            let bytes: Uint8Array;
            if (first !== undefined) {
              bytes = first;
              first = undefined;
            } else {
              const n = await conn.read(buffer);
              if (n === null) {
                close();
                if (decoder !== undefined || left !== Infinity) {
                  throw new Error("The connection closed before the end of the body");
                }
                controller.close();
                return;
              }
              bytes = buffer.subarray(0, n);
            }
            const out = decoder !== undefined ? decoder.decode(bytes) : bytes.slice(0, left);
            if (decoder === undefined) left -= out.length;
            const finished = decoder !== undefined ? decoder.done : left === 0;
            if (out.length > 0) controller.enqueue(out);
            if (finished) {
              close();
              controller.close();
              return;
            }
            if (out.length > 0) return;
          }
        } catch (error) {
          close();
          throw signal?.aborted ? signal.reason : error;
        }
      },
      cancel: () => close(),
    }, { highWaterMark: 0 });
    return new Response(body, { status, headers });
  } catch (error) {
    close();
    throw signal?.aborted ? signal.reason : error;
  }
}

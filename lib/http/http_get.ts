/**
 * A minimal HTTP/1.1 GET over a unix socket, TCP or TLS, for the Docker
 * Engine API: one connection per request, the body read with large socket
 * reads.
 *
 * Why not `fetch` with `Deno.createHttpClient({ proxy: { transport: "unix" } })`,
 * which works and streams in Deno 2.9.6: Podman and Docker flush every log
 * line as its own HTTP chunk, and `fetch` hands each chunk over as its own
 * read (about 22 µs of CPU per chunk here, 200,000 chunks for 200,000
 * lines), while a socket read returns everything that arrived (a few hundred
 * lines at a time under load), so the whole pipeline moves batches. Measured
 * against Podman 4.3 on 200,000 lines: fetch 6.1 to 7.0 s and 4.4 s of CPU,
 * socket reads 3.2 to 3.4 s (the daemon's pace) and 0.65 s of CPU.
 *
 * @module
 */

import { ChunkedDecoder } from "./chunked_decoder.ts";

/** Where to connect, and how. */
export interface DockerConnectTarget {
  /** A unix socket path; else `hostname` and `port`. */
  readonly socketPath?: string;
  readonly hostname?: string;
  readonly port?: number;
  /** TLS with these PEM texts (CA and client certificate), when set. */
  readonly tls?: { readonly caCerts: string[]; readonly cert?: string; readonly key?: string };
  /** The `Host` header. */
  readonly host: string;
}

const READ_SIZE = 64 * 1024;
const MAX_HEAD = 64 * 1024;
const encoder = new TextEncoder();

function connect(target: DockerConnectTarget): Promise<Deno.Conn> {
  if (target.socketPath !== undefined) {
    return Deno.connect({ transport: "unix", path: target.socketPath });
  }
  const hostname = target.hostname!.replace(/^\[(.*)\]$/, "$1");
  if (target.tls !== undefined) {
    return Deno.connectTls({
      hostname,
      port: target.port!,
      caCerts: target.tls.caCerts,
      ...(target.tls.cert !== undefined && target.tls.key !== undefined
        ? { cert: target.tls.cert, key: target.tls.key }
        : {}),
    });
  }
  return Deno.connect({ hostname, port: target.port! });
}

/** Reads until the end of the response head; returns it and the bytes after it. */
async function readHead(conn: Deno.Conn): Promise<{ head: string; rest: Uint8Array }> {
  let buffer = new Uint8Array(0);
  const chunk = new Uint8Array(READ_SIZE);
  for (;;) {
    const n = await conn.read(chunk);
    if (n === null) throw new Error("The connection closed before the response head");
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

/**
 * Sends `GET pathAndQuery` and resolves with a `Response` once its head is
 * in; its body is read from the socket only as it is pulled, and
 * cancelling it (or aborting `signal`) closes the connection. Rejects with
 * the connection's error, or with the signal's reason.
 */
export async function dockerGet(
  target: DockerConnectTarget,
  pathAndQuery: string,
  signal?: AbortSignal,
): Promise<Response> {
  signal?.throwIfAborted();
  const conn = await connect(target);
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
  try {
    await conn.write(encoder.encode(
      `GET ${pathAndQuery} HTTP/1.1\r\nHost: ${target.host}\r\nUser-Agent: fnlogs\r\n` +
        "Accept: */*\r\nConnection: close\r\n\r\n",
    ));
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
                  throw new Error("The connection closed in the middle of the body");
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

/**
 * An OpenFaaS gateway's `/system/logs` proxy, as `gateway/handlers/logs.go`
 * and Go's `net/http` behave (PROTOCOL.md 1b), in front of a real logs
 * provider (`fnlogs serve`), on raw TCP so that the bytes are exact:
 *
 * - The request's raw query and its headers reach the provider, hop-by-hop
 *   headers removed, `X-Forwarded-Host`/`-For` added.
 * - None of the provider's response headers pass. The status line and
 *   headers (`Content-Type` sniffed from the first bytes as Go's
 *   `http.DetectContentType` does, `Date`, `Transfer-Encoding: chunked`) go
 *   out only with the first body write.
 * - Every read of the provider's body is written and flushed as one chunk.
 * - The provider's body ending, even cut, ends the answer with the
 *   terminating chunk (the handler returns normally); the gateway's own
 *   write deadline (`write_timeout`) cuts the connection without it.
 * - Provider 404 or 501: an empty `501`; another status:
 *   `500 unknown log request error (N)`; no connection: `500 log request failed`.
 * - A client that goes away cancels the provider request (CloseNotify).
 *
 * Other paths are relayed whole (status, `Content-Type`, body).
 */

/** Options for {@linkcode startOpenFaasGateway}. */
export interface OpenFaasGatewayOptions {
  /** The logs provider's base URL (`logs_provider_url`). */
  readonly provider: string;
  /** The gateway's `write_timeout`, in ms (default 60 s, the gateway's default). */
  readonly writeTimeoutMs?: number;
  /**
   * Drop the client's `Accept` header on the way to the provider, as if the
   * provider were faas-provider's handler (which answers NDJSON whatever it
   * is asked).
   */
  readonly ndjsonOnly?: boolean;
}

/** A running gateway. */
export interface OpenFaasGateway extends AsyncDisposable {
  readonly url: string;
  /** Log answers cut by the write deadline so far. */
  readonly cuts: number;
  /** The headers of every `/system/logs` request as the provider got them. */
  readonly forwarded: Headers[];
  close(): Promise<void>;
}

import { startRawHttpServer } from "./raw_http_server.ts";

const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
];
const encoder = new TextEncoder();

/** Go's `http.DetectContentType`, for the signatures a log body can start with. */
export function sniffContentType(bytes: Uint8Array): string {
  const data = bytes.subarray(0, 512);
  let i = 0;
  while (i < data.length && [9, 10, 12, 13, 32].includes(data[i])) i++;
  const head = new TextDecoder().decode(data.subarray(i, i + 16)).toUpperCase();
  for (const tag of ["<!DOCTYPE HTML", "<HTML", "<HEAD", "<SCRIPT", "<BODY", "<!--", "<P", "<H1"]) {
    if (head.startsWith(tag)) {
      const next = data[i + tag.length];
      if (next === 32 || next === 62) return "text/html; charset=utf-8";
    }
  }
  if (head.startsWith("<?XML")) return "text/xml; charset=utf-8";
  if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) return "text/plain; charset=utf-8";
  const binary = data.some((b) =>
    b <= 0x08 || b === 0x0b || (b >= 0x0e && b <= 0x1a) || (b >= 0x1c && b <= 0x1f)
  );
  return binary ? "application/octet-stream" : "text/plain; charset=utf-8";
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let off = 0; off < bytes.length;) off += await conn.write(bytes.subarray(off));
}

function goError(status: number, text: string): Uint8Array {
  const body = text + "\n";
  return encoder.encode(
    `HTTP/1.1 ${status} ${status === 500 ? "Internal Server Error" : "Status"}\r\n` +
      `Content-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\n` +
      `Date: ${new Date().toUTCString()}\r\nContent-Length: ${
        encoder.encode(body).length
      }\r\n\r\n` +
      body,
  );
}

/** Starts a gateway on `127.0.0.1` (port chosen by the system) in front of `options.provider`. */
export function startOpenFaasGateway(options: OpenFaasGatewayOptions): OpenFaasGateway {
  const writeTimeoutMs = options.writeTimeoutMs ?? 60_000;
  const forwarded: Headers[] = [];
  let cuts = 0;

  /** Answers one request; `false` when the connection must close. */
  const answer = async (
    conn: Deno.Conn,
    method: string,
    target: string,
    headers: Headers,
  ): Promise<boolean> => {
    const url = new URL(target, "http://gateway");
    const upstreamHeaders = new Headers(headers);
    for (const name of HOP_BY_HOP) upstreamHeaders.delete(name);
    upstreamHeaders.set("x-forwarded-host", headers.get("host") ?? "");
    upstreamHeaders.set("x-forwarded-for", "127.0.0.1");
    upstreamHeaders.delete("host");
    const abort = new AbortController();
    if (url.pathname !== "/system/logs") {
      const response = await fetch(options.provider + target, {
        method,
        headers: upstreamHeaders,
      }).catch(() => undefined);
      if (response === undefined) {
        await writeAll(conn, goError(502, "Bad Gateway"));
        return true;
      }
      const body = new Uint8Array(await response.arrayBuffer());
      await writeAll(
        conn,
        encoder.encode(
          `HTTP/1.1 ${response.status} Status\r\nContent-Type: ${
            response.headers.get("content-type") ?? "text/plain"
          }\r\nContent-Length: ${body.length}\r\n\r\n`,
        ),
      );
      await writeAll(conn, body);
      return true;
    }
    if (options.ndjsonOnly) upstreamHeaders.delete("accept");
    forwarded.push(upstreamHeaders);
    // The write deadline: from the request on, whatever happens.
    let cut = false;
    const deadline = setTimeout(() => {
      cut = true;
      cuts++;
      abort.abort();
      try {
        conn.close();
      } catch { /* closed */ }
    }, writeTimeoutMs);
    // CloseNotify: the client going away cancels the provider request.
    const watching = (async () => {
      const buffer = new Uint8Array(1024);
      while ((await conn.read(buffer).catch(() => null)) !== null) {
        /* pipelined bytes: dropped */
      }
      abort.abort();
    })();
    try {
      let response: Response;
      try {
        response = await fetch(options.provider + target, {
          headers: upstreamHeaders,
          signal: abort.signal,
        });
      } catch {
        if (!cut) await writeAll(conn, goError(500, "log request failed")).catch(() => {});
        return false;
      }
      if (response.status === 404 || response.status === 501) {
        await response.body?.cancel();
        await writeAll(
          conn,
          encoder.encode(
            `HTTP/1.1 501 Not Implemented\r\nDate: ${
              new Date().toUTCString()
            }\r\nContent-Length: 0\r\n\r\n`,
          ),
        );
        return false;
      }
      if (response.status !== 200) {
        await response.body?.cancel();
        await writeAll(conn, goError(500, `unknown log request error (${response.status})`));
        return false;
      }
      let headSent = false;
      try {
        for await (const chunk of response.body ?? ReadableStream.from<Uint8Array>([])) {
          if (chunk.length === 0) continue;
          const head = headSent
            ? ""
            : `HTTP/1.1 200 OK\r\nContent-Type: ${sniffContentType(chunk)}\r\nDate: ${
              new Date().toUTCString()
            }\r\nTransfer-Encoding: chunked\r\n\r\n`;
          headSent = true;
          const size = encoder.encode(`${head}${chunk.length.toString(16)}\r\n`);
          const frame = new Uint8Array(size.length + chunk.length + 2);
          frame.set(size);
          frame.set(chunk, size.length);
          frame.set([13, 10], size.length + chunk.length);
          await writeAll(conn, frame);
        }
      } catch {
        // The provider's body failed (or the deadline cut it): io.Copy returns, the handler too.
      }
      if (cut) return false;
      // The handler returned: net/http ends the answer properly.
      await writeAll(
        conn,
        encoder.encode(
          headSent
            ? "0\r\n\r\n"
            : `HTTP/1.1 200 OK\r\nDate: ${new Date().toUTCString()}\r\nContent-Length: 0\r\n\r\n`,
        ),
      );
      return false;
    } catch {
      return false; // The client went away mid-write.
    } finally {
      clearTimeout(deadline);
      abort.abort();
      void watching;
    }
  };

  const server = startRawHttpServer((conn, { method, target, headers }) =>
    answer(conn, method, target, headers)
  );
  return {
    url: `http://127.0.0.1:${server.port}`,
    get cuts() {
      return cuts;
    },
    forwarded,
    close: () => server.close(),
    [Symbol.asyncDispose]: () => server.close(),
  };
}

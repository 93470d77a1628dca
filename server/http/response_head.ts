/**
 * The bytes before a body in fnlogs' HTTP/1.1 engine: a handler's
 * `Response` as a status line and header fields, with how its body is
 * framed, and the short plain-text answers for requests refused before a
 * handler sees them.
 *
 * @module
 */
import { STATUS_TEXT } from "@std/http/status";

const encoder = new TextEncoder();
const statusText: Readonly<Record<number, string>> = STATUS_TEXT;

let dateSecond = -1;
let dateText = "";
/** The `date` header value, computed once a second. */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}

/** A response's head and how its body goes out, from {@linkcode responseHead}. */
export interface ResponseHead {
  /** Status line and fields, blank line included. */
  readonly head: string;
  /** The body to write, or `undefined` for none (HEAD, 204, 304, 1xx, a null body). */
  readonly body: ReadableStream<Uint8Array> | undefined;
  /** The body is sent in chunks (HTTP/1.1 without a `content-length`). */
  readonly chunked: boolean;
  /** The connection may serve another request after this one. */
  readonly keepAlive: boolean;
}

/**
 * The head for `response` to a request with `method` over HTTP/1.`minor`:
 * the handler's fields except the hop-by-hop ones (`connection`,
 * `keep-alive`, `transfer-encoding`), which the engine sets itself. A body
 * of unknown length is chunked on HTTP/1.1 and ended by the close on
 * HTTP/1.0; a null body without a length is `content-length: 0`.
 *
 * @example A streamed body on HTTP/1.1
 * ```ts
 * import { responseHead } from "./response_head.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const { head, chunked, keepAlive } = responseHead(
 *   new Response(ReadableStream.from([new Uint8Array(1)]), { headers: { "x-a": "1" } }),
 *   "GET",
 *   1,
 *   true,
 * );
 * assertEquals(head.split("\r\n").slice(0, 3), ["HTTP/1.1 200 OK", "x-a: 1", "transfer-encoding: chunked"]);
 * assertEquals([chunked, keepAlive], [true, true]);
 * ```
 */
export function responseHead(
  response: Response,
  method: string,
  minor: 0 | 1,
  keepAlive: boolean,
): ResponseHead {
  const status = response.status;
  const noBody = method === "HEAD" || status === 204 || status === 304 || status < 200;
  const body = noBody ? undefined : response.body ?? undefined;
  const length = response.headers.get("content-length");
  const chunked = !noBody && length === null && minor === 1;
  if (!noBody && length === null && minor === 0) keepAlive = false;
  let head = `HTTP/1.1 ${status} ${response.statusText || statusText[status] || ""}\r\n`;
  for (const [name, value] of response.headers) {
    if (name === "connection" || name === "transfer-encoding" || name === "keep-alive") continue;
    head += `${name}: ${value}\r\n`;
  }
  if (chunked) {
    head += body === undefined ? "content-length: 0\r\n" : "transfer-encoding: chunked\r\n";
  }
  const asked = response.headers.get("connection")?.trim();
  if (!keepAlive) head += "connection: close\r\n";
  // The handler's own `Keep-Alive` (the log API's reference sends it) when it holds.
  else if (asked !== undefined && /^keep-alive$/i.test(asked)) head += `connection: ${asked}\r\n`;
  else if (minor === 0) head += "connection: keep-alive\r\n"; // HTTP/1.0 closes unless told.
  head += `date: ${httpDate()}\r\n\r\n`;
  return { head, body, chunked: chunked && body !== undefined, keepAlive };
}

/**
 * A whole plain-text response that closes the connection, for a request
 * refused before any handler (a malformed head, an ambiguous host).
 */
export function refusal(status: number, message: string): Uint8Array {
  const body = message + "\n";
  return encoder.encode(
    `HTTP/1.1 ${status} ${
      statusText[status] ?? ""
    }\r\ncontent-type: text/plain; charset=utf-8\r\n` +
      `content-length: ${
        encoder.encode(body).length
      }\r\nconnection: close\r\ndate: ${httpDate()}\r\n\r\n${body}`,
  );
}

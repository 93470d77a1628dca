/**
 * Parses the head of an HTTP/1.x request (RFC 9112 §2-§5): the request line
 * and the header fields, strictly, so that anything ambiguous is refused
 * rather than guessed at.
 *
 * @module
 */

/** A parsed request head. */
export interface RequestHead {
  readonly method: string;
  /** The request target as sent (origin-form, absolute-form or `*`). */
  readonly target: string;
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  readonly minor: 0 | 1;
  /** Field names lower-cased, in order, repeated names kept. */
  readonly fields: readonly (readonly [string, string])[];
  /** Bytes the head took, blank line included. */
  readonly length: number;
}

/** Why a head was refused, with the status to answer. */
export interface HeadError {
  readonly status: 400 | 431;
  readonly message: string;
}

/** A head, a refusal, or `undefined` when more bytes are needed. */
export type HeadResult = RequestHead | HeadError | undefined;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Visible ASCII, spaces, tabs and obs-text; no other control characters.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const latin1 = new TextDecoder("latin1");

/** Where the head's blank line ends in `bytes[0, length)`, or -1. */
function headEnd(bytes: Uint8Array, length: number): number {
  for (let i = bytes.indexOf(10); i !== -1 && i < length; i = bytes.indexOf(10, i + 1)) {
    if (i + 1 < length && bytes[i + 1] === 10) return i + 2;
    if (i + 2 < length && bytes[i + 1] === 13 && bytes[i + 2] === 10) return i + 3;
  }
  return -1;
}

/**
 * Parses the head at the start of `bytes[0, length)`, skipping blank lines
 * before it. Returns `undefined` when the head is not complete yet and still
 * within `maxBytes`; a {@linkcode HeadError} (431 past `maxBytes`, 400 for
 * another HTTP version or anything malformed) otherwise.
 *
 * @example
 * ```ts
 * import { parseRequestHead } from "./request_head.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const bytes = new TextEncoder().encode("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n");
 * const head = parseRequestHead(bytes, bytes.length, 16384);
 * assertEquals(head, {
 *   method: "GET",
 *   target: "/healthz",
 *   minor: 1,
 *   fields: [["host", "a"]],
 *   length: bytes.length,
 * });
 * ```
 */
export function parseRequestHead(bytes: Uint8Array, length: number, maxBytes: number): HeadResult {
  let start = 0;
  while (start < length && (bytes[start] === 13 || bytes[start] === 10)) start++;
  const end = headEnd(bytes.subarray(start), length - start);
  if (end === -1) {
    return length - start > maxBytes
      ? { status: 431, message: "request headers too large" }
      : undefined;
  }
  if (end > maxBytes) return { status: 431, message: "request headers too large" };
  const lines = latin1.decode(bytes.subarray(start, start + end)).split(/\r?\n/);
  lines.length -= 2; // The blank line and what follows it.
  const requestLine = lines[0];
  const parts = requestLine.split(" ");
  if (parts.length !== 3 || !TOKEN.test(parts[0]) || parts[1] === "") {
    return { status: 400, message: "malformed request line" };
  }
  const [method, target, version] = parts;
  const minor = version === "HTTP/1.1" ? 1 : version === "HTTP/1.0" ? 0 : undefined;
  if (minor === undefined) {
    // 400 rather than 505: a bad request is the client's, never a server error.
    return /^HTTP\/\d\.\d$/.test(version)
      ? { status: 400, message: `${version} is not supported` }
      : { status: 400, message: "malformed request line" };
  }
  // deno-lint-ignore no-control-regex -- control characters are exactly what is refused
  if (/[\x00-\x20\x7f]/.test(target)) return { status: 400, message: "malformed request target" };
  const fields: [string, string][] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const colon = line.indexOf(":");
    const name = line.slice(0, colon);
    if (colon <= 0 || !TOKEN.test(name)) {
      return { status: 400, message: `malformed header line ${i}` };
    }
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, "");
    if (!FIELD_VALUE.test(value)) return { status: 400, message: `malformed header "${name}"` };
    const lower = name.toLowerCase();
    if (lower === "content-length" && !/^\d{1,15}$/.test(value)) {
      return { status: 400, message: "malformed content-length" };
    }
    fields.push([lower, value]);
  }
  return { method, target, minor, fields, length: start + end };
}

/** Whether `result` is a refusal. */
export function isHeadError(result: HeadResult): result is HeadError {
  return result !== undefined && "status" in result;
}

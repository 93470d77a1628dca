/**
 * A decoder for HTTP/1.1 `Transfer-Encoding: chunked` bodies, fed whatever
 * a socket read returned.
 *
 * @module
 */

const CR = 13, LF = 10;
/** The longest chunk-size line (with extensions) or trailer line accepted. */
const MAX_LINE = 4096;

/**
 * Decodes a chunked body incrementally: {@linkcode decode} takes the bytes
 * of one read (split anywhere) and returns the payload bytes they carried,
 * as one array; {@linkcode done} says when the last chunk and the trailers
 * have been read. Throws a `SyntaxError` on malformed framing.
 *
 * @example
 * ```ts
 * import { ChunkedDecoder } from "./chunked_decoder.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const decoder = new ChunkedDecoder();
 * const bytes = new TextEncoder().encode("5\r\nhello\r\n1;x=y\r\n!\r\n0\r\n\r\n");
 * assertEquals(new TextDecoder().decode(decoder.decode(bytes.subarray(0, 7))), "hell");
 * assertEquals(new TextDecoder().decode(decoder.decode(bytes.subarray(7))), "o!");
 * assertEquals(decoder.done, true);
 * ```
 */
export class ChunkedDecoder {
  #state: "size" | "data" | "data-end" | "trailer" | "done" = "size";
  #line: number[] = [];
  #remaining = 0;

  /** Whether the terminating chunk and its trailers were read. */
  get done(): boolean {
    return this.#state === "done";
  }

  /** The payload carried by `bytes`; bytes after the end of the body are ignored. */
  decode(bytes: Uint8Array): Uint8Array {
    const pieces: Uint8Array[] = [];
    let total = 0;
    let i = 0;
    while (i < bytes.length && this.#state !== "done") {
      switch (this.#state) {
        case "data": {
          const take = Math.min(this.#remaining, bytes.length - i);
          pieces.push(bytes.subarray(i, i + take));
          total += take;
          i += take;
          this.#remaining -= take;
          if (this.#remaining === 0) this.#state = "data-end";
          break;
        }
        case "data-end":
        case "size":
        case "trailer": {
          const nl = bytes.indexOf(LF, i);
          const end = nl === -1 ? bytes.length : nl;
          if (this.#line.length + end - i > MAX_LINE) {
            throw new SyntaxError("Cannot parse chunked body: line too long");
          }
          for (let j = i; j < end; j++) this.#line.push(bytes[j]);
          i = end;
          if (nl === -1) break;
          i = nl + 1;
          this.#endLine();
          break;
        }
      }
    }
    if (pieces.length === 1) return pieces[0].slice();
    const out = new Uint8Array(total);
    let at = 0;
    for (const piece of pieces) {
      out.set(piece, at);
      at += piece.length;
    }
    return out;
  }

  #endLine(): void {
    let line = this.#line;
    this.#line = [];
    if (line.length > 0 && line[line.length - 1] === CR) line = line.slice(0, -1);
    if (this.#state === "data-end") {
      if (line.length !== 0) throw new SyntaxError("Cannot parse chunked body: no CRLF after data");
      this.#state = "size";
      return;
    }
    if (this.#state === "trailer") {
      if (line.length === 0) this.#state = "done";
      return;
    }
    const text = String.fromCharCode(...line).split(";")[0].trim();
    if (!/^[0-9a-fA-F]{1,8}$/.test(text)) {
      throw new SyntaxError(`Cannot parse chunked body: bad chunk size "${text}"`);
    }
    this.#remaining = parseInt(text, 16);
    this.#state = this.#remaining === 0 ? "trailer" : "data";
  }
}

/**
 * HTTP/1.1 chunked framing (RFC 9112 §7.1) for the engine's body writer:
 * a chunk framed in one buffer (shared by every follower handed the same
 * bytes), a big chunk written without a copy, and the last chunk.
 *
 * @module
 */
import type { BufferedSocket } from "./buffered_socket.ts";

const encoder = new TextEncoder();
const CRLF = encoder.encode("\r\n");

/** The terminating chunk with an empty trailer: a body's clean end. */
export const LAST_CHUNK: Uint8Array = encoder.encode("0\r\n\r\n");

const framed = new WeakMap<Uint8Array, Uint8Array>();

/**
 * Frames `data` as one chunk in one buffer, once per `data` object: followers
 * in step are handed the same encoded bytes and share the framed ones too.
 *
 * @example One chunk
 * ```ts
 * import { frameChunk } from "./chunk_framing.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const data = new TextEncoder().encode("hello\n");
 * assertEquals(new TextDecoder().decode(frameChunk(data)), "6\r\nhello\n\r\n");
 * assertEquals(frameChunk(data), frameChunk(data)); // the same buffer
 * ```
 */
export function frameChunk(data: Uint8Array): Uint8Array {
  let out = framed.get(data);
  if (out !== undefined) return out;
  const size = data.length.toString(16);
  out = new Uint8Array(size.length + data.length + 4);
  for (let i = 0; i < size.length; i++) out[i] = size.charCodeAt(i);
  out[size.length] = 13;
  out[size.length + 1] = 10;
  out.set(data, size.length + 2);
  out.set(CRLF, size.length + 2 + data.length);
  framed.set(data, out);
  return out;
}

/**
 * Writes `data` as one chunk without copying it (size line, data, CRLF):
 * for big chunks, where a copy each would be garbage outside the V8 heap
 * that a fast stream makes faster than the collector frees it. `false` when
 * the peer is gone.
 */
export async function writeUnframedChunk(
  socket: BufferedSocket,
  data: Uint8Array,
): Promise<boolean> {
  return await socket.write(encoder.encode(data.length.toString(16) + "\r\n")) &&
    await socket.write(data) && await socket.write(CRLF);
}

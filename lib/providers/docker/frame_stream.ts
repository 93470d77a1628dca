/**
 * A `TransformStream` from the bytes of a Docker Engine API logs body
 * (multiplexed or raw TTY) to batches of complete lines, each tagged with
 * the output it came from.
 *
 * @module
 */

import {
  DockerFrameDecoder,
  type DockerFrameDecoderOptions,
  type DockerLine,
} from "./frame_decoder.ts";

export type { DockerFraming, DockerLine, DockerOutput } from "./frame_decoder.ts";

/** Options for {@linkcode DockerFrameStream}: those of the decoder. */
export type DockerFrameStreamOptions = DockerFrameDecoderOptions;

/**
 * Decodes a logs body of `GET /containers/{id}/logs` into batches of lines:
 * every line completed by one chunk becomes part of one batch, so a chunk
 * holding a thousand frames costs one stream hop. Frames of the multiplexed
 * format are `[type, 0, 0, 0, size (uint32, big-endian)]` and `size` bytes;
 * they need not align with lines or chunks. stdout and stderr keep separate
 * unfinished lines. Raw TTY bodies (no frames) are read as stdout. Empty
 * batches are never emitted; unfinished lines are emitted when the body
 * ends.
 *
 * @example Decode a multiplexed body
 * ```ts
 * import { DockerFrameStream } from "./frame_stream.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const frame = (type: number, text: string) => {
 *   const payload = new TextEncoder().encode(text);
 *   const bytes = new Uint8Array(8 + payload.length);
 *   bytes[0] = type;
 *   new DataView(bytes.buffer).setUint32(4, payload.length);
 *   bytes.set(payload, 8);
 *   return bytes;
 * };
 * const body = ReadableStream.from([
 *   frame(1, "one\ntw"),
 *   frame(2, "err\n"),
 *   frame(1, "o\nthree"),
 * ]);
 * const batches = await Array.fromAsync(body.pipeThrough(new DockerFrameStream()));
 * assertEquals(batches, [
 *   [{ output: "stdout", text: "one" }],
 *   [{ output: "stderr", text: "err" }],
 *   [{ output: "stdout", text: "two" }],
 *   [{ output: "stdout", text: "three" }],
 * ]);
 * ```
 */
export class DockerFrameStream extends TransformStream<Uint8Array, DockerLine[]> {
  readonly #decoder: DockerFrameDecoder;

  constructor(options: DockerFrameStreamOptions = {}) {
    super({
      transform: (chunk, controller) => {
        const lines = this.#decoder.decode(chunk);
        if (lines.length > 0) controller.enqueue(lines);
      },
      flush: (controller) => {
        const lines = this.#decoder.end();
        if (lines.length > 0) controller.enqueue(lines);
      },
    });
    this.#decoder = new DockerFrameDecoder(options);
  }
}

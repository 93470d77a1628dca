/**
 * fnlogs' resumable `text/event-stream` extension of the log API (see
 * `docs/extensions.md`): each record an event whose data is its NDJSON line,
 * with the resume cursor as the event id, gap notices as `gap` events and an
 * `end` event when the stream is finished on purpose.
 *
 * @module
 */
import { logBatchEncoder, type LogBatchEncoderOptions } from "./log_batch_encoder.ts";
import type { LogBatch } from "../types.ts";

/** Options for {@linkcode SseEncoderStream} (documented on `LogBatchEncoderOptions`). */
export type SseEncoderStreamOptions = Pick<LogBatchEncoderOptions, "maxChunkBytes" | "retryMs">;

/**
 * Encodes batches of records as server-sent events, one chunk per batch, and
 * an `end` event when its input closes normally (a cut never writes it).
 *
 * @example A record with a cursor
 * ```ts
 * import { SseEncoderStream } from "./sse_encoder_stream.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const record = { name: "f", namespace: "ns", instance: "f-1", timestamp: "2024-01-01T00:00:00Z", text: "hi", cursor: "r1-7" };
 * const text = (await Array.fromAsync(
 *   ReadableStream.from([[record]]).pipeThrough(new SseEncoderStream()),
 * )).map((c) => new TextDecoder().decode(c)).join("");
 * assertEquals(
 *   text,
 *   'id: r1-7\ndata: {"name":"f","namespace":"ns","instance":"f-1","timestamp":"2024-01-01T00:00:00Z","text":"hi"}\n\n' +
 *     "event: end\ndata: {}\n\n",
 * );
 * ```
 */
export class SseEncoderStream extends TransformStream<LogBatch, Uint8Array> {
  /** An encoder of batches as event-stream chunks. */
  constructor(options: SseEncoderStreamOptions = {}) {
    const encoder = logBatchEncoder("sse", options);
    super({
      start(controller) {
        if (encoder.first !== undefined) controller.enqueue(encoder.first);
      },
      transform(batch, controller) {
        for (const chunk of encoder.encode(batch)) controller.enqueue(chunk);
      },
      flush(controller) {
        controller.enqueue(encoder.last!);
      },
    });
  }
}

/**
 * {@linkcode SseLogDecoder} as a `TransformStream` from event-stream text to
 * batches of records.
 *
 * @module
 */

import type { LogRecord } from "../types.ts";
import { SseLogDecoder, type SseLogDecoderOptions } from "./sse_log_decoder.ts";

/** Options for {@linkcode SseLogDecoderStream}. */
export type SseLogDecoderStreamOptions = SseLogDecoderOptions;

/**
 * A `TransformStream` from fnlogs' event-stream text to batches of
 * {@linkcode LogRecord}s, decoded as {@linkcode SseLogDecoder} decodes them:
 * all records completed by one chunk form one batch; empty batches are never
 * emitted; callbacks run while the chunk is decoded, before its batch is
 * enqueued.
 *
 * @example Records, a heartbeat and the end
 * ```ts
 * import { SseLogDecoderStream, type SseLogDecoderStreamOptions } from "./sse_log_decoder_stream.ts";
 * import { assertEquals } from "@std/assert";
 *
 * let pings = 0;
 * const options: SseLogDecoderStreamOptions = { onHeartbeat: () => pings++ };
 * const decoder = new SseLogDecoderStream(options);
 * const body = 'id: c1\ndata: {"name":"env","text":"hi"}\n\n: ping\n\n' +
 *   'event: end\ndata: {}\n\n';
 * const batches = await Array.fromAsync(ReadableStream.from([body]).pipeThrough(decoder));
 * assertEquals(batches, [[
 *   { name: "env", namespace: "", instance: "", timestamp: "", text: "hi", cursor: "c1" },
 * ]]);
 * assertEquals([pings, decoder.ended, decoder.lastEventId], [1, true, "c1"]);
 * ```
 */
export class SseLogDecoderStream extends TransformStream<string, LogRecord[]> {
  readonly #decoder: SseLogDecoder;

  /** Creates a decoder; throws a `RangeError` for a non-positive `maxEventLength`. */
  constructor(options: SseLogDecoderStreamOptions = {}) {
    const decoder = new SseLogDecoder(options);
    super({
      transform: (chunk, controller) => {
        const records = decoder.decode(chunk);
        if (records.length > 0) controller.enqueue(records);
      },
      flush: () => decoder.end(),
    });
    this.#decoder = decoder;
  }

  /** How many events were skipped so far. */
  get skipped(): number {
    return this.#decoder.skipped;
  }

  /** Whether an `end` event arrived. */
  get ended(): boolean {
    return this.#decoder.ended;
  }

  /** The reconnection time the server asked for with `retry:`, if any. */
  get retryMs(): number | undefined {
    return this.#decoder.retryMs;
  }

  /** The last event ID (see {@linkcode SseLogDecoder.lastEventId}). */
  get lastEventId(): string {
    return this.#decoder.lastEventId;
  }

  /** The server's preamble, once it arrived (see {@linkcode SseLogDecoder.hello}). */
  get hello(): Readonly<Record<string, unknown>> | undefined {
    return this.#decoder.hello;
  }
}

/**
 * {@linkcode NdjsonLogDecoder} as a `TransformStream` from text to batches
 * of records.
 *
 * @module
 */

import type { LogRecord } from "../types.ts";
import { NdjsonLogDecoder, type NdjsonLogDecoderOptions } from "./ndjson_log_decoder.ts";

/** Options for {@linkcode NdjsonLogDecoderStream}. */
export type NdjsonLogDecoderStreamOptions = NdjsonLogDecoderOptions;

/**
 * A `TransformStream` from an OpenFaaS log body (text) to batches of
 * {@linkcode LogRecord}s, decoded as {@linkcode NdjsonLogDecoder} decodes
 * them. All the records completed by one chunk form one batch; empty batches
 * are never emitted. A value that is complete when its chunk ends is emitted
 * at once, newline or not.
 *
 * @example Lines, pretty-printed and concatenated values, garbage skipped
 * ```ts
 * import {
 *   NdjsonLogDecoderStream,
 *   type NdjsonLogDecoderStreamOptions,
 * } from "./ndjson_log_decoder_stream.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const skips: string[] = [];
 * const options: NdjsonLogDecoderStreamOptions = { onSkip: (reason) => skips.push(reason) };
 * const decoder = new NdjsonLogDecoderStream(options);
 * const body = '{"name":"env","text":"a"}\n{\n  "text": "b"\n}{"text":"c"}\nnot json\n';
 * const batches = await Array.fromAsync(ReadableStream.from([body]).pipeThrough(decoder));
 * assertEquals(batches.flat().map((r) => r.text), ["a", "b", "c"]);
 * assertEquals(batches.length, 1);
 * assertEquals([decoder.skipped, skips], [1, ["malformed JSON"]]);
 * ```
 */
export class NdjsonLogDecoderStream extends TransformStream<string, LogRecord[]> {
  readonly #decoder: NdjsonLogDecoder;

  /** Creates a decoder; throws a `RangeError` for a non-positive `maxValueLength`. */
  constructor(options: NdjsonLogDecoderStreamOptions = {}) {
    const decoder = new NdjsonLogDecoder(options);
    super({
      transform: (chunk, controller) => {
        const records = decoder.decode(chunk);
        if (records.length > 0) controller.enqueue(records);
      },
      flush: (controller) => {
        const records = decoder.end();
        if (records.length > 0) controller.enqueue(records);
      },
    });
    this.#decoder = decoder;
  }

  /** How many values (or runs of malformed text) were skipped so far. */
  get skipped(): number {
    return this.#decoder.skipped;
  }
}

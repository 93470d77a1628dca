/**
 * The OpenFaaS log API's wire format: one compact JSON object and `\n` per
 * message, written from batches.
 *
 * @module
 */
import { logBatchEncoder, type LogBatchEncoderOptions } from "./log_batch_encoder.ts";
import type { LogBatch } from "../types.ts";

/** Options for {@linkcode NdjsonEncoderStream} (documented on `LogBatchEncoderOptions`). */
export type NdjsonEncoderStreamOptions = Pick<LogBatchEncoderOptions, "maxChunkBytes" | "coalesce">;

/**
 * Encodes batches of records as NDJSON bytes, one chunk per batch (split at
 * `maxChunkBytes`). Records are written with Go's `encoding/json` escaping;
 * their `cursor` and `missed` fields are not part of this format.
 *
 * @example Two records, one chunk
 * ```ts
 * import { NdjsonEncoderStream } from "./ndjson_encoder_stream.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const record = { name: "env", namespace: "openfaas-fn", instance: "env-1", timestamp: "2023-07-04T16:32:22Z", text: "a<b" };
 * const chunks = await Array.fromAsync(
 *   ReadableStream.from([[record, record]]).pipeThrough(new NdjsonEncoderStream()),
 * );
 * assertEquals(chunks.length, 1);
 * assertEquals(
 *   new TextDecoder().decode(chunks[0]).split("\n")[0],
 *   '{"name":"env","namespace":"openfaas-fn","instance":"env-1","timestamp":"2023-07-04T16:32:22Z","text":"a\\u003cb"}',
 * );
 * ```
 */
export class NdjsonEncoderStream extends TransformStream<LogBatch, Uint8Array> {
  /** An encoder of batches as NDJSON chunks. */
  constructor(options: NdjsonEncoderStreamOptions = {}) {
    const encoder = logBatchEncoder("ndjson", options);
    super({
      transform(batch, controller) {
        for (const chunk of encoder.encode(batch)) controller.enqueue(chunk);
      },
    });
  }
}

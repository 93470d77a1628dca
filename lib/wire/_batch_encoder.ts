/**
 * Turns batches into byte chunks once per batch. Sources that fan out (the
 * local runner's history) hand the same batch array to every follower in
 * step, so a line is encoded once however many followers read it; the chunks
 * are never written to, so every response can enqueue the same bytes.
 *
 * @module
 */
import type { LogBatch, LogRecord } from "../types.ts";

const encoder = new TextEncoder();

/**
 * Returns a function that encodes a batch as chunks of about `max`
 * characters each, `encodeOne` per record, remembering its last answer:
 * followers in step are handed the same batch array one after another (the
 * history's slice cache), so one remembered batch is all the sharing there is.
 */
export function batchEncoder(
  encodeOne: (record: LogRecord) => string,
): (batch: LogBatch, max: number) => Uint8Array[] {
  let lastBatch: LogBatch | undefined;
  let lastMax = 0;
  let lastChunks: Uint8Array[] = [];
  return (batch, max) => {
    if (batch === lastBatch && max === lastMax) return lastChunks;
    const chunks: Uint8Array[] = [];
    let text = "";
    for (const record of batch) {
      text += encodeOne(record);
      // Characters, not bytes: a cheap bound that keeps chunks near `max`.
      if (text.length >= max) {
        chunks.push(encoder.encode(text));
        text = "";
      }
    }
    if (text !== "") chunks.push(encoder.encode(text));
    lastBatch = batch;
    lastMax = max;
    lastChunks = chunks;
    return chunks;
  };
}

/**
 * Turns batches into byte chunks once per batch. Sources that fan out (the
 * local runner's history) hand the same batch array to every follower in
 * step, so a line is encoded once however many followers read it; the chunks
 * are never written to, so every response can enqueue the same bytes.
 *
 * @module
 */
import type { LogBatch, LogRecord } from "./types.ts";

const encoder = new TextEncoder();

/**
 * Returns a function that encodes a batch as chunks of about `max`
 * characters each, `encodeOne` per record, remembering the result per batch
 * (weakly) and per `max`.
 */
export function batchEncoder(
  encodeOne: (record: LogRecord) => string,
): (batch: LogBatch, max: number) => Uint8Array[] {
  const caches = new Map<number, WeakMap<LogBatch, Uint8Array[]>>();
  return (batch, max) => {
    let cache = caches.get(max);
    if (cache === undefined) caches.set(max, cache = new WeakMap());
    const cached = cache.get(batch);
    if (cached !== undefined) return cached;
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
    cache.set(batch, chunks);
    return chunks;
  };
}

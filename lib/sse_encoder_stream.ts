/**
 * fnlogs' resumable `text/event-stream` extension of the log API (see
 * `docs/extensions.md`): each record an event whose data is its NDJSON line,
 * with the resume cursor as the event id, gap notices as `gap` events and an
 * `end` event when the stream is finished on purpose.
 *
 * @module
 */
import { encodeLogMessage } from "./encode_log_message.ts";
import { DEFAULT_MAX_CHUNK_BYTES } from "./ndjson_encoder_stream.ts";
import { batchEncoder } from "./_batch_encoder.ts";
import type { LogBatch, LogRecord } from "./types.ts";

/** The comment written to an idle event stream to show it is alive. */
export const SSE_HEARTBEAT = ": ping\n\n";

/** Options for {@linkcode SseEncoderStream}. */
export interface SseEncoderStreamOptions {
  /** Write chunks of up to about this many bytes (default 64 KiB). */
  readonly maxChunkBytes?: number;
  /** Sent first, once: a `retry:` hint for browsers, in milliseconds. */
  readonly retryMs?: number;
}

function encodeEvent(record: LogRecord): string {
  const id = record.cursor === undefined ? "" : "id: " + record.cursor + "\n";
  if (record.missed === undefined) return id + "data: " + encodeLogMessage(record) + "\n\n";
  const json = encodeLogMessage(record);
  return id + "event: gap\ndata: " + json.slice(0, -1) + ',"missed":' + record.missed +
    "}\n\n";
}

const encodeBatch = batchEncoder(encodeEvent);
const encoder = new TextEncoder();

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
  constructor(options: SseEncoderStreamOptions = {}) {
    const max = options.maxChunkBytes ?? DEFAULT_MAX_CHUNK_BYTES;
    super({
      start(controller) {
        if (options.retryMs !== undefined) {
          controller.enqueue(encoder.encode(`retry: ${Math.round(options.retryMs)}\n\n`));
        }
      },
      transform(batch, controller) {
        for (const chunk of encodeBatch(batch, max)) controller.enqueue(chunk);
      },
      flush(controller) {
        controller.enqueue(encoder.encode("event: end\ndata: {}\n\n"));
      },
    });
  }
}

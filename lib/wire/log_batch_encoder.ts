/**
 * Batches of records to wire bytes, in either format of the log API, as a
 * plain object rather than a stream stage: the server encodes inside the
 * response body it already has (one stream hop per batch instead of three),
 * and the encoder streams wrap the same object.
 *
 * @module
 */
import { batchEncoder } from "./_batch_encoder.ts";
import { encodeLogMessage } from "./encode_log_message.ts";
import type { LogBatch, LogRecord } from "../types.ts";

/** The default largest chunk the encoders write, in bytes (approximately). */
export const DEFAULT_MAX_CHUNK_BYTES = 65_536;

/** The comment written to an idle event stream to show it is alive. */
export const SSE_HEARTBEAT = ": ping\n\n";

/** Options for {@linkcode logBatchEncoder}. */
export interface LogBatchEncoderOptions {
  /**
   * Write everything a batch holds as chunks of up to about this many bytes
   * (default {@linkcode DEFAULT_MAX_CHUNK_BYTES}). A batch holds what was ready
   * together, so an idle stream still sends each line at once.
   */
  readonly maxChunkBytes?: number;
  /**
   * NDJSON only: `false` writes one chunk per message, as the Go reference
   * handler does. Only the benchmark's baseline wants that.
   */
  readonly coalesce?: boolean;
  /** Event stream only: a `retry:` hint for browsers, in milliseconds, sent first. */
  readonly retryMs?: number;
  /**
   * Event stream only: fnlogs' preamble, sent first as `event: hello` with
   * this object as its JSON data (what the response headers also say, for
   * clients behind proxies that drop headers).
   */
  readonly hello?: Readonly<Record<string, unknown>>;
}

/** Encodes one stream's batches. */
export interface LogBatchEncoder {
  /** Bytes to send before the first batch, if any. */
  readonly first?: Uint8Array;
  /**
   * The chunks of one batch. The same batch object gives the same chunk
   * objects (encoded once however many streams send it); never write to them.
   */
  encode(batch: LogBatch): readonly Uint8Array[];
  /** Bytes to send when the records end, if any. */
  readonly last?: Uint8Array;
}

const encoder = new TextEncoder();

function encodeEvent(record: LogRecord): string {
  const id = record.cursor === undefined ? "" : "id: " + record.cursor + "\n";
  if (record.missed === undefined) return id + "data: " + encodeLogMessage(record) + "\n\n";
  const json = encodeLogMessage(record);
  return id + "event: gap\ndata: " + json.slice(0, -1) + ',"missed":' + record.missed +
    "}\n\n";
}

const ndjsonBatch = batchEncoder((record) => encodeLogMessage(record) + "\n");
const sseBatch = batchEncoder(encodeEvent);
const SSE_END = encoder.encode("event: end\ndata: {}\n\n");

/**
 * An encoder for `format`: `ndjson` is the OpenFaaS log API's one compact
 * JSON object and `\n` per message (Go's `encoding/json` escaping; `cursor`
 * and `missed` are not part of it); `sse` is one `data:` event per message
 * with the cursor as its `id:`, a gap record as `event: gap`, and an
 * `event: end` when the records end; it starts with the `retry:` hint and
 * the `hello` preamble when they are given, in one event.
 *
 * @example Two records, one chunk
 * ```ts
 * import { logBatchEncoder } from "./log_batch_encoder.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const record = { name: "env", namespace: "openfaas-fn", instance: "env-1", timestamp: "2023-07-04T16:32:22Z", text: "a<b" };
 * const chunks = logBatchEncoder("ndjson").encode([record, record]);
 * assertEquals(chunks.length, 1);
 * assertEquals(
 *   new TextDecoder().decode(chunks[0]).split("\n")[0],
 *   '{"name":"env","namespace":"openfaas-fn","instance":"env-1","timestamp":"2023-07-04T16:32:22Z","text":"a\\u003cb"}',
 * );
 * ```
 */
export function logBatchEncoder(
  format: "ndjson" | "sse",
  options: LogBatchEncoderOptions = {},
): LogBatchEncoder {
  const max = options.maxChunkBytes ?? DEFAULT_MAX_CHUNK_BYTES;
  if (format === "sse") {
    const retry = options.retryMs === undefined ? "" : `retry: ${Math.round(options.retryMs)}\n`;
    const hello = options.hello === undefined
      ? ""
      : `event: hello\ndata: ${JSON.stringify(options.hello)}\n`;
    return {
      first: retry + hello === "" ? undefined : encoder.encode(retry + hello + "\n"),
      encode: (batch) => sseBatch(batch, max),
      last: SSE_END,
    };
  }
  if (options.coalesce === false) {
    return {
      encode: (batch) => batch.map((record) => encoder.encode(encodeLogMessage(record) + "\n")),
    };
  }
  return { encode: (batch) => ndjsonBatch(batch, max) };
}

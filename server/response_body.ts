/**
 * The body of a streaming response: forwards encoded chunks no faster than
 * the client reads them, turns a client that went away into a cancelled
 * source, writes heartbeats into idle event streams, and ends streams cleanly
 * on request (shutdown, maximum duration).
 *
 * @module
 */
import type { LogBatchEncoder } from "../lib/log_batch_encoder.ts";
import type { LogBatch } from "../lib/types.ts";
import type { OpenStream, OpenStreams } from "./open_streams.ts";

/** Options for {@linkcode responseBody}. */
export interface ResponseBodyOptions {
  /** Tracks the stream while it is open. */
  readonly registry?: OpenStreams;
  /** Aborted when the request is gone (`request.signal`). */
  readonly signal?: AbortSignal;
  /** Written after `heartbeatMs` without a chunk (event streams only). */
  readonly heartbeat?: Uint8Array;
  readonly heartbeatMs?: number;
  /** Written before the close when the stream is ended on purpose. */
  readonly endMarker?: Uint8Array;
  /** Ends the stream cleanly after this long. */
  readonly maxDurationMs?: number;
  /** Called when the source fails mid-stream (the connection is then cut). */
  readonly onError?: (error: unknown) => void;
  /** Called once when the stream is over, with how it ended. */
  readonly onDone?: (how: "ended" | "cancelled" | "failed") => void;
}

/**
 * The response body that sends `source`'s batches as `encoder` encodes them
 * (encoding here rather than in a stream stage of its own saves two stream
 * hops per batch, which is most of a follower's cost when many follow). A
 * failure of the source errors the body, which cuts the connection without
 * the terminating chunk, so the client can tell it from an end.
 */
export function responseBody(
  source: ReadableStream<LogBatch>,
  encoder: LogBatchEncoder,
  options: ResponseBodyOptions = {},
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let started = false;
  let lastWrite = performance.now();
  let done = false;
  let heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  let durationTimer: ReturnType<typeof setTimeout> | undefined;

  const finish = (how: "ended" | "cancelled" | "failed"): boolean => {
    if (done) return false;
    done = true;
    clearInterval(heartbeatTimer);
    clearTimeout(durationTimer);
    options.signal?.removeEventListener("abort", onAbort);
    options.registry?.delete(handle);
    options.onDone?.(how);
    return true;
  };
  const handle: OpenStream = {
    end() {
      if (!finish("ended")) return;
      reader.cancel("stream ended by the server").catch(() => {});
      try {
        if (options.endMarker !== undefined) controller.enqueue(options.endMarker);
        controller.close();
      } catch {
        // Already closed or errored by a concurrent pull.
      }
    },
  };
  const onAbort = () => {
    if (!finish("cancelled")) return;
    reader.cancel(options.signal?.reason ?? "client went away").catch(() => {});
    try {
      // The client is gone: closing (not erroring) keeps Deno from logging the body's error.
      controller.close();
    } catch {
      // Already closed.
    }
  };

  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      options.registry?.add(handle);
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener("abort", onAbort, { once: true });
      const { heartbeat, heartbeatMs, maxDurationMs } = options;
      if (heartbeat !== undefined && heartbeatMs !== undefined && heartbeatMs > 0) {
        heartbeatTimer = setInterval(() => {
          if (performance.now() - lastWrite < heartbeatMs) return;
          lastWrite = performance.now();
          try {
            c.enqueue(heartbeat);
          } catch {
            // The stream is closing.
          }
        }, Math.max(heartbeatMs / 2, 10));
      }
      if (maxDurationMs !== undefined && maxDurationMs > 0) {
        durationTimer = setTimeout(() => handle.end(), maxDurationMs);
      }
    },
    async pull(c) {
      if (!started) {
        started = true;
        if (encoder.first !== undefined) return c.enqueue(encoder.first);
      }
      // Until something to send: a pull that enqueues nothing is not called again.
      for (;;) {
        let result: ReadableStreamReadResult<LogBatch>;
        try {
          result = await reader.read();
        } catch (error) {
          if (finish("failed")) {
            options.onError?.(error);
            c.error(error);
          }
          return;
        }
        if (done) return;
        if (result.done) {
          finish("ended");
          if (encoder.last !== undefined) c.enqueue(encoder.last);
          c.close();
          return;
        }
        const chunks = encoder.encode(result.value);
        if (chunks.length === 0) continue;
        lastWrite = performance.now();
        for (const chunk of chunks) c.enqueue(chunk);
        return;
      }
    },
    async cancel(reason) {
      if (finish("cancelled")) await reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

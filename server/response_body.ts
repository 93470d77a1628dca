/**
 * The body of a streaming response: forwards encoded chunks no faster than
 * the client reads them, turns a client that went away into a cancelled
 * source, writes heartbeats into idle event streams, and ends streams cleanly
 * on request (shutdown, maximum duration).
 *
 * @module
 */
import type { LogBatchEncoder } from "../lib/wire/log_batch_encoder.ts";
import {
  END,
  type PollSource,
  pollSourceOf,
  type PollSourceStream,
  pollSourceStream,
  readerPollSource,
} from "../lib/streams/poll_source.ts";
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
 * The response body that sends `source`'s batches as `encoder` encodes them.
 * It is a {@linkcode PollSourceStream} (the fast lane, in its type), and it
 * polls `source` when that is one too (a history follower): a batch then goes
 * from the history through the encoder to the HTTP engine's socket write
 * without a promise between them, which is most of a follower's cost when
 * many follow one function. Any other source is read through a reader. A
 * failure of the source errors the body, which cuts the connection without
 * the terminating chunk, so the client can tell it from an end.
 */
export function responseBody(
  source: ReadableStream<LogBatch>,
  encoder: LogBatchEncoder,
  options: ResponseBodyOptions = {},
): PollSourceStream<Uint8Array> {
  const inner = pollSourceOf(source) ?? readerPollSource(source);
  /** Chunks to send before polling `inner` again (the first bytes, a heartbeat, the rest of a batch, the end marker). */
  const queue: Uint8Array[] = [];
  if (encoder.first !== undefined) queue.push(encoder.first);
  let lastWrite = performance.now();
  let done = false;
  let waiter: (() => void) | undefined;
  let innerWaiting = false;
  let heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  let durationTimer: ReturnType<typeof setTimeout> | undefined;

  const wake = () => {
    const w = waiter;
    waiter = undefined;
    w?.();
  };
  const onInnerReady = () => {
    innerWaiting = false;
    wake();
  };
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
      // The marker first: cancelling a history follower calls the engine back at once, and a
      // poll then must find it (it found the body done and empty, and ended without it).
      queue.length = 0;
      if (options.endMarker !== undefined) queue.push(options.endMarker);
      inner.cancel("stream ended by the server");
      wake();
    },
  };
  // The request is gone: as a cancel from the reader.
  const onAbort = () => body.cancel(options.signal?.reason ?? "client went away");

  const body: PollSource<Uint8Array> = {
    poll() {
      for (;;) {
        if (queue.length > 0) return queue.shift();
        if (done) return END;
        let batch: LogBatch | typeof END | undefined;
        try {
          batch = inner.poll();
        } catch (error) {
          if (finish("failed")) options.onError?.(error);
          throw error;
        }
        if (batch === undefined) return undefined;
        if (batch === END) {
          finish("ended");
          if (encoder.last !== undefined) queue.push(encoder.last);
          continue;
        }
        const chunks = encoder.encode(batch);
        if (chunks.length === 0) continue;
        if (heartbeatTimer !== undefined) lastWrite = performance.now();
        if (chunks.length === 1) return chunks[0];
        queue.push(...chunks);
      }
    },
    wait(ready) {
      if (queue.length > 0 || done) return queueMicrotask(ready);
      waiter = ready;
      if (innerWaiting) return;
      innerWaiting = true;
      inner.wait(onInnerReady);
    },
    // The client is gone: what is queued is dropped, and the body just ends.
    cancel(reason) {
      if (finish("cancelled")) inner.cancel(reason);
      queue.length = 0;
      wake();
    },
  };

  options.registry?.add(handle);
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener("abort", onAbort, { once: true });
  const { heartbeat, heartbeatMs, maxDurationMs } = options;
  if (!done && heartbeat !== undefined && heartbeatMs !== undefined && heartbeatMs > 0) {
    heartbeatTimer = setInterval(() => {
      if (performance.now() - lastWrite < heartbeatMs || queue.length > 0) return;
      lastWrite = performance.now();
      queue.push(heartbeat);
      wake();
    }, Math.max(heartbeatMs / 2, 10));
  }
  if (!done && maxDurationMs !== undefined && maxDurationMs > 0) {
    durationTimer = setTimeout(() => handle.end(), maxDurationMs);
  }
  return pollSourceStream(body);
}

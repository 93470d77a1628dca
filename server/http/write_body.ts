/**
 * The HTTP/1.1 engine's body writer: polls a body's `PollSource` and writes
 * what it gives, one write in flight at a time, while a read stays pending
 * on the socket so that a client that goes away is seen at once. A body on
 * the fast lane (a `PollSourceStream`'s own source) goes from its producer
 * to the socket write by plain calls; any other body comes through a reader
 * (`readerPollSource`) and is written the same way.
 *
 * @module
 */
import { END, type PollSource } from "../../lib/streams/poll_source.ts";
import type { BufferedSocket } from "./buffered_socket.ts";
import { frameChunk, writeUnframedChunk } from "./chunk_framing.ts";

/** Options for {@linkcode writeBody}. */
export interface BodyWriteOptions {
  /** Frame every chunk (HTTP/1.1 without a length); otherwise write the bytes as they are. */
  readonly chunked: boolean;
  /** Aborted when the connection is lost while the body streams (the request's signal). */
  readonly gone: AbortController;
  /**
   * Past this many unread bytes (a request body, pipelined requests) they
   * are dropped, so that the watch for a close goes on, and `onOverflow` is
   * called: the connection must serve nothing after this response.
   */
  readonly maxUnread: number;
  /** See `maxUnread`. */
  readonly onOverflow?: () => void;
}

/** What the body's poll threw, held until the write before it is done. */
const FAILED: unique symbol = Symbol("failed");

/**
 * Chunks at least this big are written as size line, data and CRLF rather
 * than copied into one framed buffer: a copy per big chunk is garbage outside
 * the V8 heap that a fast stream makes faster than the collector frees it.
 */
const COPY_LIMIT = 8192;

/**
 * Writes `source` to `socket` until it ends (`true`: the terminator may
 * follow) or the connection is cut (`false`): the peer went away or reset,
 * a write failed, or the source failed (cut without the terminator, so the
 * client can tell a failure from an end). A cut aborts `gone` and cancels
 * the source.
 */
export function writeBody(
  socket: BufferedSocket,
  source: PollSource<Uint8Array>,
  options: BodyWriteOptions,
): Promise<boolean> {
  const { chunked, gone, maxUnread, onOverflow } = options;
  // A read stays pending while the body streams: the peer going away ends it at once.
  let streaming = true;
  let settle: (keepOpen: boolean) => void = () => {};
  // Settled first: a source that calls back as it is cancelled finds the response over.
  const cut = () => {
    socket.close();
    if (!gone.signal.aborted) gone.abort(new Error("connection closed"));
    settle(false);
    source.cancel("connection closed");
  };
  (async () => {
    while (streaming && !socket.gone && !gone.signal.aborted) {
      if (!await socket.fill()) break;
      if (socket.length <= maxUnread) continue;
      // Too far ahead: dropped (they will not be answered), still watching.
      socket.consume(socket.length);
      onOverflow?.();
    }
    if (streaming && socket.gone && !gone.signal.aborted) {
      gone.abort(new Error("client went away"));
      settle(false);
      source.cancel("client went away");
    }
  })();
  return new Promise<boolean>((resolve) => {
    settle = (value) => {
      if (!streaming) return;
      streaming = false;
      resolve(value);
    };
    // Polls and writes until nothing is ready, then waits to be called again.
    // One write in flight at a time, with the next chunk polled (and so
    // encoded) while it is: the socket and the encoder work at once, and a
    // slow client holds at most two chunks.
    let inFlight = false;
    let waiting = false;
    let held: Uint8Array | typeof END | typeof FAILED | undefined;
    const pump = (): void => {
      for (;;) {
        if (!streaming) return;
        if (socket.gone) return cut();
        let data = held;
        held = undefined;
        if (data === undefined) {
          try {
            data = source.poll();
          } catch {
            data = FAILED;
          }
        }
        if (data === undefined) {
          // With a write in flight, its end polls again.
          if (!inFlight && !waiting) {
            waiting = true;
            source.wait(ready);
          }
          return;
        }
        if (inFlight) {
          held = data;
          return;
        }
        if (data === FAILED) return cut(); // Cut without the terminator: the client can tell.
        if (data === END) return settle(true);
        if (data.length === 0) continue;
        inFlight = true;
        if (data.length < COPY_LIMIT) {
          // A small chunk means the source most likely had no more: the
          // write's end polls next, rather than a poll now that finds nothing.
          socket.writeThen(chunked ? frameChunk(data) : data, wrote);
          return;
        }
        (chunked ? writeUnframedChunk(socket, data) : socket.write(data)).then(wrote);
      }
    };
    const ready = (): void => {
      waiting = false;
      pump();
    };
    const wrote = (ok: boolean): void => {
      inFlight = false;
      if (ok) return pump();
      if (!gone.signal.aborted) gone.abort(new Error("client went away"));
      cut();
    };
    pump();
  });
}

/**
 * The engine's close watch: a read kept pending on a connection while its
 * request is handled, so that a client that goes away is seen at once, also
 * before any byte of the answer is written (a provider still opening the
 * logs of a quiet function).
 *
 * @module
 */
import type { BufferedSocket } from "./buffered_socket.ts";

/** A running watch. */
export interface CloseWatch {
  /** Stops watching (a read already pending is left to whoever reads next). */
  stop(): void;
  /** Whether the client sent more than the watch would hold (the bytes were dropped). */
  readonly overflowed: boolean;
}

/**
 * Reads `socket` until `stop()`, aborting `gone` with "client went away"
 * when the peer closes or resets. What the client sends meanwhile stays
 * buffered for the next request (pipelining) up to `maxUnread` bytes;
 * past that it is dropped and the watch says `overflowed`: the connection
 * then serves nothing after this answer.
 */
export function watchClose(
  socket: BufferedSocket,
  gone: AbortController,
  maxUnread: number,
): CloseWatch {
  let watching = true;
  let overflowed = false;
  (async () => {
    while (watching && !socket.gone && !gone.signal.aborted) {
      if (!await socket.fill()) break;
      if (socket.length > maxUnread) {
        overflowed = true;
        socket.consume(socket.length);
      }
    }
    if (watching && socket.gone && !gone.signal.aborted) {
      gone.abort(new Error("client went away"));
    }
  })();
  return {
    stop: () => watching = false,
    get overflowed() {
      return overflowed;
    },
  };
}

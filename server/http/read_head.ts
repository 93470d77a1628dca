/**
 * Reading a request head off a connection for fnlogs' HTTP/1.1 engine,
 * within a deadline (Go's `ReadHeaderTimeout`): a client that never finishes
 * its head, or sends it a byte at a time, holds the connection no longer.
 *
 * @module
 */
import type { BufferedSocket } from "./buffered_socket.ts";
import { type HeadError, parseRequestHead, type RequestHead } from "./request_head.ts";

/** Options for {@linkcode readHead}. */
export interface HeadReadOptions {
  /** The largest head accepted: more is a 431 refusal. */
  readonly maxHeadBytes: number;
  /** Close the connection when the head is not complete after this long (<= 0: never). */
  readonly headerTimeoutMs: number;
  /** The connections waiting for a head (a shutdown closes them): `socket` is in it meanwhile. */
  readonly idle: Set<BufferedSocket>;
  /** Whether the server is stopping: then no head is read. */
  stopping(): boolean;
  /** Called when the deadline passes, before the connection is closed. */
  onTimeout(): void;
}

/**
 * The next request head on `socket` (bytes already buffered first), a
 * refusal to answer, or `undefined` when the connection is over: closed by
 * the peer, by the deadline, or by a shutdown.
 */
export async function readHead(
  socket: BufferedSocket,
  options: HeadReadOptions,
): Promise<RequestHead | HeadError | undefined> {
  const { maxHeadBytes: maxHead, idle } = options;
  let timedOut = false;
  const timer = options.headerTimeoutMs > 0
    ? setTimeout(() => {
      timedOut = true;
      options.onTimeout();
      socket.close();
    }, options.headerTimeoutMs)
    : undefined;
  idle.add(socket);
  try {
    // A client that sends a byte at a time costs one scan per line, not per byte.
    let scan = socket.length > 0;
    for (;;) {
      if (options.stopping()) return undefined;
      if (scan || socket.length > maxHead) {
        const head = parseRequestHead(socket.bytes, socket.length, maxHead);
        if (head !== undefined) return head;
      }
      if (!await socket.fill() || timedOut) return undefined;
      scan = socket.newline;
    }
  } finally {
    clearTimeout(timer);
    idle.delete(socket);
  }
}

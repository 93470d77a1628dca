/**
 * Writing a handler's `Response` on a connection of fnlogs' HTTP/1.1
 * engine: the head, then the body (on the fast lane when it is a
 * `PollSourceStream`, through a reader otherwise), then the last chunk.
 *
 * @module
 */
import { pollSourceOf, readerPollSource } from "../../lib/streams/poll_source.ts";
import type { BufferedSocket } from "./buffered_socket.ts";
import { LAST_CHUNK } from "./chunk_framing.ts";
import { responseHead } from "./response_head.ts";
import { writeBody } from "./write_body.ts";

const encoder = new TextEncoder();

/** The request a response answers, as {@linkcode writeResponse} needs it. */
export interface Answering {
  readonly method: string;
  readonly minor: 0 | 1;
  /** Whether the request lets the connection serve another. */
  readonly keepAlive: boolean;
  /** Aborted when the connection is lost while the body streams (the request's signal). */
  readonly gone: AbortController;
}

/**
 * Writes `response` to `socket`: `true` when the connection may serve
 * another request. A body stops being written as soon as the peer goes away
 * (and is cancelled); `maxHeadBytes` bounds how far ahead a pipelining
 * client is read meanwhile (twice that).
 */
export async function writeResponse(
  socket: BufferedSocket,
  response: Response,
  answering: Answering,
  maxHeadBytes: number,
): Promise<boolean> {
  const { head, body, chunked, keepAlive } = responseHead(
    response,
    answering.method,
    answering.minor,
    answering.keepAlive,
  );
  if (body === undefined) {
    response.body?.cancel().catch(() => {});
    return await socket.write(encoder.encode(head)) && keepAlive;
  }
  if (!await socket.write(encoder.encode(head))) {
    await body.cancel("client went away").catch(() => {});
    return false;
  }
  // The fast lane for our own bodies (a follower's): polled without a promise per chunk.
  const source = pollSourceOf(body) ?? readerPollSource(body);
  let overflowed = false;
  const ended = await writeBody(socket, source, {
    chunked,
    gone: answering.gone,
    maxUnread: maxHeadBytes * 2,
    onOverflow: () => overflowed = true,
  });
  if (!ended) return false;
  if (chunked && !await socket.write(LAST_CHUNK)) return false;
  return keepAlive && !socket.gone && !overflowed;
}

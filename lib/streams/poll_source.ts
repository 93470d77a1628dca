/**
 * A pollable source: the synchronous face of a stream, for the hot path of
 * a follow. When a thousand clients follow one function, each appended batch
 * costs every follower a pass through its stream stages; with a Web
 * `ReadableStream` per stage that is about ten promise hops per follower per
 * batch, more than the socket write itself. A `PollSource` hands over what
 * is ready with a plain call and says when more is ready with a callback, so
 * the history, the response body and the HTTP engine pass a batch along
 * without a promise between them.
 *
 * The lane is in the types: a {@linkcode PollSourceStream} is a
 * `ReadableStream` that carries its source, and only it does. A stage that
 * hands on a `PollSourceStream` (the history's `read`, the server's response
 * body) says so in its return type, so a `pipeThrough` added there, which
 * makes a plain `ReadableStream`, is a type error rather than a silent step
 * off the lane. A stage that is handed any stream (a `Response` body, a
 * provider's log stream) takes the lane with {@linkcode pollSourceOf} and
 * reads any other stream with {@linkcode readerPollSource}: two named
 * choices, never one hidden inside the other.
 *
 * Lives here: the `PollSource` contract and its two bridges to Web Streams.
 * Imports nothing.
 *
 * @module
 */

/** What `poll` returns at the end of the source. */
export const END: unique symbol = Symbol("end");

/** A source read by calls: `poll` what is ready, `wait` for more. */
export interface PollSource<T> {
  /**
   * The next item if one is ready, {@linkcode END} when the source is over,
   * or `undefined` when nothing is ready yet. Throws the source's error.
   */
  poll(): T | typeof END | undefined;
  /**
   * Calls `ready` once, later (never during this call), when `poll` may
   * return something new. One waiter at a time: a second call replaces the
   * first.
   */
  wait(ready: () => void): void;
  /** Stops the source; `poll` returns {@linkcode END} afterwards. */
  cancel(reason?: unknown): void;
}

/**
 * A `ReadableStream` over a {@linkcode PollSource} that keeps the source for
 * whoever takes the fast lane ({@linkcode pollSourceOf}); every other reader
 * reads it as a stream (a `pull` polls, waiting when nothing is ready). Use
 * one or the other: both read the same items.
 *
 * Anything piped from it (`pipeThrough`, `tee`) is a plain `ReadableStream`,
 * off the lane, and typed so.
 */
export class PollSourceStream<T> extends ReadableStream<T> {
  readonly #source: PollSource<T>;

  constructor(source: PollSource<T>) {
    super({
      async pull(controller) {
        for (;;) {
          const item = source.poll();
          if (item === END) return controller.close();
          if (item !== undefined) return controller.enqueue(item);
          await new Promise<void>((resolve) => source.wait(resolve));
        }
      },
      cancel(reason) {
        source.cancel(reason);
      },
    }, { highWaterMark: 0 });
    this.#source = source;
  }

  /**
   * The source, for the caller to poll from now on, with the stream locked
   * so that nobody reads it as well; `undefined` when it is locked already
   * (a reader or an earlier taker has it).
   */
  takeSource(): PollSource<T> | undefined {
    if (this.locked) return undefined;
    this.getReader(); // Lock it: nobody else reads it now.
    return this.#source;
  }
}

/**
 * A {@linkcode PollSourceStream} over `source` (as `new
 * PollSourceStream(source)`): the way onto the fast lane.
 *
 * @example A stream and its source
 * ```ts
 * import { END, pollSourceOf, pollSourceStream } from "./poll_source.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const items = () => {
 *   const left = [1, 2];
 *   return { poll: () => left.shift() ?? END, wait() {}, cancel() {} };
 * };
 * assertEquals(await Array.fromAsync(pollSourceStream(items())), [1, 2]);
 * const source = items();
 * const stream = pollSourceStream(source);
 * assertEquals(pollSourceOf(stream), source);
 * assertEquals(stream.locked, true); // the caller polls it now
 * ```
 */
export function pollSourceStream<T>(source: PollSource<T>): PollSourceStream<T> {
  return new PollSourceStream(source);
}

/**
 * Takes the fast lane when there is one: the source behind a
 * {@linkcode PollSourceStream} (which is locked from then on), or
 * `undefined` for any other stream, or one that is locked (a reader already
 * took it over). Pair it with {@linkcode readerPollSource} for the others.
 */
export function pollSourceOf<T>(stream: ReadableStream<T>): PollSource<T> | undefined {
  return stream instanceof PollSourceStream ? stream.takeSource() : undefined;
}

/**
 * `stream` read as a `PollSource`, one read at a time through a reader: the
 * way off the lane, for a stream that has no source of its own (try
 * {@linkcode pollSourceOf} first). A `PollSourceStream` read this way still
 * works, a promise per item slower.
 *
 * @example Polling a plain stream
 * ```ts
 * import { END, readerPollSource } from "./poll_source.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const source = readerPollSource(ReadableStream.from(["a"]));
 * assertEquals(source.poll(), undefined); // a read is now under way
 * await new Promise<void>((resolve) => source.wait(resolve));
 * assertEquals(source.poll(), "a");
 * ```
 */
export function readerPollSource<T>(stream: ReadableStream<T>): PollSource<T> {
  const reader = stream.getReader();
  let reading = false;
  let ready: { item: T | typeof END } | { error: unknown } | undefined;
  let waiter: (() => void) | undefined;
  const read = () => {
    if (reading || ready !== undefined) return;
    reading = true;
    reader.read().then(
      (result) => ready = { item: result.done ? END : result.value },
      (error) => ready = { error },
    ).finally(() => {
      reading = false;
      const w = waiter;
      waiter = undefined;
      w?.();
    });
  };
  return {
    poll() {
      if (ready === undefined) {
        read();
        return undefined;
      }
      if ("error" in ready) throw ready.error;
      const { item } = ready;
      if (item !== END) ready = undefined;
      return item;
    },
    wait(callback) {
      if (ready !== undefined) {
        queueMicrotask(callback);
        return;
      }
      waiter = callback;
      read();
    },
    cancel(reason) {
      ready = { item: END };
      reader.cancel(reason).catch(() => {});
      const w = waiter;
      waiter = undefined;
      if (w !== undefined) queueMicrotask(w);
    },
  };
}

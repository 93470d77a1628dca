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
 * Every `PollSource` made into a stream with {@linkcode pollSourceStream}
 * stays reachable from that stream through {@linkcode pollSourceOf}, so code
 * that is handed the stream (a `Response` body, a provider's log stream) can
 * take the fast lane when the stream is one of ours, and read any other
 * stream through {@linkcode readerPollSource}.
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

const sources = new WeakMap<ReadableStream<unknown>, PollSource<unknown>>();

/**
 * A `ReadableStream` over `source` (for every reader that is not on the fast
 * lane), from which {@linkcode pollSourceOf} gets `source` back. Use one or
 * the other: both read the same items.
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
export function pollSourceStream<T>(source: PollSource<T>): ReadableStream<T> {
  const stream = new ReadableStream<T>({
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
  sources.set(stream, source);
  return stream;
}

/**
 * The source behind a stream made by {@linkcode pollSourceStream}, or
 * `undefined` for any other stream, or one that is locked (a reader already
 * took it over).
 */
export function pollSourceOf<T>(stream: ReadableStream<T>): PollSource<T> | undefined {
  if (stream.locked) return undefined;
  const source = sources.get(stream) as PollSource<T> | undefined;
  if (source !== undefined) stream.getReader(); // Lock it: nobody else reads it now.
  return source;
}

/**
 * `stream` as a `PollSource`: the fast lane's own source when it has one,
 * otherwise one read at a time through a reader.
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
  const own = pollSourceOf(stream);
  if (own !== undefined) return own;
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

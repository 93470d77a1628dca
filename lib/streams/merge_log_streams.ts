/**
 * Merges the log streams of several instances (pods, containers, processes)
 * into one stream, in timestamp order within a bounded reorder window.
 *
 * @module
 */

import { defaultSetTimer, type SetTimer } from "../async/abortable_sleep.ts";
import type { LogBatch, LogRecord } from "../types.ts";
import { parseTimestamp } from "../time/timestamp.ts";

/** How long a record may be held to put it in order, by default: 100 ms. */
export const DEFAULT_REORDER_WINDOW_MS = 100;

/** How many records may be held at once, by default. */
export const DEFAULT_MAX_HELD = 10_000;

/** Options for {@linkcode LogStreamMerger} and {@linkcode mergeLogStreams}. */
export interface LogStreamMergerOptions {
  /**
   * The longest a record is held after it arrived, waiting for records of
   * other instances with earlier timestamps, in milliseconds. Default
   * {@linkcode DEFAULT_REORDER_WINDOW_MS}; `0` passes records on in arrival
   * order without holding any. A record is released sooner when every
   * instance that may still write has a record waiting (then nothing earlier
   * can come), so a single busy instance is never delayed. `Infinity`
   * holds records until then whatever the time (histories: every source
   * ends, so the order is exact up to `maxHeld`).
   */
  readonly reorderWindowMs?: number;
  /**
   * The most records held at once (default {@linkcode DEFAULT_MAX_HELD}).
   * When that many are held the earliest are released before their window
   * ends (order is traded for bounded memory), and nothing more is read from
   * the sources until the reader has taken some.
   */
  readonly maxHeld?: number;
  /** The clock, in milliseconds (default `performance.now`). */
  readonly now?: () => number;
  /**
   * Runs `callback` after `delayMs` and returns a function that cancels it
   * (default `setTimeout`/`clearTimeout`). Tests inject a fake.
   */
  readonly setTimer?: SetTimer;
}

interface Held {
  readonly batch: LogBatch;
  index: number;
  readonly arrival: number;
  readonly seq: number;
}

interface Source {
  readonly reader: ReadableStreamDefaultReader<LogBatch>;
  readonly queue: Held[];
  reading: boolean;
  done: boolean;
  keyOf?: LogRecord;
  keyPrefix?: string;
  keyPrefixSeconds: number;
  keySeconds: number;
  keyNanos: number;
}

function headKey(source: Source): Source {
  const head = source.queue[0];
  const record = head.batch[head.index];
  if (source.keyOf !== record) {
    source.keyOf = record;
    const ts = record.timestamp;
    // Fast path for the UTC form providers write: the seconds of the last
    // prefix seen are reused, the fraction is read digit by digit.
    if (ts.length >= 20 && ts.charCodeAt(ts.length - 1) === 90 /* Z */ && ts[10] === "T") {
      const prefix = ts.slice(0, 19);
      if (prefix !== source.keyPrefix) {
        const t = parseTimestamp(prefix + "Z");
        source.keyPrefix = prefix;
        source.keyPrefixSeconds = t === undefined ? NaN : t.seconds;
      }
      let nanos = 0, scale = 100_000_000;
      const fractionOk = ts.length === 20 || ts[19] === ".";
      for (let i = 20; fractionOk && i < ts.length - 1; i++) {
        const d = ts.charCodeAt(i) - 48;
        if (d < 0 || d > 9) break;
        nanos += d * scale;
        scale /= 10;
      }
      if (fractionOk && !Number.isNaN(source.keyPrefixSeconds)) {
        source.keySeconds = source.keyPrefixSeconds;
        source.keyNanos = Math.floor(nanos);
        return source;
      }
    }
    const t = parseTimestamp(ts);
    // Text that does not parse sorts before everything else.
    source.keySeconds = t === undefined ? -Infinity : t.seconds;
    source.keyNanos = t === undefined ? 0 : t.nanos;
  }
  return source;
}

function compareKeys(a: Source, b: Source): number {
  return a.keySeconds - b.keySeconds || a.keyNanos - b.keyNanos;
}

/**
 * Merges per-instance `ReadableStream<LogBatch>` sources into
 * {@linkcode LogStreamMerger.stream}, in timestamp order within a bounded
 * reorder window.
 *
 * - A record is held at most `reorderWindowMs` after it arrived; what is
 *   released is released in timestamp order among what is held, and the
 *   records of one source always keep their own order. A record that
 *   arrives later than the window allows is released as it comes: nothing
 *   is dropped.
 * - Sources can be added while the stream runs ({@linkcode add}) and end
 *   independently. The merged stream ends once {@linkcode closeWhenDrained}
 *   was called and every source has ended and been passed on.
 * - It is pull-based: sources are read only while the reader waits for a
 *   batch, at most one read per source at a time, and never while
 *   `maxHeld` records are held.
 * - Cancelling the stream cancels every source (and any added later). A
 *   source that errors errors the merged stream and cancels the others.
 *
 * @example Two instances merged in timestamp order
 * ```ts
 * import { LogStreamMerger } from "./merge_log_streams.ts";
 * import type { LogRecord } from "../types.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const rec = (instance: string, second: number): LogRecord => ({
 *   name: "fn", namespace: "ns", instance,
 *   timestamp: `2024-01-01T00:00:0${second}Z`, text: `${instance}${second}`,
 * });
 * const merger = new LogStreamMerger();
 * merger.add(ReadableStream.from([[rec("a", 1), rec("a", 3)]]));
 * merger.add(ReadableStream.from([[rec("b", 2)]]));
 * merger.closeWhenDrained();
 * const texts = (await Array.fromAsync(merger.stream)).flat().map((r) => r.text);
 * assertEquals(texts, ["a1", "b2", "a3"]);
 * ```
 */
export class LogStreamMerger {
  /** The merged records. */
  readonly stream: ReadableStream<LogBatch>;
  readonly #window: number;
  readonly #maxHeld: number;
  readonly #now: () => number;
  readonly #setTimer: (callback: () => void, delayMs: number) => () => void;
  #sources: Source[] = [];
  #held = 0;
  #seq = 0;
  #closing = false;
  #ended = false;
  #failure?: { error: unknown };
  #waker?: () => void;
  #cancelTimer?: () => void;

  /** Creates a merger with no sources yet. */
  constructor(options: LogStreamMergerOptions = {}) {
    this.#window = options.reorderWindowMs ?? DEFAULT_REORDER_WINDOW_MS;
    this.#maxHeld = options.maxHeld ?? DEFAULT_MAX_HELD;
    if (!(this.#window >= 0)) throw new RangeError(`Cannot use reorderWindowMs ${this.#window}`);
    if (!(this.#maxHeld >= 1)) throw new RangeError(`Cannot use maxHeld ${this.#maxHeld}`);
    this.#now = options.now ?? (() => performance.now());
    this.#setTimer = options.setTimer ?? defaultSetTimer;
    this.stream = new ReadableStream<LogBatch>({
      pull: (controller) => this.#pull(controller),
      cancel: (reason) => this.#shutdown(reason),
    }, { highWaterMark: 0 });
  }

  /** The number of sources that have not ended or still have records held. */
  get sourceCount(): number {
    return this.#sources.length;
  }

  /**
   * Adds a source. After the merged stream has ended or was cancelled the
   * source is cancelled at once.
   */
  add(source: ReadableStream<LogBatch>): void {
    if (this.#ended) {
      source.cancel().catch(() => {});
      return;
    }
    this.#sources.push({
      reader: source.getReader(),
      queue: [],
      reading: false,
      done: false,
      keyPrefixSeconds: NaN,
      keySeconds: 0,
      keyNanos: 0,
    });
    this.#wake();
  }

  /** Says that no more sources will be added: the stream ends once all have ended. */
  closeWhenDrained(): void {
    this.#closing = true;
    this.#wake();
  }

  async #pull(controller: ReadableStreamDefaultController<LogBatch>): Promise<void> {
    for (;;) {
      if (this.#ended) return;
      if (this.#failure !== undefined) {
        const { error } = this.#failure;
        await this.#shutdown(error);
        throw error;
      }
      const out = this.#release(this.#now());
      if (out.length > 0) {
        controller.enqueue(out);
        return;
      }
      if (this.#closing && this.#sources.length === 0) {
        this.#ended = true;
        controller.close();
        return;
      }
      this.#startReads();
      const woken = new Promise<void>((resolve) => this.#waker = resolve);
      this.#armTimer();
      await woken;
      this.#cancelTimer?.();
      this.#cancelTimer = undefined;
    }
  }

  #wake(): void {
    const waker = this.#waker;
    this.#waker = undefined;
    waker?.();
  }

  #armTimer(): void {
    if (this.#window === 0 || this.#window === Infinity) return;
    let earliest = Infinity;
    for (const s of this.#sources) {
      if (s.queue.length > 0 && s.queue[0].arrival < earliest) earliest = s.queue[0].arrival;
    }
    if (earliest === Infinity) return;
    const delay = Math.max(0, earliest + this.#window - this.#now());
    this.#cancelTimer = this.#setTimer(() => {
      this.#cancelTimer = undefined;
      this.#wake();
    }, delay);
  }

  #startReads(): void {
    if (this.#held >= this.#maxHeld) return;
    for (const source of this.#sources) {
      if (!source.reading && !source.done) this.#read(source);
    }
  }

  #read(source: Source): void {
    source.reading = true;
    source.reader.read().then(({ done, value }) => {
      source.reading = false;
      if (this.#ended) return;
      if (done) {
        source.done = true;
      } else if (value.length > 0) {
        source.queue.push({ batch: value, index: 0, arrival: this.#now(), seq: this.#seq++ });
        this.#held += value.length;
      }
      this.#wake();
    }, (error: unknown) => {
      source.reading = false;
      source.done = true;
      this.#failure ??= { error };
      this.#wake();
    });
  }

  /** Takes every record that may leave now, in order. */
  #release(now: number): LogRecord[] {
    const out: LogRecord[] = [];
    const window = this.#window;
    for (;;) {
      let candidates = 0, allWaiting = true, expired = false, retired = false;
      for (const s of this.#sources) {
        if (s.queue.length === 0) {
          if (s.done) retired = true;
          else allWaiting = false;
          continue;
        }
        candidates++;
        if (s.queue[0].arrival + window <= now) expired = true;
      }
      if (retired) this.#sources = this.#sources.filter((s) => !s.done || s.queue.length > 0);
      if (candidates === 0) break;
      const forcedOnly = !allWaiting && !expired;
      if (forcedOnly && this.#held < this.#maxHeld) break;

      let best: Source | undefined, second: Source | undefined;
      for (const s of this.#sources) {
        if (s.queue.length === 0) continue;
        if (window === 0) {
          if (best === undefined || s.queue[0].seq < best.queue[0].seq) best = s;
          continue;
        }
        if (candidates > 1) headKey(s);
        if (best === undefined) {
          best = s;
        } else if (
          candidates > 1 &&
          (compareKeys(s, best) < 0 ||
            (compareKeys(s, best) === 0 && s.queue[0].seq < best.queue[0].seq))
        ) {
          second = best;
          best = s;
        } else if (second === undefined || compareKeys(s, second) < 0) {
          second = s;
        }
      }
      const head = best!.queue[0];
      const start = head.index;
      while (head.index < head.batch.length) {
        if (forcedOnly && this.#held < this.#maxHeld) break;
        if (second !== undefined && head.index > start) {
          headKey(best!);
          if (compareKeys(best!, second) > 0) break;
        }
        out.push(head.batch[head.index++]);
        this.#held--;
      }
      if (head.index === head.batch.length) best!.queue.shift();
    }
    return out;
  }

  async #shutdown(reason: unknown): Promise<void> {
    this.#ended = true;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    const sources = this.#sources;
    this.#sources = [];
    this.#held = 0;
    this.#wake();
    await Promise.all(sources.map((s) => s.reader.cancel(reason).catch(() => {})));
  }
}

/**
 * Merges a fixed set of sources; the result ends when all of them have
 * ended. See {@linkcode LogStreamMerger} for the ordering rules.
 *
 * @example History of two instances
 * ```ts
 * import { mergeLogStreams } from "./merge_log_streams.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const rec = (text: string, timestamp: string) => ({
 *   name: "fn", namespace: "ns", instance: text[0], timestamp, text,
 * });
 * const merged = mergeLogStreams([
 *   ReadableStream.from([[rec("a1", "2024-01-01T00:00:00.1Z")], [rec("a2", "2024-01-01T00:00:00.3Z")]]),
 *   ReadableStream.from([[rec("b1", "2024-01-01T00:00:00.2Z")]]),
 * ]);
 * const texts = (await Array.fromAsync(merged)).flat().map((r) => r.text);
 * assertEquals(texts, ["a1", "b1", "a2"]);
 * ```
 */
export function mergeLogStreams(
  sources: Iterable<ReadableStream<LogBatch>>,
  options: LogStreamMergerOptions = {},
): ReadableStream<LogBatch> {
  const merger = new LogStreamMerger(options);
  for (const source of sources) merger.add(source);
  merger.closeWhenDrained();
  return merger.stream;
}

/**
 * A bounded, in-memory log of one function: a ring of records with a
 * sequence number each, read by any number of followers that are positions
 * into the ring rather than queues.
 *
 * This file stamps and numbers records, chooses where a reader starts
 * (cursor, `since`, `tail`) and seeds a history from disk; the ring and its
 * time index are in `_record_ring.ts`, the followers and their wakes in
 * `_followers.ts`.
 *
 * @module
 */

import { randomId } from "../ids/random_id.ts";
import { InvalidInputError } from "../errors.ts";
import type { LogBatch, LogRecord } from "../types.ts";
import { MonotonicClock } from "../time/monotonic_clock.ts";
import { parseTimestamp } from "../time/timestamp.ts";
import { type PollSourceStream, pollSourceStream } from "../streams/poll_source.ts";
import { Followers } from "./_followers.ts";
import { RecordRing } from "./_record_ring.ts";

/** Options for {@linkcode LogHistory}. */
export interface LogHistoryOptions {
  /** The most records held (default 10,000). */
  readonly maxLines?: number;
  /**
   * The most text held, counted as the sum of `text.length` (UTF-16 code
   * units) of the records (default 16 MiB). The newest record is always kept.
   */
  readonly maxBytes?: number;
  /** The most records in one batch a reader yields (default 4096). */
  readonly maxBatch?: number;
  /**
   * Waiting readers are woken at most once per this many milliseconds
   * (default 4): a line after a quiet spell wakes them at once, lines in a
   * busy stream reach them in batches. Each wake costs every follower a pass
   * through its response, so with 1,000 followers of a 1,000 lines/s
   * function this turns a million passes a second into a quarter of that.
   */
  readonly wakeIntervalMs?: number;
  /**
   * Milliseconds since the epoch, fractional (default
   * `performance.timeOrigin + performance.now()`). Records are stamped with
   * it, bumped by 1 ns whenever it is not past the previous record's time.
   */
  readonly clock?: () => number;
  /** The cursor prefix, unique per history (default: 10 random characters). */
  readonly id?: string;
  /** Where to start: records of an earlier run read back from disk. */
  readonly seed?: HistorySeed;
  /**
   * Called at the end of every `append` with its records (the first has
   * sequence number `firstSequence`), e.g. to write them to disk. It must
   * not throw.
   */
  readonly onAppend?: (records: readonly LogRecord[], firstSequence: number) => void;
}

/** A record of an earlier run, for {@linkcode HistorySeed}. */
export interface SeedRecord {
  readonly instance: string;
  /** UTC RFC3339Nano text. */
  readonly timestamp: string;
  readonly text: string;
  /** The timestamp's whole seconds since the epoch and nanoseconds within the second. */
  readonly seconds: number;
  readonly nanos: number;
}

/** The state a history starts from, for a history that outlives the process. */
export interface HistorySeed {
  /** The sequence number of the next record; `records` end right before it. */
  readonly nextSequence: number;
  /** The newest records of earlier runs, oldest first, strictly increasing in time. */
  readonly records: readonly SeedRecord[];
  /** New records are stamped strictly after this instant (default: the last record's). */
  readonly after?: { readonly seconds: number; readonly nanos: number };
  /** Cursor prefixes of earlier runs: `ID-SEQ` resumes as this history's own when SEQ < before. */
  readonly formerIds?: readonly { readonly id: string; readonly before: number }[];
}

/** Where a reader starts, as {@linkcode LogHistory.start} chooses it. */
export interface HistoryStart {
  /** The sequence number of the first record to read. */
  readonly position: number;
  /** Whether the query's cursor was honoured (then `since` and `tail` were ignored). */
  readonly fromCursor: boolean;
}

/** What a reader wants, for {@linkcode LogHistory.start}. */
export interface HistoryQuery {
  /** RFC3339: only records at or after it. */
  readonly since?: string;
  /** Only the last N records (after `since` and the instance filter); <= 0: all. */
  readonly tail?: number;
  /** Only records of this instance. */
  readonly instance?: string;
  /** Resume exactly after this cursor when it is this history's and still held. */
  readonly cursor?: string;
}

/** Options for {@linkcode LogHistory.read}. */
export interface HistoryReadOptions {
  /** Wait for new records when caught up (otherwise close). */
  readonly follow: boolean;
  /** Only records of this instance. */
  readonly instance?: string;
  /** Aborting it errors the stream with the reason and removes the reader. */
  readonly signal?: AbortSignal;
}

/** The most records a history holds unless told (`maxLines`). */
export const DEFAULT_MAX_LINES = 10_000;
/** The most text a history holds unless told (`maxBytes`). */
export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
const DEFAULT_MAX_BATCH = 4096;
const DEFAULT_WAKE_INTERVAL_MS = 4;

/**
 * The history of one function. `append` is O(1) per record and wakes waiting
 * readers once per microtask turn, so lines published together reach a
 * reader as one batch. Readers hold only a sequence number: a reader that
 * the ring laps gets one gap record (`missed: N`) and continues from the
 * oldest record held; nothing is copied per reader, and readers in step
 * share the same batch arrays.
 *
 * @example Append, then read the last two lines
 * ```ts
 * import { LogHistory } from "./log_history.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const history = new LogHistory("hello", "openfaas-fn", { id: "run1" });
 * history.append("hello-abcde", ["one", "two", "three"]);
 * const { position } = history.start({ tail: 2 });
 * const batches = await Array.fromAsync(history.read(position, { follow: false }));
 * assertEquals(batches.flat().map((r) => r.text), ["two", "three"]);
 * assertEquals(batches[0][1].cursor, "run1-2");
 * ```
 */
export class LogHistory {
  /** The function's name, copied into every record. */
  readonly name: string;
  /** The function's namespace, copied into every record. */
  readonly namespace: string;
  /** The cursor prefix of this history. */
  readonly id: string;
  readonly #clock: MonotonicClock;
  readonly #onAppend: LogHistoryOptions["onAppend"];
  #formerIds: NonNullable<HistorySeed["formerIds"]> = [];
  readonly #ring: RecordRing;
  readonly #followers: Followers;

  constructor(name: string, namespace: string, options: LogHistoryOptions = {}) {
    this.name = name;
    this.namespace = namespace;
    this.id = options.id ?? randomId(10);
    if (this.id.includes("-")) throw new RangeError(`Cannot use id "${this.id}" with a dash`);
    const maxLines = options.maxLines ?? DEFAULT_MAX_LINES;
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
    for (const [key, v] of [["maxLines", maxLines], ["maxBatch", maxBatch]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`Cannot use ${key} ${v}`);
    }
    if (!(maxBytes >= 0)) throw new RangeError(`Cannot use maxBytes ${maxBytes}`);
    this.#clock = new MonotonicClock(options.clock);
    this.#ring = new RecordRing(maxLines, maxBytes);
    this.#followers = new Followers(this.#ring, {
      maxBatch,
      wakeIntervalMs: options.wakeIntervalMs ?? DEFAULT_WAKE_INTERVAL_MS,
      gap: (missed) => this.#gap(missed),
    });
    this.#onAppend = options.onAppend;
    if (options.seed !== undefined) this.#restore(options.seed);
  }

  /** The sequence number of the oldest record held. */
  get firstSequence(): number {
    return this.#ring.start;
  }
  /** The sequence number the next record will get. */
  get nextSequence(): number {
    return this.#ring.end;
  }
  /** How many records are held. */
  get length(): number {
    return this.#ring.end - this.#ring.start;
  }
  /** The text held, in UTF-16 code units. */
  get byteLength(): number {
    return this.#ring.bytes;
  }
  /** Readers whose streams are open. */
  get followerCount(): number {
    return this.#followers.count;
  }
  /** Whether {@linkcode LogHistory.close} was called. */
  get closed(): boolean {
    return this.#followers.closed;
  }

  /** The cursor of the record with this sequence number. */
  cursorOf(sequence: number): string {
    return this.id + "-" + sequence;
  }

  /**
   * Appends lines of one instance, stamped with the clock (strictly
   * increasing), and wakes waiting readers. Ignored after `close()`.
   */
  append(instance: string, lines: readonly string[]): void {
    if (this.#followers.closed || lines.length === 0) return;
    const clock = this.#clock;
    clock.tick();
    const first = this.#ring.end;
    const appended: LogRecord[] | undefined = this.#onAppend === undefined ? undefined : [];
    for (let i = 0; i < lines.length; i++) {
      if (i > 0) clock.step();
      const record = this.#put(instance, clock.text(), lines[i], clock.seconds, clock.nanos);
      appended?.push(record);
    }
    if (appended !== undefined) this.#onAppend!(appended, first);
    this.#followers.appended();
  }

  /** The record with this sequence number, if held. */
  at(sequence: number): LogRecord | undefined {
    return this.#ring.at(sequence);
  }

  /**
   * The records with sequence numbers in `[from, to)` that are held, as one
   * array (at most two `Array.prototype.slice` calls).
   */
  slice(from: number, to: number = this.#ring.end): LogBatch {
    return this.#ring.slice(from, to);
  }

  /**
   * Chooses where a reader starts: right after `cursor` when it is this
   * history's (or a former id's, below its limit) and the record after it is
   * still held or not yet written;
   * otherwise at the first record at or after `since`, then the last `tail`
   * of those (of `instance` when given). Throws `InvalidInputError` for a
   * `since` that is not RFC3339.
   */
  start(query: HistoryQuery): HistoryStart {
    const ring = this.#ring;
    const cursor = query.cursor;
    if (cursor !== undefined) {
      const dash = cursor.lastIndexOf("-");
      const seqText = cursor.slice(dash + 1);
      if (dash > 0 && /^\d{1,15}$/.test(seqText)) {
        const prefix = cursor.slice(0, dash), seq = Number(seqText);
        const ours = prefix === this.id ||
          this.#formerIds.some((f) => f.id === prefix && seq < f.before);
        if (ours && seq + 1 >= ring.start && seq < ring.end) {
          return { position: seq + 1, fromCursor: true };
        }
      }
    }
    let position = ring.start;
    if (query.since !== undefined) {
      const t = parseTimestamp(query.since);
      if (t === undefined) throw new InvalidInputError(`Cannot parse since "${query.since}"`);
      position = ring.lowerBound(t.seconds, t.nanos);
    }
    const tail = query.tail ?? 0;
    if (tail > 0) {
      const instance = query.instance || undefined;
      position = instance === undefined
        ? Math.max(position, ring.end - tail)
        : ring.lastOf(instance, position, tail);
    }
    return { position, fromCursor: false };
  }

  /**
   * A pull-based stream of the records from `position` on: each pull yields
   * everything ready (at most `maxBatch` records) as one batch, or waits for
   * the next append when following. A reader that the ring lapped gets one
   * gap record first. Without `follow` it closes when caught up; with it, it
   * closes after `close()` once caught up. Cancelling removes the reader.
   * The stream is a {@linkcode PollSourceStream}: the server polls it
   * without a promise per batch.
   */
  read(position: number, options: HistoryReadOptions): PollSourceStream<LogBatch> {
    return pollSourceStream(this.#followers.follow(position, options));
  }

  /**
   * Ends every reader once it has caught up (at once for readers already
   * caught up); later appends are ignored.
   */
  close(): void {
    this.#followers.close();
  }

  #gap(missed: number): LogRecord {
    this.#clock.tick();
    return {
      name: this.name,
      namespace: this.namespace,
      instance: "",
      timestamp: this.#clock.text(),
      text: `[fnlogs] ${missed} lines missed: this reader fell behind`,
      cursor: this.cursorOf(this.#ring.start - 1),
      missed,
    };
  }

  #restore(seed: HistorySeed): void {
    const { records, nextSequence } = seed;
    if (!Number.isSafeInteger(nextSequence) || nextSequence < records.length) {
      throw new RangeError(`Cannot seed ${records.length} records before ${nextSequence}`);
    }
    this.#ring.startAt(nextSequence - records.length);
    for (const r of records) this.#put(r.instance, r.timestamp, r.text, r.seconds, r.nanos);
    const after = seed.after ?? records.at(-1);
    if (after !== undefined) {
      this.#clock.seconds = after.seconds;
      this.#clock.nanos = after.nanos;
    }
    this.#formerIds = seed.formerIds ?? [];
  }

  /** Stores a record as the next sequence number (the ring drops the oldest past its limits). */
  #put(
    instance: string,
    timestamp: string,
    text: string,
    seconds: number,
    nanos: number,
  ): LogRecord {
    const record: LogRecord = {
      name: this.name,
      namespace: this.namespace,
      instance,
      timestamp,
      text,
      cursor: this.id + "-" + this.#ring.end,
    };
    this.#ring.push(record, seconds, nanos);
    return record;
  }
}

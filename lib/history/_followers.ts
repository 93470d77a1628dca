/**
 * The readers of a `LogHistory`: each follower is a position in the
 * history's `RecordRing` with a `PollSource` face, and all that wait are
 * woken together after an append (at once after a quiet spell, at most once
 * per wake interval while lines pour in), so lines published together reach
 * a reader as one batch.
 *
 * @module
 */
import { END, type PollSource } from "../streams/poll_source.ts";
import type { LogBatch, LogRecord } from "../types.ts";
import type { RecordRing } from "./_record_ring.ts";

/** The most records a follower filtering by instance scans per poll. */
const FILTER_SCAN_LIMIT = 65_536;

/** Settings of {@linkcode Followers}. */
export interface FollowersOptions {
  /** The most records in one batch. */
  readonly maxBatch: number;
  /** Waiting followers are woken at most once per this many milliseconds. */
  readonly wakeIntervalMs: number;
  /** The record a follower the ring lapped gets first, for `missed` records lost. */
  readonly gap: (missed: number) => LogRecord;
}

/** What one follower reads (`LogHistory.read`'s options). */
export interface FollowOptions {
  readonly follow: boolean;
  readonly instance?: string;
  readonly signal?: AbortSignal;
}

/** The followers of one ring, and when they are woken. */
export class Followers {
  readonly #ring: RecordRing;
  readonly #maxBatch: number;
  readonly #wakeIntervalMs: number;
  readonly #gap: (missed: number) => LogRecord;
  #lastWake = -Infinity;
  #wakeTimer: ReturnType<typeof setTimeout> | undefined;
  #waiters = new Set<() => void>();
  #closers = new Set<() => void>();
  #wakeScheduled = false;
  #count = 0;
  #closed = false;

  constructor(ring: RecordRing, options: FollowersOptions) {
    this.#ring = ring;
    this.#maxBatch = options.maxBatch;
    this.#wakeIntervalMs = options.wakeIntervalMs;
    this.#gap = options.gap;
  }

  /** Followers whose sources are open. */
  get count(): number {
    return this.#count;
  }
  /** Whether {@linkcode Followers.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Records were added to the ring: wakes the waiting followers, now or at the interval. */
  appended(): void {
    if (this.#waiters.size > 0 && !this.#wakeScheduled) {
      this.#wakeScheduled = true;
      const wait = this.#lastWake + this.#wakeIntervalMs - performance.now();
      if (wait <= 0) queueMicrotask(this.#wakeAll);
      else this.#wakeTimer = setTimeout(this.#wakeAll, wait);
    }
  }

  /** Ends every follower once it has caught up (at once for those caught up already). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#wakeAll();
    for (const onClose of [...this.#closers]) onClose();
  }

  /**
   * A follower from `position` on: each poll gives everything ready (at most
   * `maxBatch` records) as one batch, a lapped follower one gap record first;
   * without `follow` it ends when caught up, with it after `close()` once
   * caught up. Aborting `signal` makes the next poll throw its reason.
   */
  follow(position: number, options: FollowOptions): PollSource<LogBatch> {
    const ring = this.#ring;
    const maxBatch = this.#maxBatch;
    const { follow, signal } = options;
    const instance = options.instance || undefined;
    let pos = Math.min(position, ring.end);
    let done = false;
    let failure: { reason: unknown } | undefined;
    let waiter: (() => void) | undefined;
    this.#count++;
    // The one entry in the waiters: it calls whoever waits now.
    const wake = () => {
      const w = waiter;
      if (w === undefined) return;
      waiter = undefined;
      this.#waiters.delete(wake);
      w();
    };
    const finish = () => {
      if (done) return;
      done = true;
      this.#count--;
      this.#closers.delete(onClose);
      signal?.removeEventListener("abort", onAbort);
      wake();
    };
    // Followers that are caught up end at once; the others when they catch up.
    const onClose = () => {
      if (pos >= ring.end) finish();
    };
    const onAbort = () => {
      if (done) return;
      failure = { reason: signal!.reason };
      finish();
    };
    this.#closers.add(onClose);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
    return {
      poll: () => {
        for (;;) {
          if (failure !== undefined) throw failure.reason;
          if (done) return END;
          if (pos < ring.start) {
            const missed = ring.start - pos;
            pos = ring.start;
            return [this.#gap(missed)];
          }
          if (pos < ring.end) {
            const batch = instance === undefined
              ? ring.slice(pos, pos = Math.min(ring.end, pos + maxBatch))
              : ring.filtered(pos, instance, maxBatch, FILTER_SCAN_LIMIT, (next) => pos = next);
            if (batch.length > 0) return batch;
            continue;
          }
          if (!follow || this.#closed) {
            finish();
            return END;
          }
          return undefined;
        }
      },
      wait: (ready) => {
        if (done || pos < ring.end || this.#closed) {
          waiter = undefined;
          this.#waiters.delete(wake);
          return queueMicrotask(ready);
        }
        waiter = ready;
        this.#waiters.add(wake);
      },
      cancel: finish,
    };
  }

  #wakeAll = (): void => {
    this.#wakeScheduled = false;
    clearTimeout(this.#wakeTimer);
    this.#wakeTimer = undefined;
    const waiters = this.#waiters;
    if (waiters.size === 0) return;
    this.#lastWake = performance.now();
    this.#waiters = new Set();
    for (const wake of waiters) wake();
  };
}

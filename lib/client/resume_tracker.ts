/**
 * Exact resume for a log stream that gets cut and asked again: what to ask
 * for, and which of the re-sent records to drop.
 *
 * @module
 */
import type { ResumeMode } from "../gateway/open_log_stream.ts";
import { normalizeTimestamp } from "../time/timestamp.ts";
import type { LogBatch, LogRecord } from "../types.ts";

/** Options for {@linkcode ResumeTracker}. */
export interface ResumeTrackerOptions {
  /**
   * Instances whose last record arrived longer ago than this (ms) do not
   * hold the resume point back (default 60,000). See
   * {@linkcode ResumeTracker.resumePoint}.
   */
  readonly windowMs?: number;
  /** A clock in milliseconds (default `performance.now`). */
  readonly now?: () => number;
  /** The wall clock in epoch milliseconds (default `Date.now`), for {@linkcode InstancePosition.heardAt}. */
  readonly wallNow?: () => number;
  /**
   * Start from this position (from {@linkcode ResumeTracker.exportState},
   * maybe of an earlier process): {@linkcode ResumeTracker.resumePoint} then
   * answers at once, and the overlap filter drops what it covers. Throws
   * `TypeError` for a timestamp that does not parse or a count below 1.
   */
  readonly state?: ResumeTrackerState;
}

/** One instance's part of a {@linkcode ResumeTrackerState}. */
export interface InstancePosition {
  /** The instance's name (pod, container, process). */
  readonly instance: string;
  /** The last timestamp delivered, as the server wrote it. */
  readonly timestamp: string;
  /** How many records at exactly that timestamp were delivered (at least 1). */
  readonly count: number;
  /** When the instance's last record arrived, in epoch milliseconds (for the window). */
  readonly heardAt: number;
}

/** A {@linkcode ResumeTracker}'s position as plain data, to keep and resume from later. */
export interface ResumeTrackerState {
  /** The last cursor delivered, if the server sends cursors. */
  readonly cursor?: string;
  /** Per instance, where its delivered records end. */
  readonly instances: readonly InstancePosition[];
}

/** Where to ask again from. */
export interface ResumePoint {
  /** RFC3339 with full nanosecond precision, UTC: send as `since`, drop `tail`. */
  readonly since?: string;
  /** The last cursor delivered: send as `Last-Event-ID`. */
  readonly cursor?: string;
}

export type { ResumeMode };

/** An instant as the 19 characters of its UTC date and time plus nanoseconds. */
interface Instant {
  readonly base: string;
  readonly nanos: number;
}

interface InstanceState {
  text: string;
  base: string;
  nanos: number;
  count: number;
  seenAt: number;
}

interface SkipState {
  readonly base: string;
  readonly nanos: number;
  count: number;
}

const UTC = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/;

/** The common case, canonical UTC (`2024-01-02T03:04:05.123456789Z`), without a regex. */
function fastInstant(text: string): Instant | undefined {
  const n = text.length;
  if (
    n < 20 || n > 30 || text.charCodeAt(n - 1) !== 90 || text.charCodeAt(10) !== 84 ||
    text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(13) !== 58 ||
    text.charCodeAt(16) !== 58
  ) {
    return undefined;
  }
  if (n === 20) return { base: text.slice(0, 19), nanos: 0 };
  if (text.charCodeAt(19) !== 46 || n === 21) return undefined;
  let nanos = 0;
  for (let i = 20; i < n - 1; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    nanos = nanos * 10 + d;
  }
  for (let i = n - 1; i < 29; i++) nanos *= 10;
  return { base: text.slice(0, 19), nanos };
}

function instantOf(text: string): Instant | undefined {
  const fast = fastInstant(text);
  if (fast !== undefined) return fast;
  let m = UTC.exec(text);
  if (m === null) {
    const normal = normalizeTimestamp(text);
    if (normal === undefined) return undefined;
    m = UTC.exec(normal);
    if (m === null) return undefined;
  }
  return { base: m[1], nanos: m[2] === undefined ? 0 : Number(m[2].padEnd(9, "0")) };
}

function compare(a: Instant, b: Instant): number {
  return a.base < b.base ? -1 : a.base > b.base ? 1 : a.nanos - b.nanos;
}

function format(instant: Instant): string {
  if (instant.nanos === 0) return instant.base + "Z";
  return instant.base + "." + String(instant.nanos).padStart(9, "0").replace(/0+$/, "") + "Z";
}

/**
 * Remembers, per instance, the last timestamp delivered and how many records
 * at exactly that timestamp were delivered, plus the last cursor.
 *
 * After a cut, {@linkcode ResumeTracker.resumePoint} says what to ask for;
 * {@linkcode ResumeTracker.beginResume} arms the overlap filter according
 * to how the server answered; {@linkcode ResumeTracker.filter} then drops,
 * per instance, the re-sent records older than the remembered timestamp
 * and the first N at the equal timestamp, and delivers everything after the
 * first record that is new. An instance's records must arrive in timestamp
 * order, as every OpenFaaS provider sends them. Records whose timestamp does
 * not parse, and gap notices, are delivered and not tracked.
 *
 * @example Two lines share a timestamp; the server re-sends from it
 * ```ts
 * import { ResumeTracker } from "./resume_tracker.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const line = (text: string, timestamp: string) => ({ name: "f", namespace: "", instance: "f-1", timestamp, text });
 * const tracker = new ResumeTracker();
 * tracker.filter([line("a", "2024-01-01T00:00:01Z"), line("b", "2024-01-01T00:00:02Z"), line("c", "2024-01-01T00:00:02Z")]);
 * assertEquals(tracker.resumePoint(), { since: "2024-01-01T00:00:02Z" });
 * tracker.beginResume("since");
 * const again = tracker.filter([line("b", "2024-01-01T00:00:02Z"), line("c", "2024-01-01T00:00:02Z"), line("d", "2024-01-01T00:00:02Z")]);
 * assertEquals(again.map((r) => r.text), ["d"]);
 * ```
 */
export class ResumeTracker {
  readonly #window: number;
  readonly #now: () => number;
  readonly #states = new Map<string, InstanceState>();
  #skips = new Map<string, SkipState>();
  #cursor: string | undefined;
  #delivered = 0;
  #dropped = 0;

  readonly #wallNow: () => number;

  constructor(options: ResumeTrackerOptions = {}) {
    this.#window = options.windowMs ?? 60_000;
    this.#now = options.now ?? (() => performance.now());
    this.#wallNow = options.wallNow ?? Date.now;
    if (options.state !== undefined) this.#import(options.state);
  }

  /**
   * The position as plain data (JSON-safe): the last cursor, and per
   * instance the last timestamp delivered, how many records at exactly that
   * timestamp, and when it was last heard from. A tracker made with
   * `{ state }` resumes from it exactly.
   */
  exportState(): ResumeTrackerState {
    const now = this.#now(), wall = this.#wallNow();
    const instances: InstancePosition[] = [];
    for (const [instance, s] of this.#states) {
      instances.push({
        instance,
        timestamp: s.text,
        count: s.count,
        heardAt: Math.round(wall - (now - s.seenAt)),
      });
    }
    return this.#cursor === undefined ? { instances } : { cursor: this.#cursor, instances };
  }

  #import(state: ResumeTrackerState): void {
    const now = this.#now(), wall = this.#wallNow();
    this.#cursor = state.cursor;
    for (const p of state.instances) {
      const instant = instantOf(p.timestamp);
      if (instant === undefined) {
        throw new TypeError(`Cannot resume from timestamp "${p.timestamp}"`);
      }
      if (!Number.isSafeInteger(p.count) || p.count < 1) {
        throw new TypeError(`Cannot resume from a count of ${p.count} records`);
      }
      this.#states.set(p.instance, {
        text: p.timestamp,
        base: instant.base,
        nanos: instant.nanos,
        count: p.count,
        seenAt: now - Math.max(0, wall - p.heardAt),
      });
    }
  }

  /** Records delivered so far. */
  get delivered(): number {
    return this.#delivered;
  }

  /** Re-sent records dropped so far. */
  get dropped(): number {
    return this.#dropped;
  }

  /** The last cursor delivered, if the server sends cursors. */
  get cursor(): string | undefined {
    return this.#cursor;
  }

  /**
   * What to ask for after a cut: `undefined` before anything was delivered
   * (ask as the first time). Otherwise `since` is the earliest "last
   * timestamp" among the instances whose last record arrived within the
   * window (default 60 s), so that a record still in flight from a slower
   * instance is asked for again; when no instance was heard from within the
   * window, the latest timestamp delivered. An instance quiet for longer
   * than the window cannot hold the resume point back by hours: a record it
   * wrote before that point but that reached the server more than the
   * window later would be missed.
   */
  resumePoint(): ResumePoint | undefined {
    if (this.#states.size === 0) {
      return this.#cursor === undefined ? undefined : { cursor: this.#cursor };
    }
    const horizon = this.#now() - this.#window;
    let earliestRecent: InstanceState | undefined;
    let latest: InstanceState | undefined;
    for (const state of this.#states.values()) {
      if (latest === undefined || compare(state, latest) > 0) latest = state;
      if (
        state.seenAt >= horizon &&
        (earliestRecent === undefined || compare(state, earliestRecent) < 0)
      ) {
        earliestRecent = state;
      }
    }
    const since = format(earliestRecent ?? latest as InstanceState);
    return this.#cursor === undefined ? { since } : { since, cursor: this.#cursor };
  }

  /**
   * Arms the overlap filter for a new connection: with `cursor` the server
   * resumed exactly and nothing is dropped; otherwise every tracked instance
   * drops what it already delivered.
   */
  beginResume(mode: ResumeMode): void {
    this.#skips = new Map();
    if (mode === "cursor") return;
    for (const [instance, state] of this.#states) {
      this.#skips.set(instance, { base: state.base, nanos: state.nanos, count: state.count });
    }
  }

  /** Drops the overlap from a batch and remembers what it delivers. */
  filter(batch: LogBatch): LogBatch {
    const now = this.#now();
    const skips = this.#skips;
    let out: LogRecord[] | undefined;
    for (let i = 0; i < batch.length; i++) {
      const record = batch[i];
      if (skips.size > 0 && this.#skip(record, skips)) {
        this.#dropped++;
        out ??= batch.slice(0, i);
        continue;
      }
      if (out !== undefined) out.push(record);
      if (record.missed !== undefined) continue;
      if (record.cursor !== undefined) this.#cursor = record.cursor;
      this.#track(record, now);
    }
    const delivered = out ?? batch;
    this.#delivered += delivered.length;
    return delivered;
  }

  #skip(record: LogRecord, skips: Map<string, SkipState>): boolean {
    if (record.missed !== undefined) return false;
    const skip = skips.get(record.instance);
    if (skip === undefined) return false;
    const instant = instantOf(record.timestamp);
    if (instant === undefined) return false;
    const order = compare(instant, skip);
    if (order < 0) return true;
    if (order === 0 && skip.count > 0) {
      skip.count--;
      return true;
    }
    skips.delete(record.instance);
    return false;
  }

  #track(record: LogRecord, now: number): void {
    const state = this.#states.get(record.instance);
    if (state !== undefined && state.text === record.timestamp) {
      state.count++;
      state.seenAt = now;
      return;
    }
    const instant = instantOf(record.timestamp);
    if (instant === undefined) return;
    if (state === undefined) {
      this.#states.set(record.instance, {
        text: record.timestamp,
        base: instant.base,
        nanos: instant.nanos,
        count: 1,
        seenAt: now,
      });
      return;
    }
    state.seenAt = now;
    const order = compare(instant, state);
    if (order > 0) {
      state.text = record.timestamp;
      state.base = instant.base;
      state.nanos = instant.nanos;
      state.count = 1;
    } else if (order === 0) {
      state.count++;
    }
  }
}

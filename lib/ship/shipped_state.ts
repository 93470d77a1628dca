/**
 * What a shipper knows it has shipped of one function: per instance, the
 * last line's timestamp and its occurrence among that instance's lines of
 * the same timestamp, plus the source provider's last cursor. It names each
 * line (the occurrence in its message id), says where to resume, and drops
 * what a resumed read gives again. Pure: no broker, no provider.
 *
 * @module
 */
import type { LogRecord } from "../types.ts";
import { compareTimestamps } from "../time/timestamp.ts";

/** The last line shipped of one instance. */
export interface InstanceMark {
  readonly timestamp: string;
  /** 0 for the instance's first line with that timestamp, 1 for the second, ... */
  readonly occurrence: number;
}

/** Where to resume a function's read. */
export interface ResumeQuery {
  /** The source provider's cursor of the last line shipped (exact when honoured). */
  readonly cursor?: string;
  /** The earliest last-shipped timestamp over the instances: a read from there misses nothing. */
  readonly since?: string;
}

/**
 * The shipped state of one function.
 *
 * Each line read is passed to {@linkcode ShippedState.next}, which returns
 * its occurrence, or `undefined` when it was shipped already. After a read
 * that resumed exactly (the provider honoured the cursor), call
 * {@linkcode ShippedState.resumedExactly} first: the occurrences then go on
 * from the marks. After a read from `since`, lines come again from the
 * start of their timestamps, and those up to each instance's mark are
 * dropped.
 *
 * @example A read from `since` drops what was shipped
 * ```ts
 * import { ShippedState } from "./shipped_state.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const line = (instance: string, timestamp: string) => ({
 *   name: "fn", namespace: "ns", instance, timestamp, text: "",
 * });
 * const state = new ShippedState(new Map([["a", { timestamp: "2024-01-01T00:00:02Z", occurrence: 0 }]]));
 * assertEquals(state.resumeQuery(), { since: "2024-01-01T00:00:02Z" });
 * assertEquals(state.next(line("a", "2024-01-01T00:00:02Z")), undefined); // shipped
 * assertEquals(state.next(line("a", "2024-01-01T00:00:02Z")), 1); // the second line of that instant
 * assertEquals(state.next(line("a", "2024-01-01T00:00:03Z")), 0);
 * ```
 */
export class ShippedState {
  readonly #marks: Map<string, InstanceMark>;
  /** While reading: per instance, the timestamp being counted and the next occurrence. */
  #counting = new Map<string, { timestamp: string; next: number; past: boolean }>();
  #cursor?: string;

  constructor(marks: Map<string, InstanceMark> = new Map(), cursor?: string) {
    this.#marks = marks;
    this.#cursor = cursor;
  }

  /** The marks, per instance (read-only view). */
  get marks(): ReadonlyMap<string, InstanceMark> {
    return this.#marks;
  }

  /** Where a new read should start. */
  resumeQuery(): ResumeQuery {
    let since: string | undefined;
    for (const mark of this.#marks.values()) {
      if (since === undefined || compareTimestamps(mark.timestamp, since) < 0) {
        since = mark.timestamp;
      }
    }
    return {
      ...(this.#cursor === undefined ? {} : { cursor: this.#cursor }),
      ...(since === undefined ? {} : { since }),
    };
  }

  /** Starts a read that goes on exactly after the last line shipped. */
  resumedExactly(): void {
    this.#counting = new Map(
      [...this.#marks].map(([instance, mark]) => [
        instance,
        { timestamp: mark.timestamp, next: mark.occurrence + 1, past: true },
      ]),
    );
  }

  /** Starts a read from `since` (lines come again; shipped ones are dropped). */
  resumedFromSince(): void {
    this.#counting = new Map();
  }

  /**
   * The occurrence of the next line read, or `undefined` when it was shipped
   * already. A line that is returned an occurrence counts as shipped.
   */
  next(record: LogRecord): number | undefined {
    const { instance, timestamp } = record;
    let count = this.#counting.get(instance);
    if (count === undefined) {
      count = { timestamp, next: 0, past: false };
      this.#counting.set(instance, count);
    } else if (count.timestamp !== timestamp) {
      count.timestamp = timestamp;
      count.next = 0;
    }
    const occurrence = count.next++;
    if (!count.past) {
      // Until this read passes the instance's mark, lines may be ones shipped already.
      const mark = this.#marks.get(instance);
      if (mark !== undefined) {
        const order = compareTimestamps(timestamp, mark.timestamp);
        if (order < 0 || (order === 0 && occurrence <= mark.occurrence)) return undefined;
      }
      count.past = true;
    }
    this.#marks.set(instance, { timestamp, occurrence });
    if (record.cursor !== undefined) this.#cursor = record.cursor;
    return occurrence;
  }
}

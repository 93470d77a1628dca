/**
 * `--rate-limit`: at most N lines per second per function, every line at
 * warn and above kept, and what was dropped said.
 *
 * @module
 */
import type { SetTimer } from "../async/abortable_sleep.ts";
import { levelRank } from "../parse/log_level.ts";
import { parseLogLine } from "../parse/parse_log_line.ts";
import type { LogBatch, LogRecord } from "../types.ts";
import { DroppedLines } from "./stands_for.ts";
import { filterBatch } from "./log_filter.ts";
import { KeyedTimers } from "./_timers.ts";

/** Options for {@linkcode RateLimitStream}. */
export interface RateLimitOptions {
  /** Lines per second per function (a burst of one second's worth is allowed). */
  readonly perSecond: number;
  /** Told how many lines of a function were dropped: at most once per `reportMs`, and at the end. */
  readonly onDropped: (name: string, count: number) => void;
  /** Default 1000 ms. */
  readonly reportMs?: number;
  /** A clock in ms (default `performance.now`). */
  readonly now?: () => number;
  /** Injectable for tests. */
  readonly setTimer?: SetTimer;
}

interface Bucket {
  tokens: number;
  at: number;
  dropped: number;
}

const WARN = levelRank("warn");

/**
 * A `TransformStream` of batches that keeps at most `perSecond` lines per
 * second of each function (a token bucket holding one second's worth), and
 * every line whose level is warn or above whatever the rate (they take a
 * token when one is left). Lines over the rate are dropped and counted;
 * `onDropped` hears the count within `reportMs`, and at the end or when
 * the reader cancels. Gap notices
 * and progress records pass at once.
 *
 * @example
 * ```ts
 * import { RateLimitStream } from "./rate_limit_stream.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const line = (text: string) => ({ name: "f", namespace: "", instance: "f-1", timestamp: "", text });
 * const dropped: number[] = [];
 * const stream = new RateLimitStream({ perSecond: 2, now: () => 0, onDropped: (_, n) => dropped.push(n) });
 * const out = await Array.fromAsync(ReadableStream.from([["a", "b", "c", "ERROR d", "e"].map(line)]).pipeThrough(stream));
 * assertEquals([out.flat().map((r) => r.text), dropped], [["a", "b", "ERROR d"], [2]]);
 * ```
 */
export class RateLimitStream extends TransformStream<LogBatch, LogBatch> {
  /** Caps each function at `options.perSecond`; throws a `RangeError` for a rate that is not positive. */
  constructor(options: RateLimitOptions) {
    const rate = options.perSecond;
    if (!(rate > 0)) throw new RangeError(`Cannot limit to ${rate} lines per second`);
    const now = options.now ?? (() => performance.now());
    const reportMs = options.reportMs ?? 1000;
    const timers = new KeyedTimers(options.setTimer);
    const buckets = new Map<string, Bucket>();
    const dropped = new DroppedLines();
    const report = (name: string, bucket: Bucket) => {
      if (bucket.dropped > 0) options.onDropped(name, bucket.dropped);
      bucket.dropped = 0;
    };
    const reportAll = () => {
      timers.close();
      for (const [name, bucket] of buckets) report(name, bucket);
    };
    super({
      transform: (batch, controller) => {
        const t = now();
        /** Whether `record` fits the rate (a warning or worse always does). */
        const fits = (record: LogRecord): boolean => {
          if (record.missed !== undefined || record.progress) return true;
          let bucket = buckets.get(record.name);
          if (bucket === undefined) {
            bucket = { tokens: rate, at: t, dropped: 0 };
            buckets.set(record.name, bucket);
          }
          bucket.tokens = Math.min(rate, bucket.tokens + ((t - bucket.at) / 1000) * rate);
          bucket.at = t;
          if (bucket.tokens >= 1) {
            bucket.tokens -= 1;
            return true;
          }
          const level = parseLogLine(record.text).level;
          if (level !== undefined && levelRank(level) >= WARN) return true;
          if (bucket.dropped++ === 0) {
            const name = record.name, held = bucket;
            timers.arm(name, reportMs, () => {
              report(name, held);
              return [];
            });
          }
          return false;
        };
        // A kept line stands for those dropped just before it (resume positions count them).
        const kept = filterBatch(batch, fits, dropped);
        if (kept.length > 0) controller.enqueue(kept);
      },
      flush: () => reportAll(),
      cancel: () => reportAll(),
    });
  }
}

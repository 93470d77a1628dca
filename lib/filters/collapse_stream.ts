/**
 * `--collapse`: a run of repeated lines from one instance folded into one
 * line with `(xN)`.
 *
 * @module
 */
import type { SetTimer } from "../async/abortable_sleep.ts";
import type { LogBatch, LogRecord } from "../types.ts";
import { holdingTransformer, instanceKey, KeyedTimers } from "./_timers.ts";
import { DroppedLines } from "./stands_for.ts";

/** Options for {@linkcode CollapseStream}. */
export interface CollapseOptions {
  /**
   * `masked` (default): lines count as repeats when they differ only in
   * numbers, hexadecimal ids and UUIDs; `exact`: only identical lines.
   */
  readonly mode?: "masked" | "exact";
  /** How often a run still going on reports its repeats (default 1000 ms). */
  readonly reportMs?: number;
  /** Injectable for tests. */
  readonly setTimer?: SetTimer;
}

const VARIABLE =
  /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\b(?=[a-f]*\d)[0-9a-f]{8,}\b|\d+(?:\.\d+)?/gi;

/**
 * A line with its variable parts masked: UUIDs, hexadecimal ids of eight or
 * more digits (with at least one decimal digit), and numbers become `#`.
 *
 * @example
 * ```ts
 * import { maskVariables } from "./collapse_stream.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(
 *   maskVariables("req 3f2a9c1e7b took 12.5 ms (id 123e4567-e89b-12d3-a456-426614174000)"),
 *   "req # took # ms (id #)",
 * );
 * ```
 */
export function maskVariables(text: string): string {
  return text.replace(VARIABLE, "#");
}

interface Run {
  readonly key: string;
  /** The repeats since the line last printed. */
  repeats: number;
  last: LogRecord;
}

function summary(run: Run, folded: DroppedLines): LogRecord {
  // It stands for the repeats folded into it too (resume positions count them).
  const last = folded.claim(run.last);
  if (run.repeats === 1) return last;
  return { ...last, text: `${run.last.text} (x${run.repeats})` };
}

/**
 * A `TransformStream` of batches that folds consecutive repeats of a line
 * from one instance. The first line of a run goes out at once; its repeats
 * are counted, not sent, and go out as one line, the last repeat with
 * ` (xN)` appended (N: the repeats it stands for), when a different line
 * of that instance arrives, every `reportMs` while the run goes on, and at
 * the end. A single repeat goes out as it is. Gap notices and progress
 * records pass at once.
 *
 * @example
 * ```ts
 * import { CollapseStream } from "./collapse_stream.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const line = (text: string) => ({ name: "f", namespace: "", instance: "f-1", timestamp: "", text });
 * const batch = ["retry 1", "retry 2", "retry 3", "retry 4", "ok"].map(line);
 * const out = await Array.fromAsync(ReadableStream.from([batch]).pipeThrough(new CollapseStream()));
 * assertEquals(out.flat().map((r) => r.text), ["retry 1", "retry 4 (x3)", "ok"]);
 * ```
 */
export class CollapseStream extends TransformStream<LogBatch, LogBatch> {
  /** Folds repeats as `options` says (default: numbers and ids masked, a report every second). */
  constructor(options: CollapseOptions = {}) {
    const mask = options.mode === "exact" ? (text: string) => text : maskVariables;
    const reportMs = options.reportMs ?? 1000;
    const timers = new KeyedTimers(options.setTimer);
    const runs = new Map<string, Run & { masked: string }>();
    const folded = new DroppedLines();
    const report = (run: Run, out: LogRecord[]) => {
      if (run.repeats > 0) out.push(summary(run, folded));
      run.repeats = 0;
      timers.clear(run.key);
    };
    super(holdingTransformer(timers, (record, out) => {
      const key = instanceKey(record);
      const masked = mask(record.text);
      const run = runs.get(key);
      if (run !== undefined && run.masked === masked) {
        if (run.repeats > 0) folded.drop(run.last);
        run.last = record;
        if (run.repeats++ === 0) {
          timers.arm(key, reportMs, () => {
            const released: LogRecord[] = [];
            report(run, released);
            return released;
          });
        }
        return;
      }
      if (run !== undefined) report(run, out);
      runs.set(key, { key, masked, repeats: 0, last: record });
      out.push(record);
    }, (out) => {
      for (const run of runs.values()) report(run, out);
    }));
  }
}

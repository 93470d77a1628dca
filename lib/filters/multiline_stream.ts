/**
 * `--multiline`: a stack trace as one record, for filters, templates and
 * the page alike.
 *
 * @module
 */
import type { SetTimer } from "../async/abortable_sleep.ts";
import type { LogBatch, LogRecord } from "../types.ts";
import { continuation, isBlank, startMode, type TraceMode } from "./continuation.ts";
import { holdingTransformer, instanceKey, KeyedTimers } from "./_timers.ts";
import { standsFor } from "./stands_for.ts";

/** Options for {@linkcode MultilineStream}. */
export interface MultilineOptions {
  /** A held record goes out after this long without a continuation line (default 100 ms). */
  readonly idleMs?: number;
  /**
   * A continuation line must be stamped at most this long after the line
   * before it (default 1000 ms), so a history never joins lines written
   * far apart.
   */
  readonly gapMs?: number;
  /** The most lines one record joins (default 500). */
  readonly maxLines?: number;
  /** The most characters one record holds (default 262,144). */
  readonly maxChars?: number;
  /** Injectable for tests. */
  readonly setTimer?: SetTimer;
}

interface Held {
  readonly head: LogRecord;
  readonly parts: string[];
  chars: number;
  mode: TraceMode;
  last: LogRecord;
  /** Blank lines inside a Python or Go dump, kept until the next line says whether they belong. */
  blanks: LogRecord[];
  /** The lines joined so far, as they came (what the joined record stands for). */
  readonly lines: LogRecord[];
}

function stampMs(record: LogRecord): number {
  return Date.parse(record.timestamp);
}

function joined(held: Held): LogRecord {
  if (held.parts.length === 1) return held.head;
  const { cursor: _, ...head } = held.head;
  const record: LogRecord = {
    ...head,
    text: held.parts.join("\n"),
    stands: held.lines.flatMap((line) => standsFor(line)),
  };
  return held.last.cursor === undefined ? record : { ...record, cursor: held.last.cursor };
}

/**
 * A `TransformStream` of batches that joins continuation lines (see
 * `continuation`) to the record before them from the same instance. The
 * joined record keeps the first line's fields and timestamp, its text is
 * the lines joined with `\n`, its cursor is the last line's, and it
 * stands for every line it joined (`LogRecord.stands`, for resume
 * positions). Each
 * record is held until the next line of its instance shows whether it
 * continues, or `idleMs` passes; records of different instances may
 * therefore come out in a slightly different order than they went in (each
 * instance's own order is kept). Blank lines inside a Python traceback or a
 * Go panic are kept when the dump goes on after them. Gap notices and
 * progress records pass at once. At the end, everything held goes out.
 *
 * @example A Java stack trace
 * ```ts
 * import { MultilineStream } from "./multiline_stream.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const line = (text: string) => ({ name: "f", namespace: "", instance: "f-1", timestamp: "2024-01-01T00:00:00Z", text });
 * const batches = [[line("ERROR boom"), line("java.lang.IllegalStateException: x"), line("\tat a.B.c(B.java:1)"), line("INFO next")]];
 * const out = await Array.fromAsync(ReadableStream.from(batches).pipeThrough(new MultilineStream()));
 * assertEquals(out.flat().map((r) => r.text), ["ERROR boom\njava.lang.IllegalStateException: x\n\tat a.B.c(B.java:1)", "INFO next"]);
 * ```
 */
export class MultilineStream extends TransformStream<LogBatch, LogBatch> {
  /** Joins continuation lines within the bounds `options` sets (defaults 100 ms, 1 s, 500 lines). */
  constructor(options: MultilineOptions = {}) {
    const idleMs = options.idleMs ?? 100;
    const gapMs = options.gapMs ?? 1000;
    const maxLines = options.maxLines ?? 500;
    const maxChars = options.maxChars ?? 262_144;
    const timers = new KeyedTimers(options.setTimer);
    const held = new Map<string, Held>();

    const release = (key: string, out: LogRecord[]) => {
      const entry = held.get(key);
      if (entry === undefined) return;
      held.delete(key);
      timers.clear(key);
      out.push(joined(entry), ...entry.blanks);
    };
    const hold = (key: string, record: LogRecord) => {
      held.set(key, {
        head: record,
        parts: [record.text],
        chars: record.text.length,
        mode: startMode(record.text),
        last: record,
        blanks: [],
        lines: [record],
      });
      arm(key);
    };
    const arm = (key: string) =>
      timers.arm(key, idleMs, () => {
        const out: LogRecord[] = [];
        release(key, out);
        return out;
      });
    const joins = (entry: Held, record: LogRecord): TraceMode | undefined => {
      const mode = continuation(record.text, entry.mode);
      if (mode === undefined) return undefined;
      if (entry.parts.length + entry.blanks.length >= maxLines) return undefined;
      if (entry.chars + record.text.length > maxChars) return undefined;
      const gap = stampMs(record) - stampMs(entry.last);
      return Number.isNaN(gap) || (gap >= 0 && gap <= gapMs) ? mode : undefined;
    };

    super(holdingTransformer(timers, (record, out) => {
      const key = instanceKey(record);
      const entry = held.get(key);
      const blank = isBlank(record.text);
      if (entry !== undefined) {
        if (blank && entry.mode !== "none" && entry.blanks.length < 4) {
          entry.blanks.push(record);
          return;
        }
        const mode = blank ? undefined : joins(entry, record);
        if (mode !== undefined) {
          for (const b of entry.blanks) entry.parts.push(b.text);
          entry.lines.push(...entry.blanks, record);
          entry.parts.push(record.text);
          entry.chars += record.text.length;
          entry.blanks = [];
          entry.mode = mode;
          entry.last = record;
          arm(key);
          return;
        }
        release(key, out);
      }
      if (blank) out.push(record);
      else hold(key, record);
    }, (out) => {
      for (const key of [...held.keys()]) release(key, out);
    }));
  }
}

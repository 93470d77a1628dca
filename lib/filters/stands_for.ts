/**
 * What a record a client-side stage kept stands for: the lines it folded in
 * (a stack trace joined, repeats collapsed) and the lines dropped just
 * before it (a filter, a rate limit). A resume position moves past all of
 * them, so a later run neither repeats nor skips a line; see
 * `LogRecord.stands`.
 *
 * @module
 */
import type { LogRecord } from "../types.ts";
import { instanceKey } from "./_timers.ts";

/** The records `record` stands for, in order: itself when nothing was folded into it. */
export function standsFor(record: LogRecord): readonly LogRecord[] {
  return record.stands ?? [record];
}

/** `records` with what each stands for spread out, in order. */
export function spreadStands(records: readonly LogRecord[]): readonly LogRecord[] {
  let any = false;
  for (let i = 0; i < records.length && !any; i++) any = records[i].stands !== undefined;
  return any ? records.flatMap((r) => standsFor(r)) : records;
}

/** The most instances whose dropped lines wait for a kept one. */
const MAX_WAITING = 10_000;

/**
 * Lines a stage dropped, waiting (per instance) for the next line it keeps,
 * which then stands for them too. Only the dropped lines stamped like that
 * kept line are kept: a resume position is an instance's last timestamp and
 * how many lines it had, so earlier ones do not move it (and memory stays
 * bounded by the lines of one timestamp).
 *
 * @example
 * ```ts
 * import { DroppedLines } from "./stands_for.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const line = (text: string) => ({ name: "f", namespace: "", instance: "f-1", timestamp: "2024-01-01T00:00:00Z", text });
 * const dropped = new DroppedLines();
 * dropped.drop(line("debug x"));
 * const kept = dropped.claim(line("error y"));
 * assertEquals(kept.stands?.map((r) => r.text), ["debug x", "error y"]);
 * ```
 */
export class DroppedLines {
  readonly #waiting = new Map<string, { timestamp: string; records: LogRecord[] }>();

  /** Remembers `record` as dropped. */
  drop(record: LogRecord): void {
    const key = instanceKey(record);
    const waiting = this.#waiting.get(key);
    if (waiting !== undefined && waiting.timestamp === record.timestamp) {
      waiting.records.push(...standsFor(record));
      return;
    }
    if (waiting === undefined && this.#waiting.size >= MAX_WAITING) this.#waiting.clear();
    this.#waiting.set(key, { timestamp: record.timestamp, records: [...standsFor(record)] });
  }

  /** `record`, kept, standing also for the dropped lines of its instance and timestamp. */
  claim(record: LogRecord): LogRecord {
    if (this.#waiting.size === 0) return record;
    const key = instanceKey(record);
    const waiting = this.#waiting.get(key);
    if (waiting === undefined) return record;
    this.#waiting.delete(key);
    if (waiting.timestamp !== record.timestamp) return record;
    return { ...record, stands: [...waiting.records, ...standsFor(record)] };
  }
}

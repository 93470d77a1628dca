/**
 * The line filters a follower can ask for (a minimum level, `--where`
 * conditions, `--grep` and `--exclude`) as one predicate, the same on the
 * client and on the server.
 *
 * @module
 */
import { levelRank, type LogLevel } from "../parse/log_level.ts";
import { parseLogLine } from "../parse/parse_log_line.ts";
import type { LogBatch, LogRecord } from "../types.ts";
import type { DroppedLines } from "./stands_for.ts";
import type { WhereClause } from "./where_clause.ts";

/** What a line must satisfy to be kept. Every part that is given must hold. */
export interface LogFilter {
  /** Only lines of this level and above; lines without a known level are dropped. */
  readonly level?: LogLevel;
  /** Conditions on the line's fields; all must hold. */
  readonly where?: readonly WhereClause[];
  /** The text must match at least one of these. */
  readonly grep?: readonly RegExp[];
  /** The text must match none of these. */
  readonly exclude?: readonly RegExp[];
}

/** Whether a filter asks for anything at all. */
export function isEmptyFilter(filter: LogFilter | undefined): boolean {
  return filter === undefined ||
    (filter.level === undefined && !filter.where?.length && !filter.grep?.length &&
      !filter.exclude?.length);
}

/**
 * One predicate for `filter`, or `undefined` when it asks for nothing. The
 * text tests run first (they need no parsing); the line is parsed (see
 * `parseLogLine`) only for a level or `where` condition. Gap notices
 * (records with `missed`) always pass: they say what was lost, and are not
 * log lines.
 *
 * @example
 * ```ts
 * import { compileLogFilter } from "./log_filter.ts";
 * import { parseWhereClause } from "./where_clause.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const keep = compileLogFilter({ level: "warn", where: [parseWhereClause("user=ann")] })!;
 * const record = (text: string) => ({ name: "f", namespace: "", instance: "f-1", timestamp: "", text });
 * assertEquals(keep(record('{"level":"error","user":"ann"}')), true);
 * assertEquals(keep(record('{"level":"info","user":"ann"}')), false);
 * assertEquals(keep(record("ERROR plain lines have no user")), false);
 * ```
 */
export function compileLogFilter(
  filter: LogFilter | undefined,
): ((record: LogRecord) => boolean) | undefined {
  if (filter === undefined || isEmptyFilter(filter)) return undefined;
  const grep = filter.grep ?? [];
  const exclude = filter.exclude ?? [];
  const where = filter.where ?? [];
  const minRank = filter.level === undefined ? -1 : levelRank(filter.level);
  const parse = minRank >= 0 || where.length > 0;
  return (record) => {
    if (record.missed !== undefined) return true;
    const text = record.text;
    for (let i = 0; i < exclude.length; i++) if (exclude[i].test(text)) return false;
    if (grep.length > 0) {
      let any = false;
      for (let i = 0; i < grep.length && !any; i++) any = grep[i].test(text);
      if (!any) return false;
    }
    if (!parse) return true;
    const line = parseLogLine(text);
    if (minRank >= 0 && (line.level === undefined || levelRank(line.level) < minRank)) {
      return false;
    }
    for (let i = 0; i < where.length; i++) if (!where[i].test(line)) return false;
    return true;
  };
}

/**
 * The records of `batch` that `keep` keeps: the batch itself when it keeps
 * them all (so shared batches stay shared), else a new array, possibly
 * empty. With `dropped`, what is dropped waits there and a kept record
 * stands for the dropped lines before it (see {@linkcode DroppedLines}), so
 * that a resume position counts them.
 */
export function filterBatch(
  batch: LogBatch,
  keep: (record: LogRecord) => boolean,
  dropped?: DroppedLines,
): LogBatch {
  let out: LogRecord[] | undefined;
  for (let i = 0; i < batch.length; i++) {
    const record = batch[i];
    if (keep(record)) {
      const kept = dropped === undefined ? record : dropped.claim(record);
      if (out !== undefined) out.push(kept);
      else if (kept !== record) (out = batch.slice(0, i)).push(kept);
    } else {
      dropped?.drop(record);
      out ??= batch.slice(0, i);
    }
  }
  return out ?? batch;
}

/**
 * The filter options of `followLogs()` (plain strings and regular
 * expressions, as a script writes them) made ready once: the predicate to
 * apply locally and the query pairs to push to the server.
 *
 * @module
 */
import type { LogLevel } from "../parse/log_level.ts";
import type { LogRecord } from "../types.ts";
import { compileLogFilter, isEmptyFilter, type LogFilter } from "./log_filter.ts";
import { filterQueryPairs } from "./filter_params.ts";
import { parseWhereClause } from "./where_clause.ts";

/** The filter options as `followLogs()` takes them. */
export interface FollowFilterOptions {
  readonly level?: LogLevel;
  readonly where?: readonly string[];
  readonly grep?: readonly (RegExp | string)[];
  readonly exclude?: readonly (RegExp | string)[];
}

/** A compiled follow filter. */
export interface FollowFilter {
  readonly filter: LogFilter | undefined;
  /** The predicate to apply locally, `undefined` when nothing is asked. */
  readonly keep: ((record: LogRecord) => boolean) | undefined;
  /** The query pairs that ask the server for the same (empty when nothing is asked). */
  readonly params: readonly (readonly [string, string])[];
}

const toRegExp = (value: RegExp | string) => typeof value === "string" ? new RegExp(value) : value;

/**
 * Compiles the options once. Throws `InvalidInputError` for a `where`
 * condition that does not parse and `SyntaxError` for a regular expression
 * string that does not.
 *
 * @example
 * ```ts
 * import { compileFollowFilter } from "./follow_filter.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const { params, keep } = compileFollowFilter({ level: "error", grep: ["db"] });
 * assertEquals(params, [["level", "error"], ["grep", "db"]]);
 * const record = { name: "f", namespace: "", instance: "", timestamp: "", text: "ERROR db down" };
 * assertEquals(keep?.(record), true);
 * ```
 */
export function compileFollowFilter(options: FollowFilterOptions): FollowFilter {
  const filter: LogFilter = {
    level: options.level,
    where: options.where?.map(parseWhereClause),
    grep: options.grep?.map(toRegExp),
    exclude: options.exclude?.map(toRegExp),
  };
  if (isEmptyFilter(filter)) return { filter: undefined, keep: undefined, params: [] };
  return { filter, keep: compileLogFilter(filter), params: filterQueryPairs(filter) };
}

/**
 * A {@linkcode LogFilter} as query parameters of fnlogs' event-stream
 * extension (`level`, `where`, `grep`, `exclude`), both ways, so the client
 * that writes them and the server that reads them cannot drift apart.
 *
 * @module
 */
import { InvalidInputError } from "../errors.ts";
import { regexRisk } from "./regex_risk.ts";
import { levelFromName, LOG_LEVELS } from "../parse/log_level.ts";
import type { LogFilter } from "./log_filter.ts";
import { parseWhereClause, type WhereClause } from "./where_clause.ts";

/** The query keys that carry a filter. */
export const FILTER_PARAMS: readonly string[] = Object.freeze([
  "level",
  "where",
  "grep",
  "exclude",
]);

/** Limits on what a request may ask the server to run. */
export interface FilterParamLimits {
  /** The most `where`, `grep` and `exclude` values together (default 32). */
  readonly maxConditions?: number;
  /** The longest value of one, in characters (default 512). */
  readonly maxLength?: number;
}

/**
 * The query pairs that ask for `filter`: `level=NAME`, then one `where`,
 * `grep` and `exclude` pair per condition, in that order. Regular
 * expressions travel as their source (flags are not sent; fnlogs' own make
 * none).
 *
 * @example
 * ```ts
 * import { filterQueryPairs } from "./filter_params.ts";
 * import { parseWhereClause } from "./where_clause.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(
 *   filterQueryPairs({ level: "warn", where: [parseWhereClause("status>=500")], grep: [/timeout/] }),
 *   [["level", "warn"], ["where", "status>=500"], ["grep", "timeout"]],
 * );
 * ```
 */
export function filterQueryPairs(filter: LogFilter | undefined): [string, string][] {
  const pairs: [string, string][] = [];
  if (filter === undefined) return pairs;
  if (filter.level !== undefined) pairs.push(["level", filter.level]);
  for (const clause of filter.where ?? []) {
    pairs.push(["where", clause.key + clause.operator + clause.value]);
  }
  for (const re of filter.grep ?? []) pairs.push(["grep", re.source]);
  for (const re of filter.exclude ?? []) pairs.push(["exclude", re.source]);
  return pairs;
}

function regex(key: string, source: string): RegExp {
  // Applied to every line on the server's one thread: no pattern that can take exponential time.
  const risk = regexRisk(source);
  if (risk !== undefined) throw new InvalidInputError(`${key} is refused: ${risk}`);
  try {
    return new RegExp(source);
  } catch (error) {
    throw new InvalidInputError(
      `${key} is not a valid regular expression: ${(error as Error).message}`,
    );
  }
}

/**
 * Reads the filter a request asks for, or `undefined` when it asks for none.
 * `level` counts with its last value (as every OpenFaaS key does) and takes
 * any level name fnlogs knows (`warning`, `err`, ...); an empty value is no
 * filter. `where`, `grep` and `exclude` repeat, and all of their values
 * count. Throws {@linkcode InvalidInputError} with a message for people:
 * an unknown level, a condition or regular expression that does not parse,
 * more conditions or longer values than the limits allow.
 *
 * @example
 * ```ts
 * import { parseFilterParams } from "./filter_params.ts";
 * import { assertEquals, assertThrows } from "@std/assert";
 *
 * const filter = parseFilterParams(new URLSearchParams("name=f&level=WARNING&grep=db"));
 * assertEquals([filter?.level, filter?.grep?.[0].source], ["warn", "db"]);
 * assertEquals(parseFilterParams(new URLSearchParams("name=f")), undefined);
 * assertThrows(() => parseFilterParams(new URLSearchParams("level=loud")));
 * ```
 */
export function parseFilterParams(
  params: URLSearchParams,
  limits: FilterParamLimits = {},
): LogFilter | undefined {
  const levels = params.getAll("level");
  const levelText = levels.length === 0 ? "" : levels[levels.length - 1];
  const whereTexts = params.getAll("where");
  const grepTexts = params.getAll("grep");
  const excludeTexts = params.getAll("exclude");
  if (
    levelText === "" && whereTexts.length === 0 && grepTexts.length === 0 &&
    excludeTexts.length === 0
  ) {
    return undefined;
  }
  const maxConditions = limits.maxConditions ?? 32;
  const maxLength = limits.maxLength ?? 512;
  const count = whereTexts.length + grepTexts.length + excludeTexts.length;
  if (count > maxConditions) {
    throw new InvalidInputError(
      `too many filter conditions (${count}): this server takes at most ${maxConditions}`,
    );
  }
  for (
    const [key, values] of [["where", whereTexts], ["grep", grepTexts], [
      "exclude",
      excludeTexts,
    ]] as const
  ) {
    for (const value of values) {
      if (value.length > maxLength) {
        throw new InvalidInputError(
          `${key} is ${value.length} characters long: this server takes at most ${maxLength}`,
        );
      }
    }
  }
  let level;
  if (levelText !== "") {
    level = levelFromName(levelText);
    if (level === undefined) {
      throw new InvalidInputError(
        `level must be one of ${LOG_LEVELS.join(", ")}, got ${
          JSON.stringify(levelText.slice(0, 64))
        }`,
      );
    }
  }
  const where: WhereClause[] = whereTexts.map(parseWhereClause);
  return {
    ...(level === undefined ? {} : { level }),
    ...(where.length === 0 ? {} : { where }),
    ...(grepTexts.length === 0 ? {} : { grep: grepTexts.map((s) => regex("grep", s)) }),
    ...(excludeTexts.length === 0 ? {} : { exclude: excludeTexts.map((s) => regex("exclude", s)) }),
  };
}

/**
 * `--where` conditions on a line's fields: `KEY=VALUE`, `KEY!=VALUE`,
 * `KEY~REGEX`, `KEY!~REGEX`, `KEY>N`, `KEY>=N`, `KEY<N`, `KEY<=N`.
 *
 * @module
 */
import { InvalidInputError } from "../errors.ts";
import { regexRisk } from "./regex_risk.ts";
import type { ParsedLine } from "../parse/parse_log_line.ts";

/** A comparison of {@linkcode WhereClause}. */
export type WhereOperator = "=" | "!=" | "~" | "!~" | ">" | ">=" | "<" | "<=";

/** One parsed condition. */
export interface WhereClause {
  /** The dotted path into the fields (`http.status`). */
  readonly key: string;
  /** How the field is compared with `value`. */
  readonly operator: WhereOperator;
  /** The value as written (a string, a regex source or a number). */
  readonly value: string;
  /** Whether a parsed line satisfies it. */
  test(line: ParsedLine): boolean;
}

/** A field value as text: strings as they are, numbers, booleans and null as JSON writes them, objects as JSON. */
export function fieldText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || value === null) {
    return String(value);
  }
  return JSON.stringify(value);
}

function fieldNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const n = Number(value);
  return Number.isNaN(n) ? undefined : n;
}

const OPERATOR = /!=|!~|>=|<=|[=~<>]/;

/**
 * Parses one condition. The key runs up to the first operator character
 * (`=`, `!`, `~`, `<`, `>`); `>`, `>=`, `<`, `<=` take a number, `~` and
 * `!~` a JavaScript regular expression. Throws
 * {@linkcode InvalidInputError} naming what is wrong.
 *
 * What holds: `=` when the field exists and its text (see
 * {@linkcode fieldText}) equals the value; `!=` when it does not (a missing
 * field counts as different); `~` when the field exists and its text
 * matches; `!~` when it does not (missing counts as not matching); the
 * number comparisons when the field is a number, or a string that reads as
 * one, and compares so. A plain line has no fields.
 *
 * @example
 * ```ts
 * import { parseWhereClause } from "./where_clause.ts";
 * import { parseLogLine } from "../parse/parse_log_line.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const line = parseLogLine('{"http":{"status":503},"user":"ann"}');
 * assertEquals(parseWhereClause("http.status>=500").test(line), true);
 * assertEquals(parseWhereClause("user!=ann").test(line), false);
 * assertEquals(parseWhereClause("user~^a").test(line), true);
 * ```
 */
export function parseWhereClause(text: string): WhereClause {
  const match = OPERATOR.exec(text);
  const bangAt = text.indexOf("!");
  if (match === null || (bangAt >= 0 && bangAt < match.index)) {
    throw new InvalidInputError(
      `Cannot parse where condition ${JSON.stringify(text)}: expected KEY=VALUE, KEY!=VALUE, ` +
        `KEY~REGEX, KEY!~REGEX, KEY>N, KEY>=N, KEY<N or KEY<=N`,
    );
  }
  const key = text.slice(0, match.index);
  const operator = match[0] as WhereOperator;
  const value = text.slice(match.index + operator.length);
  if (key === "") {
    throw new InvalidInputError(`Cannot parse where condition ${JSON.stringify(text)}: no key`);
  }
  switch (operator) {
    case "=":
    case "!=": {
      const negate = operator === "!=";
      return {
        key,
        operator,
        value,
        test: (line) => (fieldText(line.field(key)) === value) !== negate,
      };
    }
    case "~":
    case "!~": {
      let pattern: RegExp;
      const risk = regexRisk(value);
      if (risk !== undefined) {
        throw new InvalidInputError(`Cannot use where condition ${JSON.stringify(text)}: ${risk}`);
      }
      try {
        pattern = new RegExp(value);
      } catch (error) {
        throw new InvalidInputError(
          `Cannot parse where condition ${JSON.stringify(text)}: ${(error as Error).message}`,
        );
      }
      const negate = operator === "!~";
      return {
        key,
        operator,
        value,
        test: (line) => {
          const field = fieldText(line.field(key));
          return (field !== undefined && pattern.test(field)) !== negate;
        },
      };
    }
    default: {
      const bound = value.trim() === "" ? NaN : Number(value);
      if (!Number.isFinite(bound)) {
        throw new InvalidInputError(
          `Cannot parse where condition ${JSON.stringify(text)}: ${operator} needs a number`,
        );
      }
      const compare = operator === ">"
        ? (n: number) => n > bound
        : operator === ">="
        ? (n: number) => n >= bound
        : operator === "<"
        ? (n: number) => n < bound
        : (n: number) => n <= bound;
      return {
        key,
        operator,
        value,
        test: (line) => {
          const n = fieldNumber(line.field(key));
          return n !== undefined && compare(n);
        },
      };
    }
  }
}

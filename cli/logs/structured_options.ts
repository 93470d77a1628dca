/**
 * `fnlogs logs`' structured-log flags (`--level`, `--where`, `--highlight`,
 * `--template`, `--parsed`, `--multiline`, `--collapse`, `--rate-limit`),
 * narrowed from `parseArgs`' values by pure functions.
 *
 * @module
 */
import { UsageError } from "../../lib/errors.ts";
import { parseWhereClause, type WhereClause } from "../../lib/filters/where_clause.ts";
import { parseGoBool } from "../../lib/go/parse_go_bool.ts";
import { levelFromName, LOG_LEVELS, type LogLevel } from "../../lib/parse/log_level.ts";
import { compileTemplate, type Template } from "../../lib/render/template/compile_template.ts";
import { TemplateSyntaxError } from "../../lib/render/template/template_syntax_error.ts";

/** The structured-log part of `LogsOptions`. */
export interface StructuredOptions {
  /** `--level`: only lines of this level and above. */
  readonly level?: LogLevel;
  /** `--where`: conditions on JSON/logfmt fields, all of which must hold. */
  readonly where: readonly WhereClause[];
  /** `--highlight`: colour what these match (with the `g` flag), filter nothing. */
  readonly highlight: readonly RegExp[];
  /** `--template`: a Go-style template for each line, compiled. */
  readonly template?: Template;
  /** `--parsed`: `-o json` lines gain `level` and `fields`. */
  readonly parsed: boolean;
  /** `--multiline`: join continuation lines (stack traces) to the line before them. */
  readonly multiline: boolean;
  /** `--collapse[=masked|exact]`: fold runs of repeated lines of one instance. */
  readonly collapse?: "masked" | "exact";
  /** `--rate-limit N[/s|/m|/h]`: lines per second per function, warn and above always kept. */
  readonly rateLimit?: number;
}

/** Compiles `--template`; a mistake is shown with a caret under its column. */
function parseTemplate(source: string): Template {
  try {
    return compileTemplate(source);
  } catch (error) {
    if (!(error instanceof TemplateSyntaxError)) throw error;
    const line = source.split("\n")[error.line - 1];
    throw new UsageError(
      `invalid argument for "--template": ${error.message}\n  ${line}\n  ${
        " ".repeat(error.column - 1)
      }^`,
    );
  }
}

/** `--collapse` takes a mode or a Go bool: true is `masked`, false is off. */
function parseCollapse(value: string): "masked" | "exact" | undefined {
  if (value === "masked" || value === "exact") return value;
  const on = parseGoBool(value);
  if (on === undefined) {
    throw new UsageError(
      `invalid argument "${value}" for "--collapse": expected masked, exact, true or false`,
    );
  }
  return on ? "masked" : undefined;
}

const RATE = /^(\d+(?:\.\d+)?)(?:\/(s|sec|second|m|min|minute|h|hour))?$/;
const PER_SECOND: Readonly<Record<string, number>> = {
  s: 1,
  sec: 1,
  second: 1,
  m: 60,
  min: 60,
  minute: 60,
  h: 3600,
  hour: 3600,
};

/** `--rate-limit N`, `N/s`, `N/m`, `N/h`: lines per second. */
function parseRate(value: string): number {
  const match = RATE.exec(value.trim());
  const rate = match === null ? NaN : Number(match[1]) / PER_SECOND[match[2] ?? "s"];
  if (!(rate > 0) || !Number.isFinite(rate)) {
    throw new UsageError(
      `invalid argument "${value}" for "--rate-limit": expected a positive rate such as 100/s or 600/m`,
    );
  }
  return rate;
}

function regex(flag: string, value: string, flags = ""): RegExp {
  try {
    return new RegExp(value, flags);
  } catch (error) {
    throw new UsageError(
      `invalid argument "${value}" for "--${flag}": ${(error as Error).message}`,
    );
  }
}

/**
 * Narrows the structured-log flags, or throws `UsageError`: an unknown
 * level, a condition, regular expression, rate or mode that does not parse,
 * a template mistake (with a caret under its column), `--template` with
 * `--output`, `--parsed` without JSON output.
 */
export function parseStructuredFlags(
  str: (key: string) => string | undefined,
  list: (key: string) => string[],
  bool: (key: string, fallback: boolean) => boolean,
  output: "plain" | "keyvalue" | "json",
): StructuredOptions {
  const levelFlag = str("level");
  const level = levelFlag === undefined ? undefined : levelFromName(levelFlag);
  if (levelFlag !== undefined && level === undefined) {
    throw new UsageError(
      `invalid argument "${levelFlag}" for "--level": expected ${LOG_LEVELS.join(", ")}`,
    );
  }
  const where = list("where").map((value) => {
    try {
      return parseWhereClause(value);
    } catch (error) {
      throw new UsageError(
        `invalid argument "${value}" for "--where": ${(error as Error).message}`,
      );
    }
  });
  const templateFlag = str("template");
  const template = templateFlag === undefined ? undefined : parseTemplate(templateFlag);
  if (template !== undefined && output !== "plain") {
    throw new UsageError("Give --template or --output, not both");
  }
  const parsedFlag = bool("parsed", false);
  if (parsedFlag && output !== "json") {
    throw new UsageError("--parsed needs JSON output (-o json or --json)");
  }
  const collapseFlag = str("collapse");
  const collapse = collapseFlag === undefined ? undefined : parseCollapse(collapseFlag);

  const rateFlag = str("rate-limit");
  return {
    level,
    where,
    highlight: list("highlight").map((value) => regex("highlight", value, "g")),
    template,
    parsed: parsedFlag,
    multiline: bool("multiline", false),
    collapse,
    rateLimit: rateFlag === undefined ? undefined : parseRate(rateFlag),
  };
}

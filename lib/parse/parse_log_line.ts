/**
 * What a log line says: its format (JSON, logfmt or plain text), its level,
 * and, on demand, its fields.
 *
 * @module
 */
import { getFieldPath } from "./field_path.ts";
import { levelFromName, levelOfValue as levelOf, type LogLevel } from "./log_level.ts";
import { logfmtValue, parseLogfmt, scanLogfmt } from "./logfmt.ts";
import { levelOfPlainText } from "./plain_level.ts";

/** How a line is written. */
export type LogFormat = "json" | "logfmt" | "plain";

/** A parsed line. logfmt fields are built on first use and kept. */
export interface ParsedLine {
  /** `json` when the text is one JSON object, `logfmt` when it is `key=value` pairs, else `plain`. */
  readonly format: LogFormat;
  /** The normalised level, or `undefined` when the line states none that fnlogs knows. */
  readonly level: LogLevel | undefined;
  /**
   * The fields: the JSON object as `JSON.parse` gives it, or the logfmt
   * pairs as strings (a null-prototype object, built on first read);
   * `undefined` for plain text.
   */
  readonly fields: Readonly<Record<string, unknown>> | undefined;
  /** JSON's or logfmt's `msg` or `message` field when it is a string. */
  readonly message: string | undefined;
  /** The value at a dotted path in the fields (see `getFieldPath`), or `undefined`. */
  field(path: string): unknown;
}

const LOGFMT_LEVEL_KEYS = ["level", "lvl", "severity"];

class Line implements ParsedLine {
  readonly format: LogFormat;
  readonly level: LogLevel | undefined;
  readonly #text: string;
  #fields: Readonly<Record<string, unknown>> | undefined | null;

  constructor(
    text: string,
    format: LogFormat,
    level: LogLevel | undefined,
    fields: Readonly<Record<string, unknown>> | undefined | null = null,
  ) {
    this.#text = text;
    this.format = format;
    this.level = level;
    this.#fields = fields;
  }

  get fields(): Readonly<Record<string, unknown>> | undefined {
    if (this.#fields === null) {
      this.#fields = this.format === "logfmt" ? parseLogfmt(this.#text) : undefined;
    }
    return this.#fields as Readonly<Record<string, unknown>> | undefined;
  }

  get message(): string | undefined {
    const fields = this.fields;
    if (fields === undefined) return undefined;
    const msg = Object.hasOwn(fields, "msg") ? fields.msg : fields.message;
    return typeof msg === "string" ? msg : undefined;
  }

  field(path: string): unknown {
    return getFieldPath(this.fields, path);
  }
}

/** The level of a JSON object, by the keys in order of precedence. */
function jsonLevel(object: Record<string, unknown>): LogLevel | undefined {
  if (Object.hasOwn(object, "level")) {
    const level = levelOf(object.level);
    if (level !== undefined) return level;
  }
  if (Object.hasOwn(object, "lvl")) {
    const level = levelOf(object.lvl);
    if (level !== undefined) return level;
  }
  if (Object.hasOwn(object, "severity")) {
    const level = levelOf(object.severity);
    if (level !== undefined) return level;
  }
  if (Object.hasOwn(object, "log.level")) {
    const level = levelOf(object["log.level"]);
    if (level !== undefined) return level;
  }
  const log = Object.hasOwn(object, "log") ? object.log : undefined;
  if (typeof log === "object" && log !== null && Object.hasOwn(log, "level")) {
    return levelOf((log as Record<string, unknown>).level);
  }
  return undefined;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : undefined;
}

function logfmtLevel(text: string): LogLevel | undefined | null {
  const found: (string | undefined)[] = [undefined, undefined, undefined];
  const ok = scanLogfmt(text, (keyStart, keyEnd, valueStart, valueEnd) => {
    const length = keyEnd - keyStart;
    if (length !== 5 && length !== 3 && length !== 8) return;
    const k = LOGFMT_LEVEL_KEYS.indexOf(text.slice(keyStart, keyEnd));
    if (k >= 0) found[k] = logfmtValue(text, valueStart, valueEnd);
  });
  if (!ok) return null;
  for (const value of found) {
    const level = value === undefined ? undefined : levelFromName(value);
    if (level !== undefined) return level;
  }
  return undefined;
}

/**
 * Parses one log line, cheaply: a line that starts with `{` goes through
 * `JSON.parse` (measured faster than a validating scanner written in
 * TypeScript, and it gives the fields too); a line with a `=` is scanned as
 * logfmt, its fields built only when read; only a plain line's start is
 * looked at.
 *
 * The level comes from, in this order of precedence: a JSON object's
 * `level`, `lvl`, `severity`, `"log.level"` or nested `log.level` key (a
 * name in any case, or a syslog 0-7 or pino/bunyan 10-69 number); a logfmt
 * line's `level`, `lvl` or `severity`; a plain line's leading level word,
 * tag or klog header (see `levelOfPlainText`). A JSON or logfmt line without
 * a level key has no level, whatever its text says. Never throws: any string
 * (deep nesting, huge numbers, lone surrogates, megabytes) gets an answer.
 *
 * @example Three formats
 * ```ts
 * import { parseLogLine } from "./parse_log_line.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const json = parseLogLine('{"level":50,"msg":"db down","db":{"host":"pg-1"}}');
 * assertEquals([json.format, json.level, json.message, json.field("db.host")], ["json", "error", "db down", "pg-1"]);
 * const logfmt = parseLogLine('level=warn msg="slow query" ms=1200');
 * assertEquals([logfmt.format, logfmt.level, logfmt.fields?.ms], ["logfmt", "warn", "1200"]);
 * const plain = parseLogLine("ERROR: connection refused");
 * assertEquals([plain.format, plain.level, plain.fields], ["plain", "error", undefined]);
 * ```
 */
export function parseLogLine(text: string): ParsedLine {
  let i = 0;
  let c = text.charCodeAt(0);
  while (c === 32 || c === 9 || c === 10 || c === 13) c = text.charCodeAt(++i);
  if (c === 123) {
    const object = parseJsonObject(text);
    if (object !== undefined) return new Line(text, "json", jsonLevel(object), object);
  } else if (text.includes("=")) {
    const level = logfmtLevel(text);
    if (level !== null) return new Line(text, "logfmt", level);
  }
  return new Line(text, "plain", levelOfPlainText(text));
}

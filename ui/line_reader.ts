/**
 * What the page reads from a line's text: its level, in the page's four
 * kinds, and the object of a JSON line. The reading itself is the shared
 * parser's (`parseLogLine` of `lib/parse/`), passed in by `main.ts`: the page
 * has no level detector of its own.
 *
 * @module
 */
import type { Level } from "./view_state.ts";

/** What the page needs of a line. */
export interface LineInfo {
  readonly level?: Level;
  /** The object of a line that is one JSON object. */
  readonly json?: Readonly<Record<string, unknown>>;
}

/** Reads a line's text. */
export type LineReader = (text: string) => LineInfo;

/** What the page uses of `parseLogLine`'s answer (see `lib/parse/parse_log_line.ts`). */
export interface ParsedLineLike {
  readonly format: string;
  readonly level: string | undefined;
  readonly fields: Readonly<Record<string, unknown>> | undefined;
}

/** The shared parser's six levels onto the page's four (trace shows as debug, fatal as error). */
const LEVEL_OF: Readonly<Record<string, Level>> = {
  trace: "debug",
  debug: "debug",
  info: "info",
  warn: "warn",
  error: "error",
  fatal: "error",
};

/**
 * The page's reader over the shared parser.
 *
 * @example
 * ```ts ignore
 * import { parseLogLine } from "../lib/parse/mod.ts";
 * const read = lineReader(parseLogLine);
 * read('{"level":"fatal","msg":"x"}'); // { level: "error", json: { level: "fatal", msg: "x" } }
 * ```
 */
export function lineReader(
  parse: (text: string) => ParsedLineLike,
): LineReader {
  return (text) => {
    const parsed = parse(text);
    const level = parsed.level === undefined ? undefined : LEVEL_OF[parsed.level];
    const json = parsed.format === "json" ? parsed.fields : undefined;
    return {
      ...(level === undefined ? {} : { level }),
      ...(json === undefined ? {} : { json }),
    };
  };
}

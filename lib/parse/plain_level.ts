/**
 * The level of a plain-text line, from what it starts with and nowhere
 * else: a level word or tag, perhaps after a timestamp, or a klog header.
 *
 * @module
 */
import { levelFromName, type LogLevel, MAX_LEVEL_NAME_LENGTH } from "./log_level.ts";

/** A leading timestamp and the blanks after it: ISO 8601 / RFC 3339, `2006/01/02 15:04:05`, `15:04:05.000`. */
const TIMESTAMP =
  /(?:\d{4}[-/]\d\d[-/]\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?)?(?:Z|[+-]\d\d:?\d\d)?|\d\d:\d\d:\d\d(?:[.,]\d+)?)[ \t]+/y;
/** klog / glog: `E1204 12:34:56.789012   12345 file.go:123] message`. */
const KLOG = /[IWEF]\d{4} \d\d:\d\d:\d\d/y;
const KLOG_LEVELS: Readonly<Record<string, LogLevel>> = {
  I: "info",
  W: "warn",
  E: "error",
  F: "fatal",
};
/** SGR escape sequences (`\x1b[31m`) that coloured output puts around a level. */
// deno-lint-ignore no-control-regex
const SGR = /(?:\x1b\[[0-9;]*m)+/y;

function skipSgr(text: string, i: number): number {
  if (text.charCodeAt(i) !== 27) return i;
  SGR.lastIndex = i;
  return SGR.test(text) ? SGR.lastIndex : i;
}

function skipBlanks(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) return i;
    i++;
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function skipTimestamp(text: string, i: number): number {
  if (!isDigit(text.charCodeAt(i))) return i;
  TIMESTAMP.lastIndex = i;
  return TIMESTAMP.test(text) ? TIMESTAMP.lastIndex : i;
}

const UPPER = 1, LOWER = 2, CAPITALISED = 3;

/**
 * The level a plain line states at its start, or `undefined`. Accepted,
 * after optional blanks, colour codes and one leading timestamp:
 *
 * - an upper-case level word followed by the end, a blank, `:`, `[` or `|`
 *   (`ERROR something`, `WARNING: x`, Python's `ERROR:root:x`, logrus'
 *   `INFO[0000] x`);
 * - a lower-case or capitalised level word followed by `:` (`error: x`,
 *   `Warning: x`, Go's `panic: x`);
 * - a level word in any of those cases inside `[...]` or `<...>` (`[error]`,
 *   `[WARN ]`, `<info>`, and `[2024-01-01T00:00:00Z ERROR target]` with an
 *   upper-case word followed by a blank);
 * - a klog/glog header (`E1204 12:34:56.789012 ...`: I, W, E, F).
 *
 * Words in the middle of a line never count, nor do words that merely
 * start with a level (`Errors`, `Information technology`), nor capitalised
 * prose (`Error handling improved`).
 *
 * @example
 * ```ts
 * import { levelOfPlainText } from "./plain_level.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(levelOfPlainText("2024-01-01 12:00:00,123 ERROR boom"), "error");
 * assertEquals(levelOfPlainText("[warn] disk almost full"), "warn");
 * assertEquals(levelOfPlainText("E1204 12:34:56.789012   1 main.go:12] failed"), "error");
 * assertEquals(levelOfPlainText("the ERROR is in the middle"), undefined);
 * ```
 */
export function levelOfPlainText(text: string): LogLevel | undefined {
  let i = skipSgr(text, skipBlanks(text, 0));
  const first = text.charCodeAt(i);
  if (first === 73 || first === 87 || first === 69 || first === 70) {
    KLOG.lastIndex = i;
    if (KLOG.test(text)) return KLOG_LEVELS[text[i]];
  }
  i = skipSgr(text, skipTimestamp(text, i));
  let close = 0;
  const open = text.charCodeAt(i);
  let stamped = false;
  if (open === 91 || open === 60) {
    close = open === 91 ? 93 : 62;
    i = skipBlanks(text, i + 1);
    const after = skipTimestamp(text, i);
    stamped = after !== i;
    i = skipSgr(text, after);
  }
  const start = i;
  let shape = 0;
  while (i - start <= MAX_LEVEL_NAME_LENGTH) {
    const c = text.charCodeAt(i);
    const upper = c >= 65 && c <= 90;
    if (!upper && !(c >= 97 && c <= 122)) break;
    if (i === start) shape = upper ? UPPER : LOWER;
    else if (upper && shape !== UPPER) return undefined;
    else if (!upper && shape === UPPER) {
      if (i - start === 1) shape = CAPITALISED;
      else return undefined;
    }
    i++;
  }
  const length = i - start;
  if (length < 3 || length > MAX_LEVEL_NAME_LENGTH) return undefined;
  const level = levelFromName(text.slice(start, i));
  if (level === undefined) return undefined;
  i = skipSgr(text, i);
  const next = text.charCodeAt(i);
  if (close !== 0) {
    if (text.charCodeAt(skipBlanks(text, i)) === close) return level;
    return shape === UPPER && stamped && (next === 32 || next === 9) ? level : undefined;
  }
  if (shape === UPPER) {
    return i === text.length || next === 32 || next === 9 || next === 58 || next === 91 ||
        next === 124
      ? level
      : undefined;
  }
  return next === 58 ? level : undefined;
}

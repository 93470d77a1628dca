/**
 * Terminal styles for structured lines: a colour per level, and highlighted
 * matches, written so that they nest (a highlight inside a level colour).
 *
 * @module
 */
import type { LogLevel } from "../parse/log_level.ts";

/**
 * SGR parameters of each level's colour, as a level word is shown
 * (`levelColor` in templates): trace grey, debug cyan, info green, warn
 * yellow, error red, fatal bold red.
 */
export const LEVEL_COLORS: Readonly<Record<LogLevel, string>> = Object.freeze({
  trace: "90",
  debug: "36",
  info: "32",
  warn: "33",
  error: "31",
  fatal: "1;31",
});

/** How a whole line of each level is coloured: info stays as it is, trace and debug are grey. */
const LINE_COLORS: Readonly<Record<LogLevel, string | undefined>> = Object.freeze({
  trace: "90",
  debug: "90",
  info: undefined,
  warn: "33",
  error: "31",
  fatal: "1;31",
});

/** The code that ends what `sgr` started: the foreground (and bold) only, so outer styles survive. */
function reset(sgr: string): string {
  return sgr.startsWith("1;") ? "\x1b[22;39m" : "\x1b[39m";
}

/** `text` in an SGR colour (`"31"`, `"1;31"`), ended without touching other styles. */
export function sgrWrap(text: string, sgr: string): string {
  return `\x1b[${sgr}m${text}${reset(sgr)}`;
}

const HIGHLIGHT_ON = "\x1b[7m", HIGHLIGHT_OFF = "\x1b[27m";

/**
 * `text` with every match of `patterns` (which must have the `g` flag)
 * shown in reverse video. Matches of several patterns that overlap or touch
 * merge into one; empty matches are skipped. The matching runs on the text
 * as given, so a pattern never matches inside an escape code.
 */
export function highlightMatches(text: string, patterns: readonly RegExp[]): string {
  if (patterns.length === 0) return text;
  const ranges: [number, number][] = [];
  for (const pattern of patterns) {
    pattern.lastIndex = 0;
    for (const match of text.matchAll(pattern)) {
      if (match[0].length > 0) ranges.push([match.index, match.index + match[0].length]);
    }
  }
  if (ranges.length === 0) return text;
  ranges.sort((a, b) => a[0] - b[0]);
  let out = "";
  let at = 0;
  let i = 0;
  while (i < ranges.length) {
    const start = ranges[i][0];
    let end = ranges[i][1];
    while (++i < ranges.length && ranges[i][0] <= end) end = Math.max(end, ranges[i][1]);
    out += text.slice(at, start) + HIGHLIGHT_ON + text.slice(start, end) + HIGHLIGHT_OFF;
    at = end;
  }
  return out + text.slice(at);
}

/**
 * A line's text styled for a terminal: its matches of `highlight`
 * highlighted, and the whole coloured by `level` (warn yellow, error red,
 * fatal bold red, debug and trace grey, info and unknown unchanged).
 *
 * @example
 * ```ts
 * import { styleText } from "./style_text.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(styleText("ERROR db down", "error", [/db/g]), "\x1b[31mERROR \x1b[7mdb\x1b[27m down\x1b[39m");
 * assertEquals(styleText("hello", "info", []), "hello");
 * ```
 */
export function styleText(
  text: string,
  level: LogLevel | undefined,
  highlight: readonly RegExp[],
): string {
  const marked = highlightMatches(text, highlight);
  const sgr = level === undefined ? undefined : LINE_COLORS[level];
  return sgr === undefined ? marked : sgrWrap(marked, sgr);
}

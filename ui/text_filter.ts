/**
 * The search and exclude boxes: plain text (any case) or `/regex/flags`,
 * compiled once, with the match ranges used for highlighting.
 *
 * @module
 */

/** A compiled search. */
export interface TextFilter {
  /** What the reader typed. */
  readonly source: string;
  /** Whether `text` matches. */
  test(text: string): boolean;
  /** The `[start, end)` ranges of the matches in `text`, at most `limit` of them. */
  ranges(text: string, limit?: number): [number, number][];
}

/** The outcome of compiling a box: nothing to filter, a filter, or why the input is wrong. */
export type CompiledFilter =
  | { readonly kind: "none" }
  | { readonly kind: "filter"; readonly filter: TextFilter }
  | { readonly kind: "error"; readonly message: string };

import { regexRisk } from "../lib/filters/regex_risk.ts";

const REGEX = /^\/(.+)\/([a-z]*)$/s;
const ALLOWED_FLAGS = /^[imsuv]*$/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/**
 * Compiles what the reader typed: `/.../flags` is a regular expression
 * (flags `i`, `m`, `s`, `u`, `v`; other letters make it text, as a path
 * `/api/users` is), anything else plain text matched in any case. A
 * pattern that can take exponential time (nested repeats) is refused. An
 * empty box filters nothing.
 *
 * @example
 * ```ts ignore
 * const compiled = compileFilter("/err(or)?/i");
 * compiled.kind === "filter" && compiled.filter.ranges("An ERROR here"); // [[3, 8]]
 * ```
 */
export function compileFilter(input: string): CompiledFilter {
  if (input === "") return { kind: "none" };
  const match = REGEX.exec(input);
  let source: string, flags: string;
  // `/api/users` is a path, not the regex `api` with flags "users": text.
  if (match !== null && ALLOWED_FLAGS.test(match[2])) {
    [, source, flags] = match;
    // Matched on the page's only thread, against every line held.
    const risk = regexRisk(source);
    if (risk !== undefined) return { kind: "error", message: risk };
  } else {
    source = escapeRegExp(input);
    flags = "i";
  }
  let test: RegExp, all: RegExp;
  try {
    test = new RegExp(source, flags);
    all = new RegExp(source, flags + "g");
  } catch (error) {
    return {
      kind: "error",
      message: error instanceof Error ? error.message : String(error),
    };
  }
  return {
    kind: "filter",
    filter: {
      source: input,
      test: (text) => test.test(text),
      ranges(text, limit = 1000) {
        const found: [number, number][] = [];
        all.lastIndex = 0;
        let m: RegExpExecArray | null;
        while (found.length < limit && (m = all.exec(text)) !== null) {
          if (m[0] === "") {
            // An empty match highlights nothing; step past it.
            all.lastIndex++;
            continue;
          }
          found.push([m.index, m.index + m[0].length]);
        }
        return found;
      },
    },
  };
}

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

const REGEX = /^\/(.+)\/([a-z]*)$/s;
const ALLOWED_FLAGS = /^[imsuv]*$/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/**
 * Compiles what the reader typed: `/.../flags` is a regular expression
 * (flags `i`, `m`, `s`, `u`, `v`), anything else plain text matched in any
 * case. An empty box filters nothing.
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
  if (match !== null) {
    [, source, flags] = match;
    if (!ALLOWED_FLAGS.test(flags)) {
      return {
        kind: "error",
        message: `unknown regular expression flags "${flags}"`,
      };
    }
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

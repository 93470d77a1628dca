/**
 * A guard against regular expressions whose matching can take exponential
 * time (catastrophic backtracking): a repeated group that itself holds a
 * repeat, as in `(a+)+` or `(\w*\s?)*`. JavaScript cannot stop a match once
 * it runs, so a server that applies a client's pattern to every line (or a
 * page that does, on its only thread) refuses such patterns up front.
 * No imports: the web page bundles it as it is.
 *
 * @module
 */

/**
 * Why `source` (a JavaScript regular expression's source) may take
 * exponential time, or `undefined`. Looks for nested repetition only:
 * overlapping alternatives under a repeat (`(a|a)*`) are not caught.
 *
 * @example
 * ```ts
 * import { regexRisk } from "./regex_risk.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(regexRisk("(a+)+$") !== undefined, true);
 * assertEquals(regexRisk("error|warn(ing)?"), undefined);
 * assertEquals(regexRisk("[(a+)+]"), undefined); // a character class
 * ```
 */
export function regexRisk(source: string): string | undefined {
  // Per open group: whether something in it repeats.
  const groups: boolean[] = [false];
  let i = 0;
  /** The length of a repeating quantifier at `at` (`*`, `+`, `{n,}`, `{n,m}` with m > 1), or 0. */
  const repeatAt = (at: number): number => {
    const c = source[at];
    if (c === "*" || c === "+") return 1;
    if (c !== "{") return 0;
    const m = /^\{(\d*)(,(\d*))?\}/.exec(source.slice(at));
    if (m === null) return 0;
    const repeats = m[2] !== undefined ? m[3] === "" || Number(m[3]) > 1 : Number(m[1]) > 1;
    return repeats ? m[0].length : 0;
  };
  while (i < source.length) {
    const c = source[i];
    if (c === "\\") {
      i += 2;
    } else if (c === "[") {
      // A character class: up to its unescaped `]` (one right after `[` or `[^` is literal).
      i++;
      if (source[i] === "^") i++;
      if (source[i] === "]") i++;
      while (i < source.length && source[i] !== "]") i += source[i] === "\\" ? 2 : 1;
      i++;
    } else if (c === "(") {
      groups.push(false);
      i++;
      continue;
    } else if (c === ")") {
      const inner = groups.length > 1 ? groups.pop()! : false;
      i++;
      const q = repeatAt(i);
      if (q > 0 && inner) {
        return "a repeated group holds a repeat (like (a+)+), which can take exponential time; " +
          "write it without the inner or the outer repeat";
      }
      if (inner || q > 0) groups[groups.length - 1] = true;
      if (q > 0) i += q;
      continue;
    } else {
      i++;
    }
    // After an atom: a repeat of it.
    const q = repeatAt(i);
    if (q > 0) {
      groups[groups.length - 1] = true;
      i += q;
    }
  }
  return undefined;
}

/**
 * logfmt (`level=info msg="hello world" status=200`): telling it from prose,
 * and reading its pairs.
 *
 * @module
 */

/**
 * Calls `visit` for each pair of a logfmt line with the positions of its key
 * and value (a quoted value's span includes its quotes). Returns `false`,
 * having perhaps visited some pairs, when the line is not logfmt: every
 * space-separated token must be `key=value`, a key is one or more
 * characters other than space, `=` and `"`; a value is empty, a run of
 * characters other than space and `"`, or a double-quoted string with
 * backslash escapes; at least one pair.
 */
export function scanLogfmt(
  text: string,
  visit: (keyStart: number, keyEnd: number, valueStart: number, valueEnd: number) => void,
): boolean {
  const n = text.length;
  let i = 0;
  let pairs = 0;
  for (;;) {
    while (i < n && text.charCodeAt(i) <= 32) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false;
      i++;
    }
    if (i === n) return pairs > 0;
    const keyStart = i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c <= 32 || c === 61 || c === 34) break;
      i++;
    }
    if (i === keyStart || text.charCodeAt(i) !== 61) return false;
    const keyEnd = i++;
    const valueStart = i;
    if (text.charCodeAt(i) === 34) {
      i++;
      for (;;) {
        if (i >= n) return false;
        const c = text.charCodeAt(i);
        if (c === 34) break;
        if (c === 92) i++;
        else if (c < 32 && c !== 9) return false;
        i++;
      }
      i++;
      if (i < n && text.charCodeAt(i) > 32) return false;
    } else {
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c <= 32) break;
        if (c === 34) return false;
        i++;
      }
    }
    visit(keyStart, keyEnd, valueStart, i);
    pairs++;
  }
}

const ESCAPES: Readonly<Record<string, string>> = {
  n: "\n",
  r: "\r",
  t: "\t",
  b: "\b",
  f: "\f",
  v: "\v",
  a: "\x07",
  "0": "\0",
};

/** A logfmt value as written: quoted values lose their quotes and escapes. */
export function logfmtValue(text: string, start: number, end: number): string {
  if (text.charCodeAt(start) !== 34) return text.slice(start, end);
  const inner = text.slice(start + 1, end - 1);
  if (!inner.includes("\\")) return inner;
  return inner.replace(
    /\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|x([0-9a-fA-F]{2})|([\s\S]))/g,
    (_, u, big, x, other: string | undefined) => {
      const hex = u ?? big ?? x;
      if (hex !== undefined) {
        const code = parseInt(hex, 16);
        return code <= 0x10ffff ? String.fromCodePoint(code) : "\ufffd";
      }
      return ESCAPES[other as string] ?? other as string;
    },
  );
}

/**
 * The pairs of a logfmt line as an object (values are strings, a repeated
 * key keeps its last value, the object has no prototype), or `undefined`
 * when the line is not logfmt (see {@linkcode scanLogfmt}).
 *
 * @example
 * ```ts
 * import { parseLogfmt } from "./logfmt.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(
 *   { ...parseLogfmt('level=warn msg="disk \\"sda\\" full" pct=97') },
 *   { level: "warn", msg: 'disk "sda" full', pct: "97" },
 * );
 * assertEquals(parseLogfmt("Listening on port 8080"), undefined);
 * ```
 */
export function parseLogfmt(text: string): Record<string, string> | undefined {
  const fields: Record<string, string> = Object.create(null);
  const ok = scanLogfmt(text, (keyStart, keyEnd, valueStart, valueEnd) => {
    fields[text.slice(keyStart, keyEnd)] = logfmtValue(text, valueStart, valueEnd);
  });
  return ok ? fields : undefined;
}

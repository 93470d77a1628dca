/**
 * Splits a template into tokens: text, and the words of its `{{ }}` actions
 * (Go's text/template lexical rules: trim markers, comments, quoted and raw
 * strings, numbers, fields, variables, identifiers).
 *
 * @module
 */
import { TemplateSyntaxError } from "./template_syntax_error.ts";

/** What a token is. */
export type TokenKind =
  | "text"
  | "left"
  | "right"
  | "ident"
  | "field"
  | "dot"
  | "var"
  | "string"
  | "number"
  | "pipe"
  | "lparen"
  | "rparen"
  | "declare"
  | "assign"
  | "comma"
  | "eof";

/** One token: its kind, its value (decoded for strings), where it starts, whether a blank precedes it. */
export interface Token {
  readonly kind: TokenKind;
  readonly value: string;
  readonly pos: number;
  readonly spaced: boolean;
}

const LEFT = "{{", RIGHT = "}}";

function isSpace(c: string): boolean {
  return c === " " || c === "\t" || c === "\r" || c === "\n";
}

function isAlnum(c: string): boolean {
  return /[\p{L}\p{N}_]/u.test(c);
}

const ESCAPES: Readonly<Record<string, string>> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  '"': '"',
  "'": "'",
};

/** Decodes a Go interpreted string literal's body, or throws with the position of the bad escape. */
function unquote(source: string, start: number, end: number, quote: string): string {
  let out = "";
  for (let i = start; i < end; i++) {
    const c = source[i];
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = source[++i];
    if (e in ESCAPES && (e !== "'" || quote === "'") && (e !== '"' || quote === '"')) {
      out += ESCAPES[e];
      continue;
    }
    const digits = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : /[0-7]/.test(e) ? 3 : 0;
    if (digits === 0) {
      throw new TemplateSyntaxError(`unknown escape sequence \\${e}`, source, i - 1);
    }
    const first = /[0-7]/.test(e) ? i : i + 1;
    const text = source.slice(first, first + digits);
    const valid = /[0-7]/.test(e)
      ? /^[0-7]{3}$/.test(text)
      : new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(text);
    const code = valid ? parseInt(text, /[0-7]/.test(e) ? 8 : 16) : NaN;
    if (!valid || code > 0x10ffff || (e === "x" || /[0-7]/.test(e) ? code > 0xff : false)) {
      throw new TemplateSyntaxError(`invalid escape sequence \\${e}${text}`, source, i - 1);
    }
    out += String.fromCodePoint(code);
    i = first + digits - 1;
  }
  return out;
}

const NUMBER =
  /[+-]?(?:0[xX][0-9a-fA-F](?:_?[0-9a-fA-F])*|0[bB][01](?:_?[01])*|0[oO][0-7](?:_?[0-7])*|(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?)/y;

/**
 * The tokens of `source`, ending with `eof`. Throws
 * {@linkcode TemplateSyntaxError} at the first character that cannot start a
 * token, a string or comment that does not end, or an action left open.
 */
export function lex(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let trimNext = false;
  const n = source.length;
  while (i < n) {
    let open = source.indexOf(LEFT, i);
    if (open < 0) open = n;
    let text = source.slice(i, open);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, "");
    trimNext = false;
    const trimLeft = open < n && source.startsWith("-", open + 2) &&
      isSpace(source[open + 3] ?? "");
    if (trimLeft) text = text.replace(/[ \t\r\n]+$/, "");
    if (text !== "") tokens.push({ kind: "text", value: text, pos: i, spaced: false });
    if (open >= n) break;
    let j = open + 2 + (trimLeft ? 2 : 0);
    // A comment: {{/* ... */}}, nothing else in the action.
    if (source.startsWith("/*", j)) {
      const close = source.indexOf("*/", j + 2);
      if (close < 0) throw new TemplateSyntaxError("unclosed comment", source, open);
      let k = close + 2;
      if (source.startsWith(" -" + RIGHT, k) || /^[ \t\r\n]-\}\}/.test(source.slice(k, k + 4))) {
        trimNext = true;
        k += 2;
      }
      if (!source.startsWith(RIGHT, k)) {
        throw new TemplateSyntaxError("comment ends before closing delimiter", source, close);
      }
      i = k + 2;
      continue;
    }
    tokens.push({ kind: "left", value: LEFT, pos: open, spaced: false });
    j = lexAction(source, j, tokens, open);
    const last = tokens[tokens.length - 1];
    trimNext = last.value === "-}}";
    i = j;
  }
  tokens.push({ kind: "eof", value: "", pos: n, spaced: false });
  return tokens;
}

/** Lexes one action from `i` (after `{{`); returns the position after its `}}`. */
function lexAction(source: string, i: number, tokens: Token[], open: number): number {
  const n = source.length;
  let spaced = true;
  const push = (kind: TokenKind, value: string, pos: number) => {
    tokens.push({ kind, value, pos, spaced });
    spaced = false;
  };
  let parens = 0;
  for (;;) {
    if (i >= n) throw new TemplateSyntaxError("unclosed action", source, open);
    const c = source[i];
    if (isSpace(c)) {
      // A trim marker: blank, "-", "}}".
      if (source[i + 1] === "-" && source.startsWith(RIGHT, i + 2)) {
        tokens.push({ kind: "right", value: "-}}", pos: i + 1, spaced: true });
        return i + 4;
      }
      spaced = true;
      i++;
      continue;
    }
    if (source.startsWith(RIGHT, i)) {
      if (parens > 0) throw new TemplateSyntaxError("unclosed left paren", source, i);
      push("right", RIGHT, i);
      return i + 2;
    }
    switch (c) {
      case "|":
        push("pipe", c, i++);
        continue;
      case "(":
        parens++;
        push("lparen", c, i++);
        continue;
      case ")":
        if (--parens < 0) throw new TemplateSyntaxError("unexpected right paren", source, i);
        push("rparen", c, i++);
        continue;
      case ",":
        push("comma", c, i++);
        continue;
      case "=":
        push("assign", c, i++);
        continue;
      case ":":
        if (source[i + 1] !== "=") throw new TemplateSyntaxError('expected ":="', source, i);
        push("declare", ":=", i);
        i += 2;
        continue;
      case '"': {
        let k = i + 1;
        while (k < n && source[k] !== '"') {
          if (source[k] === "\\") k++;
          else if (source[k] === "\n") break;
          k++;
        }
        if (k >= n || source[k] !== '"') {
          throw new TemplateSyntaxError("unterminated quoted string", source, i);
        }
        push("string", unquote(source, i + 1, k, '"'), i);
        i = k + 1;
        continue;
      }
      case "`": {
        const k = source.indexOf("`", i + 1);
        if (k < 0) throw new TemplateSyntaxError("unterminated raw quoted string", source, i);
        push("string", source.slice(i + 1, k).replaceAll("\r", ""), i);
        i = k + 1;
        continue;
      }
      case "'": {
        const match =
          /^'(\\(?:[abfnrtv\\'"]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3})|[^\\'\n])'/u
            .exec(source.slice(i, i + 12));
        if (match === null) {
          throw new TemplateSyntaxError("malformed character constant", source, i);
        }
        const char = unquote(source, i + 1, i + match[0].length - 1, "'");
        push("number", String(char.codePointAt(0)), i);
        i += match[0].length;
        continue;
      }
      case "$": {
        let k = i + 1;
        while (k < n && isAlnum(source[k])) k++;
        push("var", source.slice(i, k), i);
        i = k;
        continue;
      }
      case ".": {
        if (/[0-9]/.test(source[i + 1] ?? "")) break; // A number such as .5.
        let k = i + 1;
        while (k < n && isAlnum(source[k])) k++;
        if (k === i + 1) {
          if (source[k] === ".") {
            throw new TemplateSyntaxError('unexpected "." after "."', source, k);
          }
          push("dot", ".", i);
        } else {
          push("field", source.slice(i + 1, k), i);
        }
        i = k;
        continue;
      }
    }
    if (/[0-9+\-.]/.test(c)) {
      NUMBER.lastIndex = i;
      const match = NUMBER.exec(source);
      if (match === null || match[0] === "+" || match[0] === "-") {
        throw new TemplateSyntaxError(`unexpected ${JSON.stringify(c)} in command`, source, i);
      }
      const end = i + match[0].length;
      if (end < n && isAlnum(source[end])) {
        throw new TemplateSyntaxError(
          `bad number syntax: ${JSON.stringify(source.slice(i, end + 1))}`,
          source,
          i,
        );
      }
      push("number", match[0], i);
      i = end;
      continue;
    }
    if (isAlnum(c)) {
      let k = i + 1;
      while (k < n && isAlnum(source[k])) k++;
      push("ident", source.slice(i, k), i);
      i = k;
      continue;
    }
    throw new TemplateSyntaxError(`unexpected ${JSON.stringify(c)} in command`, source, i);
  }
}

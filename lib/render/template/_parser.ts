/**
 * Parses template tokens into a tree: text, output actions, `if`, `with`,
 * `range` (with `else` and `else if`/`else with` chains), `break`,
 * `continue`, and pipelines of commands with variable declarations.
 *
 * @module
 */
import { lex, type Token } from "./_lexer.ts";
import { TemplateSyntaxError } from "./template_syntax_error.ts";

/** An operand of a command. */
export type Operand =
  | { readonly type: "field"; readonly pos: number; readonly chain: readonly string[] }
  | { readonly type: "dot"; readonly pos: number }
  | {
    readonly type: "var";
    readonly pos: number;
    readonly name: string;
    readonly chain: readonly string[];
  }
  | { readonly type: "ident"; readonly pos: number; readonly name: string }
  | { readonly type: "literal"; readonly pos: number; readonly value: unknown }
  | {
    readonly type: "pipe";
    readonly pos: number;
    readonly pipe: Pipeline;
    readonly chain: readonly string[];
  };

/** Operands separated by blanks; the first, when an identifier, is the function called. */
export interface Command {
  readonly pos: number;
  readonly operands: readonly Operand[];
}

/** `[$a[, $b] :=|=] command | command ...` */
export interface Pipeline {
  readonly pos: number;
  readonly vars: readonly { readonly name: string; readonly pos: number }[];
  /** `:=` declares, `=` assigns; `undefined` without variables. */
  readonly binding?: ":=" | "=";
  readonly commands: readonly Command[];
}

/** `if`, `with` and `range`: a pipeline, a body, and what runs otherwise. */
export interface ControlNode {
  readonly type: "if" | "with" | "range";
  readonly pos: number;
  readonly pipe: Pipeline;
  readonly body: readonly Node[];
  readonly otherwise: readonly Node[] | undefined;
}

/** A node of the tree. */
export type Node =
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "action"; readonly pos: number; readonly pipe: Pipeline }
  | ControlNode
  | { readonly type: "break" | "continue"; readonly pos: number };

const KEYWORDS = new Set(["if", "else", "end", "with", "range", "break", "continue"]);
const UNSUPPORTED = new Set(["define", "template", "block"]);

function describe(token: Token): string {
  switch (token.kind) {
    case "eof":
      return "end of template";
    case "right":
      return '"}}"';
    case "text":
      return "text";
    default:
      return JSON.stringify(token.value);
  }
}

function parseNumber(text: string): number {
  const clean = text.replaceAll("_", "");
  const sign = clean.startsWith("-") ? -1 : 1;
  const body = clean.replace(/^[+-]/, "");
  if (/^0[xX]/.test(body)) return sign * parseInt(body.slice(2), 16);
  if (/^0[bB]/.test(body)) return sign * parseInt(body.slice(2), 2);
  if (/^0[oO]/.test(body)) return sign * parseInt(body.slice(2), 8);
  return sign * Number(body);
}

/** Parses a template into its nodes, or throws {@linkcode TemplateSyntaxError}. */
export function parseTemplate(source: string): Node[] {
  const tokens = lex(source);
  let at = 0;
  const peek = () => tokens[at];
  const next = () => tokens[at++];
  const fail = (reason: string, token: Token = peek()): never => {
    throw new TemplateSyntaxError(reason, source, token.pos);
  };
  /** Control structures open around the current point, innermost last. */
  const open: ("if" | "with" | "range")[] = [];

  function expectRight(context: string): void {
    const token = next();
    if (token.kind !== "right") fail(`unexpected ${describe(token)} in ${context}`, token);
  }

  /** Nodes up to an `{{else ...}}` or `{{end}}`, which is left unread (after its `{{`). */
  function parseList(): { nodes: Node[]; stop: Token | undefined } {
    const nodes: Node[] = [];
    for (;;) {
      const token = next();
      if (token.kind === "eof") {
        if (open.length > 0) {
          fail(`unexpected end of template: {{${open[open.length - 1]}}} has no {{end}}`, token);
        }
        return { nodes, stop: undefined };
      }
      if (token.kind === "text") {
        nodes.push({ type: "text", text: token.value });
        continue;
      }
      // token is "left".
      const word = peek();
      if (word.kind === "ident" && KEYWORDS.has(word.value)) {
        const keyword = word.value;
        if (keyword === "end" || keyword === "else") {
          if (open.length === 0) fail(`unexpected {{${keyword}}}`, word);
          return { nodes, stop: next() };
        }
        next();
        if (keyword === "break" || keyword === "continue") {
          if (!open.includes("range")) fail(`{{${keyword}}} outside {{range}}`, word);
          expectRight(keyword);
          nodes.push({ type: keyword, pos: word.pos });
          continue;
        }
        nodes.push(parseControl(keyword as "if" | "with" | "range", word));
        continue;
      }
      if (word.kind === "ident" && UNSUPPORTED.has(word.value)) {
        fail(`{{${word.value}}} is not supported`, word);
      }
      const pipe = parsePipeline("command", false);
      expectRight("command");
      nodes.push({ type: "action", pos: pipe.pos, pipe });
    }
  }

  function parseControl(type: "if" | "with" | "range", word: Token): Node {
    const pipe = parsePipeline(type, type === "range");
    if (pipe.commands.length === 0) fail(`missing value for ${type}`, word);
    expectRight(type);
    open.push(type);
    const body = parseList();
    let otherwise: Node[] | undefined;
    if (body.stop?.value === "else") {
      const after = peek();
      if (
        after.kind === "ident" && (after.value === "if" || after.value === "with") &&
        type !== "range"
      ) {
        // {{else if ...}} / {{else with ...}}: a nested structure that shares this {{end}}.
        next();
        open.pop();
        otherwise = [parseControl(after.value as "if" | "with", after)];
        return { type, pos: word.pos, pipe, body: body.nodes, otherwise };
      }
      expectRight("else");
      const rest = parseList();
      if (rest.stop?.value !== "end") fail("expected {{end}}", rest.stop ?? peek());
      otherwise = rest.nodes;
    }
    expectRight("end");
    open.pop();
    return { type, pos: word.pos, pipe, body: body.nodes, otherwise };
  }

  function parsePipeline(context: string, allowTwo: boolean): Pipeline {
    const start = peek();
    const vars: { name: string; pos: number }[] = [];
    let binding: ":=" | "=" | undefined;
    // Look ahead for "$x :=", "$x =", "$x, $y :=".
    if (start.kind === "var") {
      const save = at;
      const first = next();
      let op = peek();
      const names = [{ name: first.value, pos: first.pos }];
      if (op.kind === "comma") {
        if (!allowTwo) fail(`too many declarations in ${context}`, op);
        next();
        const second = next();
        if (second.kind !== "var") fail(`expected a variable after "," in ${context}`, second);
        names.push({ name: second.value, pos: second.pos });
        op = peek();
        if (op.kind !== "declare" && op.kind !== "assign") {
          fail(`expected ":=" or "=" in ${context}`, op);
        }
      }
      if (op.kind === "declare" || op.kind === "assign") {
        next();
        binding = op.kind === "declare" ? ":=" : "=";
        vars.push(...names);
      } else {
        at = save;
      }
    }
    const commands: Command[] = [];
    for (;;) {
      const token = peek();
      if (token.kind === "right" || token.kind === "rparen" || token.kind === "eof") break;
      commands.push(parseCommand(context));
      if (peek().kind === "pipe") {
        const bar = next();
        const after = peek();
        if (after.kind === "right" || after.kind === "rparen" || after.kind === "eof") {
          fail(`missing command after "|" in ${context}`, bar);
        }
      }
    }
    if (
      commands.length === 0 &&
      (vars.length > 0 || context === "command" || context === "parenthesized pipeline")
    ) {
      fail(`missing value for ${context}`, peek());
    }
    return { pos: start.pos, vars, binding, commands };
  }

  function parseCommand(context: string): Command {
    const operands: Operand[] = [];
    const pos = peek().pos;
    for (;;) {
      const token = peek();
      if (
        token.kind === "right" || token.kind === "rparen" || token.kind === "pipe" ||
        token.kind === "eof"
      ) {
        break;
      }
      if (operands.length > 0 && !token.spaced) {
        fail(`missing space before ${describe(token)} in ${context}`, token);
      }
      operands.push(parseOperand(context));
    }
    if (operands.length === 0) fail(`empty command in ${context}`, peek());
    return { pos, operands };
  }

  /** Field names chained right after a term (`$x.a.b`, `(...).a`). */
  function parseChain(): string[] {
    const chain: string[] = [];
    while (peek().kind === "field" && !peek().spaced) chain.push(next().value);
    return chain;
  }

  function parseOperand(context: string): Operand {
    const token = next();
    switch (token.kind) {
      case "field": {
        const chain = [token.value, ...parseChain()];
        return { type: "field", pos: token.pos, chain };
      }
      case "dot":
        if (peek().kind === "field" && !peek().spaced) fail('unexpected "." in operand', peek());
        return { type: "dot", pos: token.pos };
      case "var":
        return { type: "var", pos: token.pos, name: token.value, chain: parseChain() };
      case "string":
        return { type: "literal", pos: token.pos, value: token.value };
      case "number": {
        const value = parseNumber(token.value);
        if (!Number.isFinite(value)) fail(`number out of range: ${token.value}`, token);
        return { type: "literal", pos: token.pos, value };
      }
      case "ident":
        if (token.value === "true" || token.value === "false") {
          return { type: "literal", pos: token.pos, value: token.value === "true" };
        }
        if (token.value === "nil") return { type: "literal", pos: token.pos, value: null };
        if (KEYWORDS.has(token.value) || UNSUPPORTED.has(token.value)) {
          fail(`unexpected keyword ${JSON.stringify(token.value)} in ${context}`, token);
        }
        return { type: "ident", pos: token.pos, name: token.value };
      case "lparen": {
        const pipe = parsePipeline("parenthesized pipeline", false);
        const close = next();
        if (close.kind !== "rparen") fail(`unclosed left paren`, token);
        return { type: "pipe", pos: token.pos, pipe, chain: parseChain() };
      }
      default:
        return fail(`unexpected ${describe(token)} in ${context}`, token);
    }
  }

  const { nodes } = parseList();
  return nodes;
}

/**
 * `--template`: a subset of Go's text/template, compiled once into a tree of
 * closures that renders a line with no parsing and no lookups by name.
 *
 * @module
 */
import type { ParsedLine } from "../../parse/parse_log_line.ts";
import type { LogMessage } from "../../types.ts";
import { type FunctionEnv, FUNCTIONS, TemplateRuntimeError, truthy } from "./_functions.ts";
import { LineView, VIEW_NAMES } from "./_line_view.ts";
import {
  type Command,
  type ControlNode,
  type Node,
  type Operand,
  parseTemplate,
  type Pipeline,
} from "./_parser.ts";
import { showValue } from "./go_sprintf.ts";
import { TemplateSyntaxError } from "./template_syntax_error.ts";

/** How one line is rendered. */
export interface TemplateRenderOptions {
  /** Colour functions colour (default `false`: they return their text). */
  readonly color?: boolean;
  /** The SGR colour of a line's instance, for `.Color` (default none). */
  readonly instanceColor?: (message: LogMessage) => string;
  /** Told about a line the template failed on (that line is printed as its text). */
  readonly onError?: (error: Error, message: LogMessage) => void;
}

/** A compiled template. */
export interface Template {
  /** The template's text, as compiled. */
  readonly source: string;
  /**
   * The line as the template writes it, ending in exactly one `\n` added
   * when the template's output does not already end in one; `""` when the
   * template wrote nothing (so `{{if}}` can leave lines out). Never throws:
   * a line the template fails on is written as its text, and `onError` is
   * told.
   */
  render(message: LogMessage, options?: TemplateRenderOptions, parsed?: ParsedLine): string;
}

interface State {
  out: string;
  readonly vars: unknown[];
  env: FunctionEnv;
}

type Run = (dot: unknown, s: State) => void;
type Eval = (dot: unknown, s: State) => unknown;

const BREAK = Symbol("break"), CONTINUE = Symbol("continue");

function access(value: unknown, name: string): unknown {
  if (value instanceof LineView) return value.get(name);
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    return Object.hasOwn(value, name) ? (value as Record<string, unknown>)[name] : undefined;
  }
  return undefined;
}

function chained(base: Eval, chain: readonly string[]): Eval {
  if (chain.length === 0) return base;
  if (chain.length === 1) {
    const name = chain[0];
    return (dot, s) => access(base(dot, s), name);
  }
  return (dot, s) => {
    let value = base(dot, s);
    for (let i = 0; i < chain.length; i++) value = access(value, chain[i]);
    return value;
  };
}

function print(value: unknown): string {
  return typeof value === "string" ? value : showValue(value);
}

class Compiler {
  readonly #source: string;
  /** Variable slots by name, innermost scope last; slot 0 is `$`. */
  readonly #scopes: Map<string, number>[] = [new Map([["$", 0]])];
  slots = 1;

  constructor(source: string) {
    this.#source = source;
  }

  #fail(reason: string, pos: number): never {
    throw new TemplateSyntaxError(reason, this.#source, pos);
  }

  #lookup(name: string, pos: number): number {
    for (let i = this.#scopes.length - 1; i >= 0; i--) {
      const slot = this.#scopes[i].get(name);
      if (slot !== undefined) return slot;
    }
    return this.#fail(`undefined variable ${JSON.stringify(name)}`, pos);
  }

  list(nodes: readonly Node[], dotIsRoot: boolean): Run {
    const runs = nodes.map((node) => this.node(node, dotIsRoot));
    if (runs.length === 0) return () => {};
    if (runs.length === 1) return runs[0];
    if (runs.length === 2) {
      const [a, b] = runs;
      return (dot, s) => {
        a(dot, s);
        b(dot, s);
      };
    }
    return (dot, s) => {
      for (let i = 0; i < runs.length; i++) runs[i](dot, s);
    };
  }

  #scoped<T>(body: () => T): T {
    this.#scopes.push(new Map());
    try {
      return body();
    } finally {
      this.#scopes.pop();
    }
  }

  node(node: Node, dotIsRoot: boolean): Run {
    switch (node.type) {
      case "text": {
        const text = node.text;
        return (_, s) => {
          s.out += text;
        };
      }
      case "action": {
        const value = this.pipeline(node.pipe, dotIsRoot);
        if (node.pipe.vars.length > 0) return (dot, s) => void value(dot, s);
        return (dot, s) => {
          s.out += print(value(dot, s));
        };
      }
      case "break":
        return () => {
          throw BREAK;
        };
      case "continue":
        return () => {
          throw CONTINUE;
        };
      case "if":
        return this.#scoped(() => {
          const test = this.pipeline(node.pipe, dotIsRoot);
          const body = this.#scoped(() => this.list(node.body, dotIsRoot));
          const otherwise = this.#scoped(() => this.list(node.otherwise ?? [], dotIsRoot));
          return (dot, s) => (truthy(test(dot, s)) ? body : otherwise)(dot, s);
        });
      case "with":
        return this.#scoped(() => {
          const test = this.pipeline(node.pipe, dotIsRoot);
          const body = this.#scoped(() => this.list(node.body, false));
          const otherwise = this.#scoped(() => this.list(node.otherwise ?? [], dotIsRoot));
          return (dot, s) => {
            const value = test(dot, s);
            if (truthy(value)) body(value, s);
            else otherwise(dot, s);
          };
        });
      case "range":
        return this.#scoped(() => this.#range(node, dotIsRoot));
    }
  }

  #range(node: ControlNode, dotIsRoot: boolean): Run {
    const vars = node.pipe.vars;
    const pipe = vars.length === 0 ? node.pipe : { ...node.pipe, vars: [] };
    const source = this.pipeline(pipe, dotIsRoot);
    const slots = vars.map((v) => this.#declare(v.name));
    const body = this.#scoped(() => this.list(node.body, false));
    const otherwise = this.#scoped(() => this.list(node.otherwise ?? [], dotIsRoot));
    const [first, second] = slots;
    return (dot, s) => {
      const value = source(dot, s);
      let entries: [unknown, unknown][];
      if (Array.isArray(value)) entries = value.map((v, i) => [i, v]);
      else if (typeof value === "number") {
        if (!Number.isInteger(value) || value > 1e7) {
          throw new TemplateRuntimeError(`range can't iterate over ${value}`);
        }
        entries = Array.from({ length: Math.max(0, value) }, (_, i) => [i, i]);
      } else if (value === undefined || value === null) entries = [];
      else if (typeof value === "object" && !(value instanceof LineView)) {
        entries = Object.keys(value).sort().map((k) => [k, (value as Record<string, unknown>)[k]]);
      } else throw new TemplateRuntimeError(`range can't iterate over ${showValue(value)}`);
      if (entries.length === 0) return otherwise(dot, s);
      for (const [key, element] of entries) {
        if (second !== undefined) {
          s.vars[first] = key;
          s.vars[second] = element;
        } else if (first !== undefined) {
          s.vars[first] = typeof value === "number" ? key : element;
        }
        try {
          body(element, s);
        } catch (signal) {
          if (signal === BREAK) break;
          if (signal !== CONTINUE) throw signal;
        }
      }
    };
  }

  #declare(name: string): number {
    const slot = this.slots++;
    this.#scopes[this.#scopes.length - 1].set(name, slot);
    return slot;
  }

  pipeline(pipe: Pipeline, dotIsRoot: boolean): Eval {
    let value: Eval | undefined;
    for (let i = 0; i < pipe.commands.length; i++) {
      value = this.#command(pipe.commands[i], dotIsRoot, value);
    }
    const result = value as Eval;
    if (pipe.vars.length === 0) return result;
    // Declared after the value is compiled: `$x := $x` reads the outer one.
    const slot = pipe.binding === ":="
      ? this.#declare(pipe.vars[0].name)
      : this.#lookup(pipe.vars[0].name, pipe.vars[0].pos);
    if (pipe.vars[0].name === "$" && pipe.binding === "=") {
      this.#fail(`cannot assign to "$"`, pipe.vars[0].pos);
    }
    return (dot, s) => {
      const v = result(dot, s);
      s.vars[slot] = v;
      return v;
    };
  }

  #command(command: Command, dotIsRoot: boolean, piped: Eval | undefined): Eval {
    const [head, ...rest] = command.operands;
    if (head.type === "ident") {
      const args = rest.map((o) => this.#operand(o, dotIsRoot));
      if (piped !== undefined) args.push(piped);
      return this.#call(head.name, head.pos, args);
    }
    if (rest.length > 0 || piped !== undefined) {
      this.#fail(`can't give argument to non-function ${this.#describe(head)}`, head.pos);
    }
    if (head.type === "literal" && head.value === null) {
      this.#fail("nil is not a command", head.pos);
    }
    return this.#operand(head, dotIsRoot);
  }

  #describe(operand: Operand): string {
    switch (operand.type) {
      case "field":
        return "." + operand.chain.join(".");
      case "var":
        return [operand.name, ...operand.chain].join(".");
      case "literal":
        return JSON.stringify(operand.value);
      default:
        return operand.type === "dot" ? "." : "(...)";
    }
  }

  #call(name: string, pos: number, args: Eval[]): Eval {
    if (name === "and" || name === "or") {
      if (args.length < 1) {
        this.#fail(`wrong number of args for ${name}: want at least 1 got 0`, pos);
      }
      const stopOn = name === "or";
      return (dot, s) => {
        let value: unknown;
        for (let i = 0; i < args.length; i++) {
          value = args[i](dot, s);
          if (truthy(value) === stopOn) return value;
        }
        return value;
      };
    }
    const fn = FUNCTIONS.get(name);
    if (fn === undefined) this.#fail(`function ${JSON.stringify(name)} not defined`, pos);
    if (args.length < fn.min || args.length > fn.max) {
      const want = fn.min === fn.max
        ? `${fn.min}`
        : fn.max === Infinity
        ? `at least ${fn.min}`
        : `${fn.min} to ${fn.max}`;
      this.#fail(`wrong number of args for ${name}: want ${want} got ${args.length}`, pos);
    }
    if (args.length === 1) {
      const [a] = args;
      return (dot, s) => fn.call([a(dot, s)], s.env);
    }
    return (dot, s) => {
      const values = new Array(args.length);
      for (let i = 0; i < args.length; i++) values[i] = args[i](dot, s);
      return fn.call(values, s.env);
    };
  }

  #operand(operand: Operand, dotIsRoot: boolean): Eval {
    switch (operand.type) {
      case "literal": {
        const value = operand.value;
        return () => value;
      }
      case "dot":
        return (dot) => dot;
      case "ident": {
        const call = this.#call(operand.name, operand.pos, []);
        return call;
      }
      case "var": {
        const slot = this.#lookup(operand.name, operand.pos);
        return chained((_, s) => s.vars[slot], operand.chain);
      }
      case "pipe":
        return chained(this.pipeline(operand.pipe, dotIsRoot), operand.chain);
      case "field": {
        const [name, ...rest] = operand.chain;
        // At the top the dot is the line: its own names need no lookup.
        if (dotIsRoot && VIEW_NAMES.has(name)) {
          const base: Eval = (_, s) => (s.vars[0] as LineView).get(name);
          return chained(base, rest);
        }
        return chained((dot) => access(dot, name), rest);
      }
    }
  }
}

function trimNewlines(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 10) end--;
  return text.slice(0, end);
}

/**
 * Compiles a template, or throws {@linkcode TemplateSyntaxError} naming the
 * line and column of the first mistake.
 *
 * The dot is the line: `.Text` (also `.Message`), `.Name` (`.ContainerName`),
 * `.Instance` (`.PodName`), `.Namespace`, `.Timestamp` (RFC3339 as
 * received), `.Level` (normalised, `""` when unknown), `.Format`, `.Fields`,
 * `.Color` (the instance's colour, for `color`), and any other name is a
 * field of the parsed JSON or logfmt line (`.msg`, `.http.status`).
 * Supported: text and `{{pipeline}}` actions, `{{-`/`-}}` trimming,
 * comments, `$x :=`/`$x =` variables, `if`/`else if`/`else`, `with`/`else
 * with`/`else`, `range` over arrays, objects (keys sorted) and integers with
 * `$i, $e :=`, `break`, `continue`, parenthesised pipelines, and the
 * functions `and or not len index eq ne lt le gt ge print println printf
 * json parseJSON tryParseJSON toTimestamp toRFC3339Nano color levelColor
 * bunyanLevelColor colorBlack ... colorWhite`. Not supported: `define`,
 * `template`, `block`, methods, `call`, `html`, `js`, `urlquery`, `slice`.
 *
 * @example stern-style templates
 * ```ts
 * import { compileTemplate } from "./compile_template.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const message = { name: "api", namespace: "fn", instance: "api-1", timestamp: "2024-01-01T00:00:00Z", text: '{"level":"warn","msg":"slow","ms":812}' };
 * const template = compileTemplate('{{.PodName}} [{{.Level}}] {{.msg}}{{with .ms}} ({{.}} ms){{end}}');
 * assertEquals(template.render(message), "api-1 [warn] slow (812 ms)\n");
 * ```
 */
export function compileTemplate(source: string): Template {
  const compiler = new Compiler(source);
  const run = compiler.list(parseTemplate(source), true);
  const slots = compiler.slots;
  const view = new LineView();
  const state: State = { out: "", vars: new Array(slots), env: { color: false } };
  const envs = { plain: { color: false }, color: { color: true } };
  return {
    source,
    render(message, options = {}, parsed) {
      view.reset(message, parsed, options.instanceColor);
      state.out = "";
      state.vars[0] = view;
      state.env = options.color ? envs.color : envs.plain;
      try {
        run(view, state);
      } catch (error) {
        const failure = error instanceof Error ? error : new TemplateRuntimeError(
          typeof error === "symbol" ? "break outside range" : String(error),
        );
        options.onError?.(failure, message);
        return trimNewlines(message.text) + "\n";
      } finally {
        for (let i = 1; i < slots; i++) state.vars[i] = undefined;
      }
      const out = state.out;
      state.out = "";
      if (out === "") return "";
      return out.charCodeAt(out.length - 1) === 10 ? out : out + "\n";
    },
  };
}

/**
 * Reads an OpenFaaS `stack.yml` and the `fnlogs` keys the local runner adds
 * to it.
 *
 * The OpenFaaS shape is kept: `version`, `provider`, and `functions` mapping
 * each name to `lang`, `handler`, `image`, `namespace`, `labels`,
 * `annotations`, `environment`; every other key is ignored, as faas-cli does.
 * Each function may carry an `fnlogs` block telling the local runner how to
 * run it:
 *
 * ```yaml
 * functions:
 *   hello:
 *     lang: deno
 *     handler: ./functions
 *     image: hello:latest
 *     labels:
 *       com.openfaas.scale.min: "2"   # replicas when fnlogs.replicas is absent
 *     environment:
 *       GREETING: hi
 *     fnlogs:
 *       command: ["deno", "run", "functions/hello.ts"]  # argv, or a string run by `sh -c`
 *       replicas: 2                   # default: the label above, else 1
 *       cwd: .                        # relative to the stack file's directory
 *       restart: always               # always | on-failure | never
 * ```
 *
 * A top-level `fnlogs: { namespace: NS }` sets the namespace of functions
 * that name none (otherwise the one namespace all functions share, else
 * `openfaas-fn`). A function without `fnlogs.command` is listed but not run.
 * An argv whose program is `deno` runs the Deno that runs fnlogs.
 *
 * @module
 */

import { parse } from "@std/yaml";
import { InvalidInputError } from "../../errors.ts";

/** When the local runner restarts a replica that exited. */
export type RestartPolicy = "always" | "on-failure" | "never";

/** The namespace OpenFaaS uses for functions when nothing else is said. */
export const DEFAULT_FUNCTION_NAMESPACE = "openfaas-fn";

/** The label OpenFaaS reads for the minimum replica count. */
export const SCALE_MIN_LABEL = "com.openfaas.scale.min";

/** One function of a stack file, with every default applied. */
export interface StackFunction {
  /** The function's name (a DNS label: `[a-z0-9]` and inner `-`). */
  readonly name: string;
  /** Its namespace. */
  readonly namespace: string;
  readonly lang?: string;
  readonly handler?: string;
  readonly image?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** Environment variables for its processes. */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * The argv that runs one replica; a shell string becomes
   * `["sh", "-c", STRING]`. `undefined`: the function is not run locally.
   */
  readonly command?: readonly string[];
  /** The command as the stack file wrote it, for display. */
  readonly commandText?: string;
  /** Replicas to run (0 or more). */
  readonly replicas: number;
  /** The absolute working directory of its processes. */
  readonly cwd: string;
  /** When an exited replica is restarted. */
  readonly restart: RestartPolicy;
}

/** A parsed stack file. */
export interface StackFile {
  /** `version` as written (`1.0` when written as a YAML number). */
  readonly version?: string;
  /** `provider.name` and `provider.gateway`, when given. */
  readonly provider: { readonly name?: string; readonly gateway?: string };
  /** The namespace used for functions that name none. */
  readonly namespace: string;
  /** The absolute directory that relative paths are resolved against. */
  readonly baseDir: string;
  /** The functions, in the file's order. */
  readonly functions: readonly StackFunction[];
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const POLICIES: readonly RestartPolicy[] = ["always", "on-failure", "never"];

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fail(where: string, message: string): never {
  throw new InvalidInputError(`Cannot read stack file: ${where} ${message}`);
}

function optionalObject(value: unknown, where: string): Obj {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) fail(where, "must be a mapping");
  return value;
}

function optionalString(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  fail(where, "must be a string");
}

function stringMap(value: unknown, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(optionalObject(value, where))) {
    const text = optionalString(v, `${where}.${key}`);
    out[key] = text ?? "";
  }
  return out;
}

/** An environment: names without `=` or NUL, values without NUL (a process could not get them). */
function environment(value: unknown, where: string): Record<string, string> {
  const env = stringMap(value, where);
  for (const [key, text] of Object.entries(env)) {
    if (key === "" || /[=\0]/.test(key)) fail(`${where}.${key}`, "is not a variable name");
    if (text.includes("\0")) fail(`${where}.${key}`, "must not hold a NUL character");
  }
  return env;
}

function joinPath(base: string, path: string): string {
  if (path.startsWith("/")) return normalize(path);
  return normalize(base.replace(/\/+$/, "") + "/" + path);
}

function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return "/" + out.join("/");
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

function readCommand(value: unknown, where: string): { argv?: string[]; text?: string } {
  if (value === undefined || value === null) return {};
  if (typeof value === "string") {
    if (value.trim() === "") fail(where, "must not be empty");
    return { argv: ["sh", "-c", value], text: value };
  }
  if (!Array.isArray(value) || value.length === 0) {
    fail(where, "must be a non-empty list of strings or a shell string");
  }
  const argv = value.map((arg, i) => {
    const text = optionalString(arg, `${where}[${i}]`);
    if (text === undefined) fail(`${where}[${i}]`, "must be a string");
    return text;
  });
  if (argv[0] === "") fail(`${where}[0]`, "must name a program");
  return { argv, text: argv.map(quoteArg).join(" ") };
}

/** The most replicas one function may ask for: each is a process on this machine. */
export const MAX_REPLICAS = 1000;

function readReplicas(value: unknown, where: string): number {
  const n = typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
    fail(where, `must be a whole number of 0 or more, not ${JSON.stringify(value)}`);
  }
  if (n > MAX_REPLICAS) {
    fail(where, `must be at most ${MAX_REPLICAS} (each replica is a process here), not ${n}`);
  }
  return n;
}

function readFunction(
  name: string,
  raw: unknown,
  namespace: string,
  baseDir: string,
): StackFunction {
  const at = `function "${name}":`;
  if (!NAME.test(name)) {
    fail(at, "name must be lowercase letters, digits and inner dashes");
  }
  const spec = optionalObject(raw, `${at} its definition`);
  const labels = stringMap(spec.labels, `${at} labels`);
  const local = optionalObject(spec.fnlogs, `${at} fnlogs`);
  const command = readCommand(local.command, `${at} fnlogs.command`);
  let replicas = 1;
  if (local.replicas !== undefined && local.replicas !== null) {
    replicas = readReplicas(local.replicas, `${at} fnlogs.replicas`);
  } else if (labels[SCALE_MIN_LABEL] !== undefined) {
    replicas = readReplicas(labels[SCALE_MIN_LABEL], `${at} labels.${SCALE_MIN_LABEL}`);
  }
  const restart = optionalString(local.restart, `${at} fnlogs.restart`) ?? "always";
  if (!POLICIES.includes(restart as RestartPolicy)) {
    fail(`${at} fnlogs.restart`, `must be one of ${POLICIES.join(", ")}, not "${restart}"`);
  }
  const cwd = optionalString(local.cwd, `${at} fnlogs.cwd`);
  const ns = optionalString(spec.namespace, `${at} namespace`);
  if (ns !== undefined && ns !== "" && !NAME.test(ns)) {
    fail(`${at} namespace`, `"${ns}" must be lowercase letters, digits and inner dashes`);
  }
  return {
    name,
    namespace: ns || namespace,
    lang: optionalString(spec.lang, `${at} lang`),
    handler: optionalString(spec.handler, `${at} handler`),
    image: optionalString(spec.image, `${at} image`),
    labels,
    annotations: stringMap(spec.annotations, `${at} annotations`),
    environment: environment(spec.environment, `${at} environment`),
    command: command.argv,
    commandText: command.text,
    replicas,
    cwd: cwd === undefined || cwd === "" ? normalize(baseDir) : joinPath(baseDir, cwd),
    restart: restart as RestartPolicy,
  };
}

function defaultNamespace(top: Obj, functions: Obj): string {
  const local = optionalObject(top.fnlogs, "fnlogs");
  const ns = optionalString(local.namespace, "fnlogs.namespace");
  if (ns !== undefined && ns !== "") {
    if (!NAME.test(ns)) fail("fnlogs.namespace", `"${ns}" is not a valid namespace`);
    return ns;
  }
  const named = new Set<string>();
  for (const spec of Object.values(functions)) {
    if (isObject(spec) && typeof spec.namespace === "string" && spec.namespace !== "") {
      named.add(spec.namespace);
    }
  }
  return named.size === 1 ? [...named][0] : DEFAULT_FUNCTION_NAMESPACE;
}

/**
 * Parses the text of a stack file. Relative paths resolve against `baseDir`
 * (an absolute directory). Throws `InvalidInputError` naming the function
 * and field for anything it cannot use.
 *
 * @example Defaults and a shell command
 * ```ts
 * import { parseStackFile } from "./stack_file.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const stack = parseStackFile(
 *   `
 * version: 1.0
 * functions:
 *   hello:
 *     image: hello:latest
 *     labels: { com.openfaas.scale.min: "2" }
 *     fnlogs: { command: "echo hi", cwd: functions }
 * `,
 *   "/srv/app",
 * );
 * assertEquals(stack.version, "1.0");
 * assertEquals(stack.namespace, "openfaas-fn");
 * const hello = stack.functions[0];
 * assertEquals(hello.command, ["sh", "-c", "echo hi"]);
 * assertEquals(hello.replicas, 2);
 * assertEquals(hello.cwd, "/srv/app/functions");
 * assertEquals(hello.restart, "always");
 * ```
 */
export function parseStackFile(text: string, baseDir: string): StackFile {
  let doc: unknown;
  try {
    doc = (parse as (text: string) => unknown)(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new InvalidInputError(`Cannot read stack file: not valid YAML: ${reason}`);
  }
  if (!isObject(doc)) fail("the document", "must be a mapping with a functions key");
  if (!isObject(doc.functions)) fail("functions", "must be a mapping of function names");
  const provider = optionalObject(doc.provider, "provider");
  const namespace = defaultNamespace(doc, doc.functions);
  const functions = Object.entries(doc.functions).map(([name, spec]) =>
    readFunction(name, spec, namespace, baseDir)
  );
  const version = typeof doc.version === "number" && Number.isInteger(doc.version)
    ? doc.version.toFixed(1)
    : optionalString(doc.version, "version");
  return {
    version,
    provider: {
      name: optionalString(provider.name, "provider.name"),
      gateway: optionalString(provider.gateway, "provider.gateway"),
    },
    namespace,
    baseDir: normalize(baseDir),
    functions,
  };
}

/**
 * Reads and parses a stack file; relative paths in it resolve against its
 * directory. Throws `InvalidInputError` when it cannot be read or parsed.
 *
 * @example
 * ```ts ignore
 * import { loadStackFile } from "./stack_file.ts";
 *
 * const stack = await loadStackFile("examples/stack.yml");
 * console.log(stack.functions.map((fn) => fn.name));
 * ```
 */
export async function loadStackFile(path: string): Promise<StackFile> {
  const absolute = joinPath(Deno.cwd(), path);
  let text: string;
  try {
    text = await Deno.readTextFile(absolute);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidInputError(`Cannot read stack file "${path}": ${reason}`);
  }
  return parseStackFile(text, absolute.slice(0, absolute.lastIndexOf("/")) || "/");
}

/**
 * Where a log record lives in JetStream: the subject
 * `PREFIX.<namespace>.<function>.<instance>`, each part escaped so that any
 * name fits in one subject token and comes back unchanged.
 *
 * @module
 */

/** The subject prefix fnlogs writes under, by default. */
export const DEFAULT_SUBJECT_PREFIX = "fnlogs";

// A token keeps letters, digits, `_` and `-`; every other UTF-8 byte is
// written `%XX` (so `.`, `*`, `>`, spaces and `%` itself never appear raw).
const PLAIN = /^[A-Za-z0-9_-]+$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * One subject token for `text`: reversible (see {@linkcode unescapeToken}).
 * The empty string becomes `%` alone, which no escaped text can be.
 *
 * @example
 * ```ts
 * import { escapeToken } from "./subject.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(escapeToken("hello-world_1"), "hello-world_1");
 * assertEquals(escapeToken("web.1"), "web%2E1");
 * assertEquals(escapeToken(""), "%");
 * ```
 */
export function escapeToken(text: string): string {
  if (text === "") return "%";
  if (PLAIN.test(text)) return text;
  let out = "";
  for (const byte of encoder.encode(text)) {
    const c = String.fromCharCode(byte);
    out += byte < 0x80 && PLAIN.test(c)
      ? c
      : "%" + byte.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

/**
 * The text a token was made from, or `undefined` when it is not a token
 * {@linkcode escapeToken} makes.
 */
export function unescapeToken(token: string): string | undefined {
  if (token === "%") return "";
  if (!token.includes("%")) return PLAIN.test(token) ? token : undefined;
  const bytes: number[] = [];
  for (let i = 0; i < token.length; i++) {
    const c = token[i];
    if (c !== "%") {
      if (!PLAIN.test(c)) return undefined;
      bytes.push(c.charCodeAt(0));
      continue;
    }
    const hex = token.slice(i + 1, i + 3);
    if (!/^[0-9A-F]{2}$/.test(hex)) return undefined;
    bytes.push(parseInt(hex, 16));
    i += 2;
  }
  try {
    return decoder.decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}

/** The parts of a log subject. */
export interface LogSubject {
  readonly namespace: string;
  readonly name: string;
  readonly instance: string;
}

/**
 * The subject of one instance's lines.
 *
 * @example
 * ```ts
 * import { logSubject, parseLogSubject } from "./subject.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const subject = logSubject("fnlogs", { namespace: "openfaas-fn", name: "env", instance: "env-1.a" });
 * assertEquals(subject, "fnlogs.openfaas-fn.env.env-1%2Ea");
 * assertEquals(parseLogSubject("fnlogs", subject)?.instance, "env-1.a");
 * ```
 */
export function logSubject(prefix: string, subject: LogSubject): string {
  return `${prefix}.${escapeToken(subject.namespace)}.${escapeToken(subject.name)}.${
    escapeToken(subject.instance)
  }`;
}

/** The filter for every instance of one function (`PREFIX.NS.FN.>`). */
export function functionFilter(prefix: string, namespace: string, name: string): string {
  return `${prefix}.${escapeToken(namespace)}.${escapeToken(name)}.>`;
}

/** The filter for every function of one namespace (`PREFIX.NS.>`). */
export function namespaceFilter(prefix: string, namespace: string): string {
  return `${prefix}.${escapeToken(namespace)}.>`;
}

/** The parts of a log subject, or `undefined` when it is not one under `prefix`. */
export function parseLogSubject(prefix: string, subject: string): LogSubject | undefined {
  if (!subject.startsWith(prefix + ".")) return undefined;
  const tokens = subject.slice(prefix.length + 1).split(".");
  if (tokens.length !== 3) return undefined;
  const [namespace, name, instance] = tokens.map(unescapeToken);
  if (namespace === undefined || name === undefined || instance === undefined) return undefined;
  return { namespace, name, instance };
}

/**
 * Whether `prefix` can lead subjects: one or more plain tokens separated by
 * dots (no wildcards, no spaces).
 */
export function isSubjectPrefix(prefix: string): boolean {
  return prefix.split(".").every((token) => PLAIN.test(token));
}

/**
 * Rewrites `fnlogs logs` arguments into `--key=value` form with canonical
 * long names, applying pflag's value rules and telling `--tail`'s two
 * meanings apart, so that `parseArgs` sees no ambiguity.
 *
 * @module
 */
import { UsageError } from "../../lib/errors.ts";
import { parseGoBool } from "../../lib/go/parse_go_bool.ts";
import { PROVIDER_FLAGS } from "../provider_flags.ts";

/** Flags that take a value, by long name. */
export const VALUE_FLAGS: Readonly<Record<string, string>> = {
  "gateway": "gateway",
  "namespace": "namespace",
  "since": "since",
  "since-time": "since-time",
  "lines": "lines",
  "output": "output",
  "time-format": "time-format",
  "token": "token",
  "cacert": "cacert",
  "instance-filter": "instance-filter",
  "grep": "grep",
  "exclude": "exclude",
  "until-match": "until-match",
  "for": "for",
  "max-lines": "max-lines",
  "max-reconnects": "max-reconnects",
  "color": "color",
  "idle-timeout": "idle-timeout",
  "level": "level",
  "where": "where",
  "highlight": "highlight",
  "template": "template",
  "rate-limit": "rate-limit",
  "resume-file": "resume-file",
  ...Object.fromEntries(PROVIDER_FLAGS.map((flag) => [flag, flag])),
};
const SHORT_VALUE_FLAGS: Readonly<Record<string, string>> = {
  g: "gateway",
  n: "namespace",
  o: "output",
  k: "token",
};
/** Bool flags, by long name. */
export const BOOL_FLAGS: Readonly<Record<string, string>> = {
  "json": "json",
  "name": "name",
  "instance": "instance",
  "tls-no-verify": "tls-no-verify",
  "follow": "follow",
  "all": "all",
  "events": "events",
  "help": "help",
  "parsed": "parsed",
  "multiline": "multiline",
  "collapse": "collapse",
};
const SHORT_BOOL_FLAGS: Readonly<Record<string, string>> = {
  j: "json",
  f: "follow",
  t: "follow",
  h: "help",
};
const INTEGER = /^[+-]?\d+$/;
/** Bool words `--tail WORD` takes from the next argument (single letters only with `=`). */
const TAIL_WORDS = new Set(["true", "false", "TRUE", "FALSE", "True", "False"]);

/**
 * Rewrites every flag into `--key=value` with its canonical long name:
 * pflag's rules for values (`-n ns`, `-nns`, `-n=ns`, `--lines -1`), bool
 * clusters (`-jf`), `--no-reconnect` as `--reconnect=false`, and `--tail`
 * as `--tail-lines=N` (an integer) or `--follow=BOOL` (a Go bool, or
 * nothing). Names and what follows `--` are left alone. Throws
 * {@linkcode UsageError} for unknown flags and missing values.
 *
 * @example
 * ```ts
 * import { canonicalizeLogsArgs } from "./canonicalize_args.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(
 *   canonicalizeLogsArgs(["hello", "-jf", "-nns", "--tail", "20", "--tail=false", "--tail"]),
 *   ["hello", "--json=true", "--follow=true", "--namespace=ns", "--tail-lines=20", "--follow=false", "--follow=true"],
 * );
 * ```
 */
export function canonicalizeLogsArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      out.push(...args.slice(i));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      out.push(arg);
      continue;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const key = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      const value = eq === -1 ? undefined : arg.slice(eq + 1);
      if (key === "tail") {
        if (value !== undefined) out.push(tailValue(value));
        else if (i + 1 < args.length && INTEGER.test(args[i + 1])) {
          out.push(tailValue(args[++i]));
        } else if (i + 1 < args.length && TAIL_WORDS.has(args[i + 1])) {
          out.push(tailValue(args[++i]));
        } else out.push("--follow=true");
      } else if (key === "no-reconnect") {
        out.push(`--reconnect=${!parseBool("no-reconnect", value ?? "true")}`);
      } else if (key in VALUE_FLAGS) {
        if (value !== undefined) out.push(`--${VALUE_FLAGS[key]}=${value}`);
        else if (i + 1 < args.length) out.push(`--${VALUE_FLAGS[key]}=${args[++i]}`);
        else throw new UsageError(`flag needs an argument: --${key}`);
      } else if (key in BOOL_FLAGS) {
        out.push(`--${BOOL_FLAGS[key]}=${value ?? "true"}`);
      } else {
        throw new UsageError(`unknown flag: --${key}`);
      }
      continue;
    }
    const letters = arg.slice(1);
    for (let j = 0; j < letters.length; j++) {
      const letter = letters[j];
      const rest = letters.slice(j + 1);
      if (letter in SHORT_VALUE_FLAGS) {
        const key = SHORT_VALUE_FLAGS[letter];
        if (rest !== "") out.push(`--${key}=${rest.startsWith("=") ? rest.slice(1) : rest}`);
        else if (i + 1 < args.length) out.push(`--${key}=${args[++i]}`);
        else throw new UsageError(`flag needs an argument: '${letter}' in ${arg}`);
        break;
      }
      if (letter in SHORT_BOOL_FLAGS) {
        const key = SHORT_BOOL_FLAGS[letter];
        if (rest.startsWith("=")) {
          out.push(`--${key}=${rest.slice(1)}`);
          break;
        }
        out.push(`--${key}=true`);
        continue;
      }
      throw new UsageError(`unknown shorthand flag: '${letter}' in ${arg}`);
    }
  }
  return out;
}

/** `--tail`: an integer is a line count (kubectl, docker); a Go bool is follow (faas-cli). */
function tailValue(value: string): string {
  if (INTEGER.test(value)) return `--tail-lines=${value}`;
  if (parseGoBool(value) !== undefined) return `--follow=${value}`;
  throw new UsageError(
    `invalid argument "${value}" for "--tail": expected a line count or true/false`,
  );
}

function parseBool(flag: string, value: string): boolean {
  const parsed = parseGoBool(value);
  if (parsed === undefined) {
    throw new UsageError(`invalid argument "${value}" for "--${flag}": expected true or false`);
  }
  return parsed;
}

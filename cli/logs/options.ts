/**
 * `fnlogs logs` flags: faas-cli's, kubectl's and docker's habits, and
 * fnlogs' own, narrowed into one typed object by a pure function.
 *
 * @module
 */
import { parseArgs } from "@std/cli";
import { BOOL_FLAGS, canonicalizeLogsArgs, VALUE_FLAGS } from "./canonicalize_args.ts";
import { UsageError } from "../../lib/errors.ts";
import { resolveTimeFormat } from "../../lib/render/format_go_time.ts";
import { parseGoBool } from "../../lib/go/parse_go_bool.ts";
import { parseGoDuration } from "../../lib/go/parse_go_duration.ts";
import { parseTimestamp } from "../../lib/time/timestamp.ts";
import { regexRisk } from "../../lib/filters/regex_risk.ts";
import type { ProviderOptions } from "../../lib/providers/mod.ts";
import { integerFlag, parseProviderFlags } from "../provider_flags.ts";
import { parseStructuredFlags, type StructuredOptions } from "./structured_options.ts";
import { DEFAULT_GATEWAY, parseGatewayFlags } from "./gateway_flags.ts";

/** faas-cli's `--output` values. */
export type OutputFormat = "plain" | "keyvalue" | "json";
/** `--color` values. */
export type ColorMode = "auto" | "always" | "never";

export { DEFAULT_GATEWAY };

/** Everything `fnlogs logs` was asked to do. */
export interface LogsOptions extends StructuredOptions {
  readonly help: boolean;
  /** Function names, in the order given (empty with `--all`). */
  readonly names: readonly string[];
  /** Every function of the namespace (`GET /system/functions`). */
  readonly all: boolean;
  /** `-g`, else `OPENFAAS_URL`, else the default; normalized as faas-cli does. */
  readonly gateway: string;
  /** Every `-g` (several: merged in timestamp order, each line saying where it came from). */
  readonly gateways: readonly string[];
  /** `--context NAME` (without `--provider`): the gateways of that config file context. */
  readonly context?: string;
  /** `--resume-file FILE`: start where the last run with FILE stopped, and keep FILE up to date. */
  readonly resumeFile?: string;
  /** `--reorder-window MS` for several gateways (default 100). */
  readonly reorderWindowMs?: number;
  /** `""`: the gateway's default namespace. */
  readonly namespace: string;
  /** `--since DURATION` in ms (faas-cli: sent when not 0). */
  readonly sinceMs?: number;
  /** `--since-time RFC3339`, validated (wins over `--since`). */
  readonly sinceTime?: string;
  /** `--lines N` or `--tail N`: sent as `tail=N` unless 0 (default -1, like faas-cli). */
  readonly lines: number;
  /** `--tail 0`: no history, only new lines (sent as `since` = now). */
  readonly noHistory: boolean;
  /** faas-cli's `-t/--tail BOOL`, kubectl's `-f/--follow` (default true). */
  readonly follow: boolean;
  readonly output: OutputFormat;
  /** A resolved Go layout; `""` hides the time. */
  readonly timeFormat: string;
  readonly showName: boolean;
  readonly showInstance: boolean;
  readonly token?: string;
  readonly tlsNoVerify: boolean;
  /** `--cacert FILE`: a PEM file of extra root certificates. */
  readonly caCert?: string;
  /** `--instance-filter NAME`: sent as `instance`, and applied here too. */
  readonly instanceFilter?: string;
  readonly grep: readonly RegExp[];
  readonly exclude: readonly RegExp[];
  readonly untilMatch?: RegExp;
  readonly forMs?: number;
  readonly maxLines?: number;
  readonly reconnect: boolean;
  /** Attempts in a row without a healthy connection (default: unlimited). */
  readonly maxReconnects?: number;
  readonly events: boolean;
  readonly color: ColorMode;
  /** Direct mode: read this provider instead of a gateway (`--stack` implies `local`). */
  readonly provider?: ProviderOptions;
  /** `undefined`: 45 s for fnlogs' event stream, off for NDJSON; 0: off. */
  readonly idleTimeoutMs?: number;
}

const INTEGER = /^[+-]?\d+$/;

function parseBool(flag: string, value: string): boolean {
  const parsed = parseGoBool(value);
  if (parsed === undefined) {
    throw new UsageError(`invalid argument "${value}" for "--${flag}": expected true or false`);
  }
  return parsed;
}

function parseInteger(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!INTEGER.test(value) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(
      `invalid argument "${value}" for "--${flag}": expected an integer${
        min > -Infinity ? ` of at least ${min}` : ""
      }`,
    );
  }
  return n;
}

function parseDuration(flag: string, value: string, positive: boolean): number {
  let ms: number;
  try {
    ms = parseGoDuration(value);
  } catch (error) {
    throw new UsageError(
      `invalid argument "${value}" for "--${flag}": ${(error as Error).message}`,
    );
  }
  if (positive && !(ms > 0)) {
    throw new UsageError(`invalid argument "${value}" for "--${flag}": must be positive`);
  }
  if (!positive && ms < 0) {
    throw new UsageError(`invalid argument "${value}" for "--${flag}": must not be negative`);
  }
  return ms;
}

function parseRegex(flag: string, value: string): RegExp {
  const risk = regexRisk(value);
  if (risk !== undefined) {
    throw new UsageError(`invalid argument "${value}" for "--${flag}": ${risk}`);
  }
  try {
    return new RegExp(value);
  } catch (error) {
    throw new UsageError(
      `invalid argument "${value}" for "--${flag}": ${(error as Error).message}`,
    );
  }
}

type Parsed = { readonly _: readonly string[] } & Readonly<Record<string, unknown>>;
const parse: (args: string[], options: Record<string, unknown>) => Parsed = parseArgs;

/**
 * Parses `fnlogs logs` arguments (without the `logs` word) into
 * {@linkcode LogsOptions}, or throws {@linkcode UsageError}.
 *
 * `--tail` carries two meanings and is told apart by its value: an integer
 * (`--tail 20`, `--tail=20`, `--tail -1`, and also `--tail 1` and
 * `--tail 0`) is a line count as in kubectl and docker; a Go bool
 * (`--tail=false`, `--tail=true`, `--tail=f`, and with a space only the
 * words `true`/`false` in any of Go's cases) is faas-cli's follow switch;
 * a bare `--tail` (last, or before a flag or a name) means follow, as in
 * faas-cli. So `--tail=1`, which faas-cli reads as follow, is one line
 * here; write `--tail=true`. `--tail 0` shows no history, only new lines
 * (faas-cli's `--lines 0` still means no limit). `-t` is always follow.
 *
 * @example faas-cli's and kubectl's habits
 * ```ts
 * import { parseLogsOptions } from "./options.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const env = (_: string) => undefined;
 * const a = parseLogsOptions(["hello", "--tail=false", "--lines=5"], env);
 * assertEquals([a.names, a.follow, a.lines], [["hello"], false, 5]);
 * const b = parseLogsOptions(["hello", "--tail", "20", "-f"], env);
 * assertEquals([b.follow, b.lines, b.gateway], [true, 20, "http://127.0.0.1:8080"]);
 * ```
 */
export function parseLogsOptions(
  args: readonly string[],
  env: (name: string) => string | undefined,
): LogsOptions {
  const parsed = parse(canonicalizeLogsArgs(args), {
    string: [
      ...Object.values(VALUE_FLAGS),
      ...Object.values(BOOL_FLAGS),
      "tail-lines",
      "reconnect",
      "_",
    ],
    collect: ["grep", "exclude", "where", "highlight", "gateway"],
  });
  const str = (key: string): string | undefined => parsed[key] as string | undefined;
  const bool = (key: string, fallback: boolean): boolean => {
    const value = str(key);
    return value === undefined ? fallback : parseBool(key, value);
  };
  const list = (key: string): string[] => (parsed[key] as string[] | undefined) ?? [];

  const help = bool("help", false);
  const names = parsed._.map(String);
  const all = bool("all", false);
  if (!help) {
    if (all && names.length > 0) throw new UsageError("Give function names or --all, not both");
    if (!all && names.length === 0) throw new UsageError("function name is required");
    for (const name of names) {
      if (name === "") throw new UsageError("A function name cannot be empty");
    }
  }

  const sinceValue = str("since");
  const sinceMs = sinceValue === undefined ? undefined : parseDurationSigned(sinceValue);
  const sinceTime = str("since-time");
  if (sinceTime !== undefined && parseTimestamp(sinceTime) === undefined) {
    throw new UsageError(
      `invalid argument "${sinceTime}" for "--since-time": expected RFC3339, as in 2006-01-02T15:04:05Z`,
    );
  }

  const linesFlag = str("lines");
  const tailLines = str("tail-lines");
  if (linesFlag !== undefined && tailLines !== undefined) {
    throw new UsageError("Give the line count once: --lines N or --tail N");
  }
  const lines = linesFlag !== undefined
    ? parseInteger("lines", linesFlag, -Infinity)
    : tailLines !== undefined
    ? parseInteger("tail", tailLines, -Infinity)
    : -1;
  const noHistory = tailLines !== undefined && lines === 0;

  const outputFlag = str("output")?.toLowerCase() ?? "plain";
  if (outputFlag !== "plain" && outputFlag !== "keyvalue" && outputFlag !== "json") {
    throw new UsageError(`invalid argument "${str("output")}" for "--output": unknown log format`);
  }
  const output: OutputFormat = bool("json", false) ? "json" : outputFlag;

  const color = str("color") ?? "auto";
  if (color !== "auto" && color !== "always" && color !== "never") {
    throw new UsageError(
      `invalid argument "${color}" for "--color": expected auto, always or never`,
    );
  }

  const events = bool("events", false);
  if (events && output !== "json") {
    throw new UsageError("--events needs JSON output (-o json or --json)");
  }

  const structured = parseStructuredFlags(str, list, bool, output);

  const maxLinesFlag = str("max-lines");
  const maxReconnectsFlag = str("max-reconnects");
  const forFlag = str("for");
  const idleFlag = str("idle-timeout");
  const untilFlag = str("until-match");
  if (str("provider") === "") throw new UsageError(`--provider needs a provider name`);
  const provider = parseProviderFlags(str, env);
  const where = parseGatewayFlags(list("gateway"), provider ? undefined : str("context"), env);
  if (provider !== undefined && where.explicit) {
    throw new UsageError("Give --gateway or --provider, not both");
  }

  return {
    help,
    names,
    all,
    gateway: where.gateway,
    gateways: where.gateways,
    context: where.context,
    resumeFile: str("resume-file") || undefined,
    reorderWindowMs: integerFlag("reorder-window", str("reorder-window"), 0),
    namespace: str("namespace") ?? "",
    sinceMs: sinceMs === 0 ? undefined : sinceMs,
    sinceTime,
    lines,
    noHistory,
    follow: bool("follow", true),
    output,
    timeFormat: resolveTimeFormat(str("time-format") ?? "rfc3339"),
    showName: bool("name", false),
    showInstance: bool("instance", false),
    token: str("token") || undefined,
    tlsNoVerify: bool("tls-no-verify", false),
    caCert: str("cacert") || undefined,
    instanceFilter: str("instance-filter") || undefined,
    grep: list("grep").map((value) => parseRegex("grep", value)),
    exclude: list("exclude").map((value) => parseRegex("exclude", value)),
    untilMatch: untilFlag === undefined ? undefined : parseRegex("until-match", untilFlag),
    forMs: forFlag === undefined ? undefined : parseDuration("for", forFlag, true),
    maxLines: maxLinesFlag === undefined ? undefined : parseInteger("max-lines", maxLinesFlag, 1),
    reconnect: bool("reconnect", true),
    maxReconnects: maxReconnectsFlag === undefined
      ? undefined
      : parseInteger("max-reconnects", maxReconnectsFlag, 0),
    events,
    color,
    provider,
    idleTimeoutMs: idleFlag === undefined
      ? undefined
      : parseDuration("idle-timeout", idleFlag, false),
    ...structured,
  };

  function parseDurationSigned(value: string): number {
    try {
      return parseGoDuration(value);
    } catch (error) {
      throw new UsageError(
        `invalid argument "${value}" for "--since": ${(error as Error).message}`,
      );
    }
  }
}

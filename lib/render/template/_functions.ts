/**
 * The functions a template can call: Go's builtins that fit log lines, and
 * stern's (`json`, `parseJSON`, `tryParseJSON`, `toTimestamp`,
 * `toRFC3339Nano`, `color`, `levelColor`, `bunyanLevelColor`,
 * `colorRed`...).
 *
 * @module
 */
import { levelOfValue } from "../../parse/log_level.ts";
import { formatGoTime, resolveTimeFormat } from "../format_go_time.ts";
import { LEVEL_COLORS, sgrWrap } from "../style_text.ts";
import { parseTimestamp, type Timestamp } from "../../time/timestamp.ts";
import { goSprintf, showValue } from "./go_sprintf.ts";

/** A failure while a template runs (a wrong argument, JSON that does not parse). */
export class TemplateRuntimeError extends Error {
  override name = "TemplateRuntimeError";
}

/** What functions may consult. */
export interface FunctionEnv {
  /** Whether colour functions colour (a terminal, `--color`). */
  readonly color: boolean;
}

/** A callable: how many arguments it takes, and what it does. */
export interface TemplateFunction {
  readonly min: number;
  readonly max: number;
  call(args: unknown[], env: FunctionEnv): unknown;
}

/** Go's truth: false, 0, nil, and empty strings, arrays and maps are false. */
export function truthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === "") {
    return false;
  }
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.keys(value).length > 0;
  }
  if (typeof value === "object" && Object.getPrototypeOf(value) === null) {
    return Object.keys(value).length > 0;
  }
  return true;
}

const COLOR_NAMES: Readonly<Record<string, string>> = {
  black: "30",
  red: "31",
  green: "32",
  yellow: "33",
  blue: "34",
  magenta: "35",
  cyan: "36",
  white: "37",
  gray: "90",
  grey: "90",
  brightred: "91",
  brightgreen: "92",
  brightyellow: "93",
  brightblue: "94",
  brightmagenta: "95",
  brightcyan: "96",
  brightwhite: "97",
  bold: "1",
  faint: "2",
  italic: "3",
  underline: "4",
};

function sgrOf(color: unknown): string {
  if (typeof color === "number" && Number.isInteger(color) && color >= 0 && color < 256) {
    return String(color);
  }
  if (typeof color === "string") {
    if (/^\d{1,3}(;\d{1,3})*$/.test(color)) return color;
    const named = COLOR_NAMES[color.toLowerCase()];
    if (named !== undefined) return named;
  }
  throw new TemplateRuntimeError(`color: unknown color ${JSON.stringify(showValue(color))}`);
}

function paint(text: unknown, sgr: string, env: FunctionEnv): string {
  const shown = showValue(text);
  return env.color ? `\x1b[${sgr}m${shown}\x1b[0m` : shown;
}

function levelColor(value: unknown, env: FunctionEnv): string {
  const shown = showValue(value);
  const level = levelOfValue(value);
  return env.color && level !== undefined ? sgrWrap(shown, LEVEL_COLORS[level]) : shown;
}

/** The offset of `zone` (`UTC`, `Local`, an IANA name) at an instant, in seconds east. */
function zoneOffset(zone: string, ms: number): number {
  if (zone === "" || zone === "UTC") return 0;
  if (zone === "Local") return -new Date(ms).getTimezoneOffset() * 60;
  let name: string | undefined;
  try {
    name = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })
      .formatToParts(new Date(ms)).find((p) => p.type === "timeZoneName")?.value;
  } catch {
    throw new TemplateRuntimeError(`toTimestamp: unknown time zone ${JSON.stringify(zone)}`);
  }
  const match = /GMT([+-])(\d\d):(\d\d)/.exec(name ?? "");
  if (match === null) return 0;
  return (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 3600 + Number(match[3]) * 60);
}

/**
 * An instant from what a log line holds: RFC3339 text, or a number of
 * seconds (zap's `ts`), milliseconds (pino's `time`), microseconds or
 * nanoseconds since the epoch, told apart by size.
 */
function instantOf(value: unknown): Timestamp {
  if (typeof value === "string") {
    const parsed = parseTimestamp(value.trim());
    if (parsed !== undefined) return parsed;
    if (value.trim() !== "" && Number.isFinite(Number(value))) return instantOf(Number(value));
  } else if (typeof value === "number" && Number.isFinite(value)) {
    const abs = Math.abs(value);
    const scale = abs < 1e11 ? 1 : abs < 1e14 ? 1e3 : abs < 1e17 ? 1e6 : 1e9;
    const seconds = Math.floor(value / scale);
    // The remainder in the value's own unit is exact for whole milliseconds and the like.
    const nanos = Math.round((value - seconds * scale) * (1e9 / scale));
    return { seconds, nanos: Math.max(0, Math.min(nanos, 999_999_999)), offsetSeconds: 0 };
  }
  throw new TemplateRuntimeError(
    `toTimestamp: cannot read a time from ${JSON.stringify(showValue(value))}`,
  );
}

function toTimestamp(value: unknown, layout: unknown, zone: unknown): string {
  const instant = instantOf(value);
  const offset = zoneOffset(
    typeof zone === "string" ? zone : "UTC",
    instant.seconds * 1000 + instant.nanos / 1e6,
  );
  const resolved = resolveTimeFormat(typeof layout === "string" ? layout : showValue(layout));
  return formatGoTime({ ...instant, offsetSeconds: offset }, resolved);
}

/** Go's `json.Marshal` escaping of HTML characters and line separators. */
function goJson(value: unknown): string {
  const text = JSON.stringify(value === undefined ? null : value) ?? "null";
  return text.replace(
    /[<>&\u2028\u2029]/g,
    (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"),
  );
}

function compare(name: string, a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  throw new TemplateRuntimeError(`${name}: cannot compare ${showValue(a)} with ${showValue(b)}`);
}

function equal(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  return a === b;
}

function utf8Length(text: string): number {
  let n = 0;
  for (const c of text) {
    const code = c.codePointAt(0) as number;
    n += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return n;
}

const fn = (
  min: number,
  max: number,
  call: (args: unknown[], env: FunctionEnv) => unknown,
): TemplateFunction => ({ min, max, call });

/** Every function by name; `and` and `or` are handled by the compiler (they short-circuit). */
export const FUNCTIONS: ReadonlyMap<string, TemplateFunction> = new Map<string, TemplateFunction>([
  ["not", fn(1, 1, ([x]) => !truthy(x))],
  [
    "len",
    fn(1, 1, ([x]) => {
      if (typeof x === "string") return utf8Length(x);
      if (Array.isArray(x)) return x.length;
      if (typeof x === "object" && x !== null) return Object.keys(x).length;
      throw new TemplateRuntimeError(`len of ${showValue(x) || "nil"}`);
    }),
  ],
  [
    "index",
    fn(1, Infinity, ([x, ...keys]) => {
      let value = x;
      for (const key of keys) {
        if (Array.isArray(value) && typeof key === "number" && Number.isInteger(key)) {
          if (key < 0 || key >= value.length) {
            throw new TemplateRuntimeError(`index out of range: ${key}`);
          }
          value = value[key];
        } else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
          const name = showValue(key);
          value = Object.hasOwn(value, name) ? (value as Record<string, unknown>)[name] : undefined;
        } else if (value === undefined || value === null) {
          return undefined;
        } else {
          throw new TemplateRuntimeError(`cannot index ${showValue(value)} with ${showValue(key)}`);
        }
      }
      return value;
    }),
  ],
  ["eq", fn(2, Infinity, ([a, ...rest]) => rest.some((b) => equal(a, b)))],
  ["ne", fn(2, 2, ([a, b]) => !equal(a, b))],
  ["lt", fn(2, 2, ([a, b]) => compare("lt", a, b) < 0)],
  ["le", fn(2, 2, ([a, b]) => compare("le", a, b) <= 0)],
  ["gt", fn(2, 2, ([a, b]) => compare("gt", a, b) > 0)],
  ["ge", fn(2, 2, ([a, b]) => compare("ge", a, b) >= 0)],
  [
    "print",
    fn(0, Infinity, (args) => {
      let out = "";
      for (let i = 0; i < args.length; i++) {
        if (i > 0 && typeof args[i] !== "string" && typeof args[i - 1] !== "string") out += " ";
        out += showValue(args[i]);
      }
      return out;
    }),
  ],
  ["println", fn(0, Infinity, (args) => args.map(showValue).join(" ") + "\n")],
  ["printf", fn(1, Infinity, ([format, ...args]) => goSprintf(showValue(format), args))],
  ["json", fn(1, 1, ([x]) => goJson(x))],
  [
    "parseJSON",
    fn(1, 1, ([x]) => {
      try {
        return JSON.parse(showValue(x));
      } catch (error) {
        throw new TemplateRuntimeError(`parseJSON: ${(error as Error).message}`);
      }
    }),
  ],
  [
    "tryParseJSON",
    fn(1, 1, ([x]) => {
      try {
        return JSON.parse(showValue(x));
      } catch {
        return null;
      }
    }),
  ],
  ["toTimestamp", fn(2, 3, ([value, layout, zone]) => toTimestamp(value, layout, zone))],
  ["toRFC3339Nano", fn(1, 1, ([value]) => toTimestamp(value, "rfc3339nano", "UTC"))],
  ["color", fn(2, 2, ([color, text], env) => paint(text, sgrOf(color), env))],
  ["levelColor", fn(1, 1, ([level], env) => levelColor(level, env))],
  ["bunyanLevelColor", fn(1, 1, ([level], env) => levelColor(level, env))],
  ...["Black", "Red", "Green", "Yellow", "Blue", "Magenta", "Cyan", "White"].map((name) =>
    [
      `color${name}`,
      fn(1, 1, ([text], env) => paint(text, COLOR_NAMES[name.toLowerCase()], env)),
    ] as [string, TemplateFunction]
  ),
]);

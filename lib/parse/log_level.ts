/**
 * Log levels: the six fnlogs normalises every logger's names and numbers to,
 * their order, and the tables that map names (pino, bunyan, zap, logrus,
 * slog, zerolog, Serilog, Python, Java, syslog) and numbers (syslog
 * severities, pino/bunyan levels) onto them.
 *
 * @module
 */

/** A normalised level, from the least to the most severe. */
export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal";

/** The levels in order of severity, least severe first. */
export const LOG_LEVELS: readonly LogLevel[] = Object.freeze([
  "trace",
  "debug",
  "info",
  "warn",
  "error",
  "fatal",
]);

const RANK: Readonly<Record<LogLevel, number>> = {
  trace: 0,
  debug: 1,
  info: 2,
  warn: 3,
  error: 4,
  fatal: 5,
};

/**
 * Names (lower case) of each level across common loggers. Syslog's
 * `crit`/`alert`/`emerg` and Python's `critical` count as `fatal`; zap's
 * `dpanic` and Java's `severe` as `error`; `notice` as `info`; Serilog's
 * `verbose` as `trace`; logrus' four-letter forms (`erro`, `fata`, ...) and
 * zerolog's and Serilog's three-letter forms (`err`, `wrn`, `inf`, ...) too.
 */
const NAMES: ReadonlyMap<string, LogLevel> = new Map<string, LogLevel>([
  ["trace", "trace"],
  ["trac", "trace"],
  ["trc", "trace"],
  ["verbose", "trace"],
  ["vrb", "trace"],
  ["debug", "debug"],
  ["debu", "debug"],
  ["dbg", "debug"],
  ["info", "info"],
  ["inf", "info"],
  ["information", "info"],
  ["informational", "info"],
  ["notice", "info"],
  ["warn", "warn"],
  ["warning", "warn"],
  ["wrn", "warn"],
  ["error", "error"],
  ["erro", "error"],
  ["err", "error"],
  ["severe", "error"],
  ["dpanic", "error"],
  ["fatal", "fatal"],
  ["fata", "fatal"],
  ["ftl", "fatal"],
  ["panic", "fatal"],
  ["pani", "fatal"],
  ["critical", "fatal"],
  ["crit", "fatal"],
  ["alert", "fatal"],
  ["emerg", "fatal"],
  ["emergency", "fatal"],
]);

/** The longest name in {@linkcode NAMES} (`informational`). */
export const MAX_LEVEL_NAME_LENGTH = 13;

/**
 * The level a name stands for, in any letter case and without surrounding
 * spaces (`"WARNING"`, `" info "`, `"Err"`), or `undefined` for a name no
 * logger uses for a level.
 *
 * @example
 * ```ts
 * import { levelFromName } from "./log_level.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(levelFromName("WARNING"), "warn");
 * assertEquals(levelFromName("critical"), "fatal");
 * assertEquals(levelFromName("loud"), undefined);
 * ```
 */
export function levelFromName(name: string): LogLevel | undefined {
  if (name.length > MAX_LEVEL_NAME_LENGTH + 8) return undefined;
  return NAMES.get(name.trim().toLowerCase());
}

/**
 * The level a number stands for: `0`-`7` are syslog severities (0-2
 * `fatal`, 3 `error`, 4 `warn`, 5-6 `info`, 7 `debug`); `10`-`69` are
 * pino's and bunyan's levels by tens (10 `trace`, 20 `debug`, 30 `info`, 40
 * `warn`, 50 `error`, 60 `fatal`, a custom 35 counting as `info`). Anything
 * else (8, 9, 70 and above, negatives, fractions, huge numbers) is
 * `undefined`.
 *
 * @example
 * ```ts
 * import { levelFromNumber } from "./log_level.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(levelFromNumber(50), "error");
 * assertEquals(levelFromNumber(3), "error");
 * assertEquals(levelFromNumber(1e300), undefined);
 * ```
 */
export function levelFromNumber(value: number): LogLevel | undefined {
  if (!Number.isInteger(value) || value < 0 || value >= 70) return undefined;
  if (value <= 7) {
    return value <= 2
      ? "fatal"
      : value === 3
      ? "error"
      : value === 4
      ? "warn"
      : value <= 6
      ? "info"
      : "debug";
  }
  if (value < 10) return undefined;
  return LOG_LEVELS[Math.floor(value / 10) - 1];
}

/**
 * The level a JSON value states: a name (see {@linkcode levelFromName}) or a
 * number (see {@linkcode levelFromNumber}); any other type has none.
 *
 * @example
 * ```ts
 * import { levelOfValue } from "./log_level.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals([levelOfValue("warn"), levelOfValue(50), levelOfValue(true)], ["warn", "error", undefined]);
 * ```
 */
export function levelOfValue(value: unknown): LogLevel | undefined {
  return typeof value === "string"
    ? levelFromName(value)
    : typeof value === "number"
    ? levelFromNumber(value)
    : undefined;
}

/**
 * Compares two levels by severity: negative when `a` is less severe than
 * `b`, 0 when equal, positive when more severe.
 *
 * @example
 * ```ts
 * import { compareLevels } from "./log_level.ts";
 * import { assert } from "@std/assert";
 *
 * assert(compareLevels("error", "warn") > 0);
 * ```
 */
export function compareLevels(a: LogLevel, b: LogLevel): number {
  return RANK[a] - RANK[b];
}

/** The position of a level in {@linkcode LOG_LEVELS} (trace 0 ... fatal 5). */
export function levelRank(level: LogLevel): number {
  return RANK[level];
}

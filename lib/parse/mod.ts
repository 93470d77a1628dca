/**
 * Reading what a log line says: its format (JSON, logfmt, plain text), its
 * level, its fields and dotted paths into them.
 *
 * Pure and dependency-free: no Deno APIs and no imports from outside this
 * folder, so a browser page can bundle it as it is.
 *
 * @example
 * ```ts
 * import { parseLogLine } from "./mod.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(parseLogLine('{"severity":"WARNING","msg":"slow"}').level, "warn");
 * ```
 *
 * @module
 */
export { type LogFormat, type ParsedLine, parseLogLine } from "./parse_log_line.ts";
export {
  compareLevels,
  levelFromName,
  levelFromNumber,
  levelOfValue,
  levelRank,
  LOG_LEVELS,
  type LogLevel,
} from "./log_level.ts";
export { levelOfPlainText } from "./plain_level.ts";
export { logfmtValue, parseLogfmt, scanLogfmt } from "./logfmt.ts";
export { getFieldPath } from "./field_path.ts";

/**
 * The field mapping faas-cli applies when it decodes a log message, shared by
 * the NDJSON and event-stream decoders.
 *
 * @module
 */

import type { LogRecord } from "../types.ts";

/** Go's case folding of a key, enough to tell whether it names one of our fields. */
function foldKey(key: string): string {
  // Go matches keys with bytes.EqualFold: besides ASCII case, the only runes that
  // fold onto the letters of our field names are U+017F (long s) and U+212A
  // (Kelvin sign); toLowerCase maps the latter to "k", the former is kept.
  return key.toLowerCase().replaceAll("\u017f", "s");
}

/**
 * Maps one decoded JSON value to a {@linkcode LogRecord} the way Go's
 * `encoding/json` fills faas-cli's message struct: the keys `name`,
 * `namespace`, `instance`, `timestamp` and `text`, matched exactly or else
 * case-insensitively as Go does (a later key wins over an earlier one);
 * missing keys and `null` values give `""`; unknown keys are ignored.
 *
 * Returns `undefined` where Go would fail the decode: a value that is not an
 * object (arrays and `null` included), or one of the five fields holding
 * something other than a string or `null`. The timestamp is kept as text,
 * even when it is not RFC3339. The result never has `cursor` or `missed`.
 *
 * @example Missing and unknown keys
 * ```ts
 * import { toLogRecord } from "./to_log_record.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(toLogRecord({ name: "env", Text: "hi", extra: 1 }), {
 *   name: "env",
 *   namespace: "",
 *   instance: "",
 *   timestamp: "",
 *   text: "hi",
 * });
 * assertEquals(toLogRecord([1, 2]), undefined);
 * assertEquals(toLogRecord({ name: 42 }), undefined);
 * ```
 */
export function toLogRecord(value: unknown): LogRecord | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const object = value as Record<string, unknown>;
  let name = "", namespace = "", instance = "", timestamp = "", text = "";
  for (const key in object) {
    const field = object[key];
    let slot: string;
    switch (key) {
      case "name":
      case "namespace":
      case "instance":
      case "timestamp":
      case "text":
        slot = key;
        break;
      default:
        // The shortest name has 4 letters, the longest 9; U+212A and U+017F are
        // single UTF-16 units, so folding never changes the length.
        if (key.length < 4 || key.length > 9) continue;
        slot = foldKey(key);
    }
    if (field === null) continue;
    switch (slot) {
      case "name":
        if (typeof field !== "string") return undefined;
        name = field;
        break;
      case "namespace":
        if (typeof field !== "string") return undefined;
        namespace = field;
        break;
      case "instance":
        if (typeof field !== "string") return undefined;
        instance = field;
        break;
      case "timestamp":
        if (typeof field !== "string") return undefined;
        timestamp = field;
        break;
      case "text":
        if (typeof field !== "string") return undefined;
        text = field;
        break;
    }
  }
  return { name, namespace, instance, timestamp, text };
}

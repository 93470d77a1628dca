/**
 * Dotted paths into parsed fields: `http.status`, `items.0.id`, and keys that
 * hold dots themselves (ECS's `log.level`).
 *
 * @module
 */

/**
 * The value at `path` in `value`, or `undefined`. At each object the whole
 * rest of the path is tried as a key first (so `{"log.level":"x"}` answers
 * `log.level`), then the part before the first dot, descending. Array items
 * are reached by their index (`items.0`). Only own properties count
 * (`constructor` or `__proto__` never reach a prototype).
 *
 * @example
 * ```ts
 * import { getFieldPath } from "./field_path.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const fields = { http: { status: 503 }, "log.level": "warn", items: [{ id: "a" }] };
 * assertEquals(getFieldPath(fields, "http.status"), 503);
 * assertEquals(getFieldPath(fields, "log.level"), "warn");
 * assertEquals(getFieldPath(fields, "items.0.id"), "a");
 * assertEquals(getFieldPath(fields, "http.method"), undefined);
 * ```
 */
export function getFieldPath(value: unknown, path: string): unknown {
  let rest = path;
  let current = value;
  for (;;) {
    if (typeof current !== "object" || current === null) return undefined;
    const record = current as Record<string, unknown>;
    if (Object.hasOwn(record, rest)) return record[rest];
    const dot = rest.indexOf(".");
    if (dot < 0) return undefined;
    const key = rest.slice(0, dot);
    if (!Object.hasOwn(record, key)) return undefined;
    current = record[key];
    rest = rest.slice(dot + 1);
  }
}

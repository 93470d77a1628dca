/**
 * The line prefix that says which gateway a line came from, when one run
 * reads several.
 *
 * @module
 */
import type { LogRecord } from "../../lib/types.ts";
import { colorize } from "./colors.ts";
import { originOf } from "./origin.ts";
import type { OutputFormat } from "./options.ts";

/**
 * Wraps a batch renderer so that every line says which gateway it came
 * from (its {@linkcode originOf} label): `[LABEL] ` before a plain line
 * (coloured per gateway with `color`), `gateway="LABEL" ` before a
 * keyvalue line, and a sixth key `"gateway":"LABEL"` at the end of a JSON
 * object. Renders record by record: used only with several gateways.
 *
 * @example
 * ```ts
 * import { labelLines } from "./label_lines.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const origin = { ref: { source: "http://eu:8080", namespace: "", name: "f" }, label: "eu:8080" };
 * const record = { name: "f", namespace: "", instance: "f-1", timestamp: "", text: "hi", origin };
 * const plain = labelLines((batch) => batch.map((r) => r.text + "\n").join(""), "plain", false);
 * assertEquals(plain([record]), "[eu:8080] hi\n");
 * ```
 */
export function labelLines(
  render: (batch: readonly LogRecord[]) => string,
  output: OutputFormat,
  color: boolean,
): (batch: readonly LogRecord[]) => string {
  const prefixes = new Map<string, string>();
  const prefixOf = (label: string): string => {
    let prefix = prefixes.get(label);
    if (prefix === undefined) {
      prefix = output === "keyvalue"
        ? `gateway="${label}" `
        : output === "json"
        ? `,"gateway":${JSON.stringify(label)}}\n`
        : color
        ? colorize(`[${label}] `, label)
        : `[${label}] `;
      prefixes.set(label, prefix);
    }
    return prefix;
  };
  return (batch) => {
    let text = "";
    for (let i = 0; i < batch.length; i++) {
      const line = render([batch[i]]);
      const prefix = prefixOf(originOf(batch[i])?.label ?? "");
      // A JSON line is one object and "}\n": the key goes in before its end.
      text += output === "json" ? line.slice(0, -2) + prefix : prefix + line;
    }
    return text;
  };
}

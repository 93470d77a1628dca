/**
 * `-o json --parsed`: faas-cli's JSON line plus what fnlogs read in the text.
 *
 * @module
 */
import { type ParsedLine, parseLogLine } from "../parse/parse_log_line.ts";
import type { LogMessage } from "../types.ts";
import { DEFAULT_RENDER_OPTIONS, renderMessage, type RenderOptions } from "./render_message.ts";

const JSON_OPTIONS: RenderOptions = { ...DEFAULT_RENDER_OPTIONS, output: "json" };

/**
 * The message as `-o json` writes it (see `renderMessage`), with two more
 * keys after `text`: `level` (the normalised level, or `null`) and `fields`
 * (the JSON object the text holds, copied as written so that no number loses
 * precision; the logfmt pairs as strings; `null` for plain text).
 *
 * @example
 * ```ts
 * import { renderParsedJson } from "./render_parsed_json.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const message = { name: "f", namespace: "ns", instance: "f-1", timestamp: "2024-01-01T00:00:00Z", text: 'level=warn msg="disk full"' };
 * assertEquals(
 *   renderParsedJson(message),
 *   '{"name":"f","namespace":"ns","instance":"f-1","timestamp":"2024-01-01T00:00:00Z",' +
 *     '"text":"level=warn msg=\\"disk full\\"","level":"warn","fields":{"level":"warn","msg":"disk full"}}\n',
 * );
 * ```
 */
export function renderParsedJson(
  message: LogMessage,
  line: ParsedLine = parseLogLine(message.text),
): string {
  const base = renderMessage(message, JSON_OPTIONS);
  const level = line.level === undefined ? "null" : '"' + line.level + '"';
  let fields = "null";
  if (line.format === "json") {
    const text = message.text;
    fields = /[\n\r]/.test(text) ? JSON.stringify(line.fields) : text.toWellFormed().trim();
  } else if (line.format === "logfmt") {
    fields = JSON.stringify(line.fields);
  }
  return base.slice(0, -2) + ',"level":' + level + ',"fields":' + fields + "}\n";
}

/**
 * What a template's dot is at the top: one log line, its record fields by
 * their Go-style names, and its parsed fields by theirs.
 *
 * @module
 */
import { type ParsedLine, parseLogLine } from "../../parse/parse_log_line.ts";
import type { LogMessage } from "../../types.ts";

/** Names the view answers itself (stern's names too); other names are the parsed fields'. */
export const VIEW_NAMES: ReadonlySet<string> = new Set([
  "Text",
  "Message",
  "Name",
  "ContainerName",
  "Instance",
  "PodName",
  "Namespace",
  "Timestamp",
  "Level",
  "Fields",
  "Format",
  "Color",
  "PodColor",
  "ContainerColor",
]);

/** One line as a template sees it; reused from line to line by a renderer. */
export class LineView {
  message: LogMessage = { name: "", namespace: "", instance: "", timestamp: "", text: "" };
  #parsed: ParsedLine | undefined;
  #color: ((message: LogMessage) => string) | undefined;

  reset(
    message: LogMessage,
    parsed: ParsedLine | undefined,
    color: ((message: LogMessage) => string) | undefined,
  ): void {
    this.message = message;
    this.#parsed = parsed;
    this.#color = color;
  }

  get parsed(): ParsedLine {
    return this.#parsed ??= parseLogLine(this.message.text);
  }

  get(name: string): unknown {
    const m = this.message;
    switch (name) {
      case "Text":
      case "Message":
        return m.text;
      case "Name":
      case "ContainerName":
        return m.name;
      case "Instance":
      case "PodName":
        return m.instance;
      case "Namespace":
        return m.namespace;
      case "Timestamp":
        return m.timestamp;
      case "Level":
        return this.parsed.level ?? "";
      case "Fields":
        return this.parsed.fields;
      case "Format":
        return this.parsed.format;
      case "Color":
      case "PodColor":
      case "ContainerColor":
        return this.#color?.(m) ?? "";
    }
    const fields = this.parsed.fields;
    return fields !== undefined && Object.hasOwn(fields, name) ? fields[name] : undefined;
  }

  /** `{{json .}}` and `{{.}}`: the record with its level and fields. */
  toJSON(): Record<string, unknown> {
    const { name, namespace, instance, timestamp, text } = this.message;
    const parsed = this.parsed;
    return {
      name,
      namespace,
      instance,
      timestamp,
      text,
      level: parsed.level ?? null,
      fields: parsed.fields ?? null,
    };
  }
}

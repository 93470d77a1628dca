/**
 * What the download buttons save: the rows shown, as the page renders them
 * (`.log`) or as the log API sent them (`.ndjson`, one message a line, in the
 * wire's key order).
 *
 * @module
 */
import { displayTime } from "./display_time.ts";
import type { Entry } from "./log_entry.ts";

/** How the rows are rendered (the page's toggles). */
export interface TextOptions {
  readonly timestamps: boolean;
  readonly utc: boolean;
}

/** One row as the page shows it: `[DATE TIME ]NAME (INSTANCE) TEXT`. */
export function renderEntryText(entry: Entry, options: TextOptions): string {
  let line = "";
  if (options.timestamps) {
    const time = displayTime(entry.message.timestamp, options.utc);
    if (time !== undefined) line += `${time.date} ${time.time} `;
  }
  return line + `${entry.source} ${entry.display}`;
}

/**
 * The `.log` file: every row as shown, each ending with `\n`.
 *
 * @example
 * ```ts ignore
 * renderLogFile(entries, { timestamps: false, utc: true }); // "hello (hello-1) hi\n"
 * ```
 */
export function renderLogFile(
  entries: Iterable<Entry>,
  options: TextOptions,
): string {
  let text = "";
  for (const entry of entries) text += renderEntryText(entry, options) + "\n";
  return text;
}

/** The `.ndjson` file: each row's message as the log API sent it, the page's own notices left out. */
export function renderNdjsonFile(entries: Iterable<Entry>): string {
  let text = "";
  for (const entry of entries) {
    if (entry.kind === "notice") continue;
    const { name, namespace, instance, timestamp, text: line } = entry.message;
    text += JSON.stringify({ name, namespace, instance, timestamp, text: line }) +
      "\n";
  }
  return text;
}

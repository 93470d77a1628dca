/**
 * Renders log messages exactly as `faas-cli logs` prints them, in its three
 * output formats (`--output plain|keyvalue|json`).
 *
 * @module
 */

import { encodeLogMessage } from "../wire/encode_log_message.ts";
import { formatGoTime } from "./format_go_time.ts";
import { formatTimestamp, parseTimestamp } from "../time/timestamp.ts";
import type { LogMessage } from "../types.ts";

/** How to render a message: faas-cli's `--output`, `--time-format`, `--name`, `--instance`. */
export interface RenderOptions {
  /** faas-cli's `--output` (`--json` means `json`). */
  readonly output: "plain" | "keyvalue" | "json";
  /**
   * A Go time layout, already resolved from faas-cli's names (see
   * `resolveTimeFormat`); `""` hides the time. Ignored by `json`.
   */
  readonly timeFormat: string;
  /** Print the function's name (`--name`). Ignored by `json`. */
  readonly showName: boolean;
  /** Print the instance (`--instance`). Ignored by `json`. */
  readonly showInstance: boolean;
}

/**
 * faas-cli's defaults: plain output, the time in `time.RFC3339`
 * (`2006-01-02T15:04:05Z07:00`), no name, no instance.
 */
export const DEFAULT_RENDER_OPTIONS: RenderOptions = Object.freeze({
  output: "plain",
  timeFormat: "2006-01-02T15:04:05Z07:00",
  showName: false,
  showInstance: false,
});

function trimTrailingNewlines(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 10) end--;
  return end === text.length ? text : text.slice(0, end);
}

/**
 * Go's RFC3339Nano in UTC, as fnlogs' and the Go providers' servers write
 * it: such text re-formats to itself, so the hot paths skip parsing it. Days
 * past the 28th take the full path, which checks the month's length.
 */
const CANONICAL_UTC =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{0,8}[1-9])?Z$/;
const RFC3339_LAYOUT = "2006-01-02T15:04:05Z07:00";

function formatTime(timestamp: string, layout: string): string {
  if (layout === RFC3339_LAYOUT && CANONICAL_UTC.test(timestamp)) {
    return timestamp.slice(0, 19) + "Z";
  }
  const parsed = parseTimestamp(timestamp);
  return parsed === undefined ? "" : formatGoTime(parsed, layout);
}

/**
 * Returns exactly what faas-cli writes to stdout for one message, its final
 * `\n` included (faas-cli ends every message with `fmt.Println`):
 *
 * - `plain`: `[TIME ][NAME ][(INSTANCE) ]TEXT`, then every `\n` at the end
 *   of that whole line removed (a `\r` before them stays), then `\n`.
 * - `keyvalue`: `[timestamp="TIME" ][name="NAME" ][instance="INSTANCE"
 *   ]text="TEXT" ` with the trailing space, TEXT's trailing `\n`s removed,
 *   nothing escaped, then `\n`.
 * - `json`: the message as Go re-marshals it (see `encodeLogMessage`), then
 *   `\n`: all five keys whatever the options; the timestamp re-written as
 *   RFC3339Nano in the zone it was given in (fraction's trailing zeros
 *   trimmed, `+00:00` becomes `Z`, other offsets kept); the text keeps its
 *   newlines, escaped. A lone surrogate is written as a raw U+FFFD, not as
 *   `\ufffd`: faas-cli's decoder has already turned it into U+FFFD.
 *
 * The time is printed in the zone the timestamp was written in, as
 * `formatGoTime` does. A timestamp that is not RFC3339 would make faas-cli
 * stop with "cannot parse log results"; this function keeps the message:
 * TIME is empty in `plain` and `keyvalue` (the separator after it stays),
 * and `json` keeps the timestamp string as it was.
 *
 * @example The three formats
 * ```ts
 * import { DEFAULT_RENDER_OPTIONS, type RenderOptions, renderMessage } from "./render_message.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const message = {
 *   name: "env",
 *   namespace: "openfaas-fn",
 *   instance: "env-5b6d68d94c-qqdtj",
 *   timestamp: "2023-07-04T16:32:22.223912519Z",
 *   text: "Listening on port: 8080\n",
 * };
 * assertEquals(
 *   renderMessage(message, DEFAULT_RENDER_OPTIONS),
 *   "2023-07-04T16:32:22Z Listening on port: 8080\n",
 * );
 * const keyvalue: RenderOptions = { ...DEFAULT_RENDER_OPTIONS, output: "keyvalue", showName: true };
 * assertEquals(
 *   renderMessage(message, keyvalue),
 *   'timestamp="2023-07-04T16:32:22Z" name="env" text="Listening on port: 8080" \n',
 * );
 * assertEquals(
 *   renderMessage(message, { ...DEFAULT_RENDER_OPTIONS, output: "json" }),
 *   '{"name":"env","namespace":"openfaas-fn","instance":"env-5b6d68d94c-qqdtj",' +
 *     '"timestamp":"2023-07-04T16:32:22.223912519Z","text":"Listening on port: 8080\\n"}\n',
 * );
 * ```
 */
export function renderMessage(message: LogMessage, options: RenderOptions): string {
  if (options.output === "json") {
    const parsed = CANONICAL_UTC.test(message.timestamp)
      ? undefined
      : parseTimestamp(message.timestamp);
    return encodeLogMessage({
      name: message.name.toWellFormed(),
      namespace: message.namespace.toWellFormed(),
      instance: message.instance.toWellFormed(),
      timestamp: parsed === undefined
        ? message.timestamp.toWellFormed()
        : formatTimestamp(parsed.seconds, parsed.nanos, parsed.offsetSeconds),
      text: message.text.toWellFormed(),
    }) + "\n";
  }
  const layout = options.timeFormat;
  if (options.output === "keyvalue") {
    let line = "";
    if (layout !== "") line += 'timestamp="' + formatTime(message.timestamp, layout) + '" ';
    if (options.showName) line += 'name="' + message.name + '" ';
    if (options.showInstance) line += 'instance="' + message.instance + '" ';
    return line + 'text="' + trimTrailingNewlines(message.text) + '" \n';
  }
  let line = "";
  if (layout !== "") line += formatTime(message.timestamp, layout) + " ";
  if (options.showName) line += message.name + " ";
  if (options.showInstance) line += "(" + message.instance + ") ";
  return trimTrailingNewlines(line + message.text) + "\n";
}

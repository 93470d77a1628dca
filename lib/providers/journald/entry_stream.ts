/**
 * Decodes `journalctl --output=json` (one JSON object per line) into batches
 * of log records, one batch per input chunk.
 *
 * @module
 */

import type { LogBatch, LogRecord } from "../../types.ts";
import { formatTimestamp } from "../../time/timestamp.ts";

/** The default longest JSON line, in UTF-16 code units, before the entry is cut. */
export const DEFAULT_MAX_ENTRY_LENGTH = 1_048_576;

/** Options for {@linkcode JournalEntryStream}. */
export interface JournalEntryStreamOptions {
  /**
   * Drop entries whose `__REALTIME_TIMESTAMP` is before this many
   * microseconds since the epoch (an exact client-side `since`).
   */
  readonly sinceMicros?: number;
  /**
   * Drop the first entry when it has this `__CURSOR`: `journalctl --cursor`
   * starts at (and includes) the cursor's entry when it matches the query.
   */
  readonly skipCursor?: string;
  /** The name used when `SYSLOG_IDENTIFIER` is missing (default `""`). */
  readonly name?: string;
  /** The namespace used when `SYSLOG_IDENTIFIER` has no `NS:` part (default `""`). */
  readonly namespace?: string;
  /**
   * A longer JSON line keeps its first `maxEntryLength` characters (and its
   * last 4096, where short fields after a long MESSAGE sit); the record gets
   * what of MESSAGE fits, followed by a note of how much was dropped. Memory
   * stays bounded whatever journalctl prints. Default
   * {@linkcode DEFAULT_MAX_ENTRY_LENGTH}.
   */
  readonly maxEntryLength?: number;
}

type JsonValue = string | number | null | JsonValue[] | { [key: string]: JsonValue };

const TAIL_KEEP = 4096;
const utf8 = new TextDecoder();

/**
 * MESSAGE-style value: a string, bytes as numbers, or several values (first
 * one wins). Only that one level of nesting is read: a deeper array (which
 * journalctl never writes) gives `""` rather than a recursion as deep as the
 * line is long.
 */
function fieldText(value: JsonValue | undefined, nested = false): string {
  if (typeof value === "string") return value;
  if (!Array.isArray(value) || value.length === 0) return "";
  if (value.every((b) => typeof b === "number")) {
    return utf8.decode(Uint8Array.from(value as number[]));
  }
  return nested ? "" : fieldText(value[0], true);
}

/**
 * A `TransformStream` from the bytes journalctl writes with `--output=json`
 * to batches of {@linkcode LogRecord}s: every complete line of a chunk ends up
 * in one batch, and empty batches are never emitted.
 *
 * - `text` is MESSAGE: a JSON string, or an array of byte values when the
 *   message is not printable UTF-8 (decoded here with U+FFFD for invalid
 *   sequences), or `null` when journalctl left out a field over 4096 bytes
 *   (pass `--all`). A single trailing `\n` is removed; inner newlines stay.
 * - `namespace` and `name` come from `SYSLOG_IDENTIFIER` (`NS:NAME`, split at
 *   the first `:`), `instance` from `_PID` (as faasd does), `timestamp` from
 *   `__REALTIME_TIMESTAMP` (microseconds, written as UTC RFC3339Nano), and
 *   `cursor` from `__CURSOR`. Unknown values are `""`.
 * - Lines that are not JSON objects (journalctl's `-- No entries --`, say)
 *   are skipped and counted in {@linkcode JournalEntryStream.skipped}; blank
 *   lines are ignored.
 *
 * @example Two entries, split anywhere
 * ```ts
 * import {
 *   DEFAULT_MAX_ENTRY_LENGTH,
 *   JournalEntryStream,
 *   type JournalEntryStreamOptions,
 * } from "./entry_stream.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const json = '{"MESSAGE":"hi","SYSLOG_IDENTIFIER":"openfaas-fn:env","_PID":"42",' +
 *   '"__REALTIME_TIMESTAMP":"1583353899094400","__CURSOR":"s=1;i=2"}\n' +
 *   '{"MESSAGE":[104,255],"SYSLOG_IDENTIFIER":"openfaas-fn:env","_PID":"42",' +
 *   '"__REALTIME_TIMESTAMP":"1583353899100000"}\n';
 * const bytes = new TextEncoder().encode(json);
 * const options: JournalEntryStreamOptions = { maxEntryLength: DEFAULT_MAX_ENTRY_LENGTH };
 * const batches = await Array.fromAsync(
 *   ReadableStream.from([bytes.subarray(0, 50), bytes.subarray(50)])
 *     .pipeThrough(new JournalEntryStream(options)),
 * );
 * assertEquals(batches.flat(), [
 *   {
 *     name: "env",
 *     namespace: "openfaas-fn",
 *     instance: "42",
 *     timestamp: "2020-03-04T20:31:39.0944Z",
 *     text: "hi",
 *     cursor: "s=1;i=2",
 *   },
 *   {
 *     name: "env",
 *     namespace: "openfaas-fn",
 *     instance: "42",
 *     timestamp: "2020-03-04T20:31:39.1Z",
 *     text: "h\uFFFD",
 *   },
 * ]);
 * ```
 */
export class JournalEntryStream extends TransformStream<Uint8Array, LogBatch> {
  readonly #decoder = new TextDecoder();
  readonly #since: number;
  #skipCursor: string | undefined;
  readonly #name: string;
  readonly #namespace: string;
  readonly #max: number;
  #partial = "";
  #dropped = 0;
  #tail = "";
  #lastSecond = NaN;
  #lastPrefix = "";
  #skipped = 0;

  constructor(options: JournalEntryStreamOptions = {}) {
    super({
      transform: (chunk, controller) => {
        const records = this.#lines(this.#decoder.decode(chunk, { stream: true }));
        if (records.length > 0) controller.enqueue(records);
      },
      flush: (controller) => {
        const records = this.#lines(this.#decoder.decode());
        if (this.#partial !== "" || this.#dropped > 0) this.#finish("", records);
        if (records.length > 0) controller.enqueue(records);
      },
    });
    this.#since = options.sinceMicros ?? -Infinity;
    this.#skipCursor = options.skipCursor;
    this.#name = options.name ?? "";
    this.#namespace = options.namespace ?? "";
    this.#max = options.maxEntryLength ?? DEFAULT_MAX_ENTRY_LENGTH;
    if (!(this.#max > 0)) throw new RangeError(`Cannot use maxEntryLength ${this.#max}`);
  }

  /** How many lines were skipped so far because they are not JSON objects. */
  get skipped(): number {
    return this.#skipped;
  }

  #lines(text: string): LogRecord[] {
    const records: LogRecord[] = [];
    let start = 0;
    for (;;) {
      const nl = text.indexOf("\n", start);
      if (nl === -1) break;
      this.#finish(text.slice(start, nl), records);
      start = nl + 1;
    }
    if (start < text.length) this.#append(text.slice(start));
    return records;
  }

  #append(piece: string): void {
    const room = this.#max - this.#partial.length;
    if (piece.length <= room) {
      this.#partial += piece;
      return;
    }
    if (room > 0) this.#partial += piece.slice(0, room);
    this.#dropped += piece.length - Math.max(room, 0);
    this.#tail = (this.#tail + piece).slice(-TAIL_KEEP);
  }

  #finish(rest: string, records: LogRecord[]): void {
    if (this.#partial === "" && rest.length <= this.#max) {
      this.#decode(rest, records);
      return;
    }
    this.#append(rest);
    const line = this.#partial, dropped = this.#dropped, tail = this.#tail;
    this.#partial = "";
    this.#dropped = 0;
    this.#tail = "";
    if (dropped === 0) this.#decode(line, records);
    else this.#salvage(line, tail, dropped, records);
  }

  #decode(line: string, records: LogRecord[]): void {
    if (line.charCodeAt(0) !== 0x7b /* { */) {
      if (line.trim() !== "") this.#skipped++;
      return;
    }
    let entry: JsonValue;
    try {
      entry = JSON.parse(line);
    } catch {
      this.#skipped++;
      return;
    }
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      this.#skipped++;
      return;
    }
    const record = this.#record(
      fieldText(entry.SYSLOG_IDENTIFIER),
      fieldText(entry._PID),
      fieldText(entry.__REALTIME_TIMESTAMP),
      fieldText(entry.MESSAGE),
      fieldText(entry.__CURSOR),
    );
    if (record !== undefined) records.push(record);
  }

  /** A line too long to keep: rebuild what its kept head and tail tell. */
  #salvage(head: string, tail: string, dropped: number, records: LogRecord[]): void {
    const find = (key: string): string => {
      const re = new RegExp(`"${key}":"((?:[^"\\\\]|\\\\.)*)"`);
      const m = re.exec(head) ?? re.exec(tail);
      if (m === null) return "";
      try {
        return JSON.parse(`"${m[1]}"`);
      } catch {
        return "";
      }
    };
    const text = messagePrefix(head) +
      ` [fnlogs: journal entry cut, ${dropped} more characters dropped]`;
    const record = this.#record(
      find("SYSLOG_IDENTIFIER"),
      find("_PID"),
      find("__REALTIME_TIMESTAMP"),
      text,
      find("__CURSOR"),
    );
    if (record !== undefined) records.push(record);
  }

  #record(
    identifier: string,
    instance: string,
    realtime: string,
    message: string,
    cursor: string,
  ): LogRecord | undefined {
    let micros = /^\d+$/.test(realtime) ? Number(realtime) : NaN;
    if (!Number.isSafeInteger(micros)) micros = NaN;
    if (micros < this.#since) return undefined;
    if (this.#skipCursor !== undefined) {
      const skip = cursor === this.#skipCursor;
      this.#skipCursor = undefined;
      if (skip) return undefined;
    }
    const colon = identifier.indexOf(":");
    const record: { -readonly [K in keyof LogRecord]: LogRecord[K] } = {
      name: identifier === "" ? this.#name : identifier.slice(colon + 1),
      namespace: colon === -1 ? this.#namespace : identifier.slice(0, colon),
      instance,
      timestamp: Number.isNaN(micros) ? "" : this.#timestamp(micros),
      text: message.endsWith("\n") ? message.slice(0, -1) : message,
    };
    if (cursor !== "") record.cursor = cursor;
    return record;
  }

  #timestamp(micros: number): string {
    const second = Math.floor(micros / 1e6);
    const fraction = micros - second * 1e6;
    if (second !== this.#lastSecond) {
      this.#lastSecond = second;
      this.#lastPrefix = formatTimestamp(second, 0).slice(0, -1);
    }
    if (fraction === 0) return this.#lastPrefix + "Z";
    return this.#lastPrefix + "." + String(fraction).padStart(6, "0").replace(/0+$/, "") + "Z";
  }
}

/** What of MESSAGE fits in a cut line's head: a string prefix or a byte-array prefix. */
function messagePrefix(head: string): string {
  const at = head.indexOf('"MESSAGE":');
  if (at === -1) return "";
  const value = head.slice(at + 10);
  if (value.startsWith('"')) {
    const whole = /^"((?:[^"\\]|\\.)*)"/.exec(value);
    let body = whole === null ? value.slice(1) : whole[1];
    // Drop an escape sequence the cut left incomplete.
    body = body.replace(/\\(u[0-9a-fA-F]{0,3})?$/, "");
    if (/(^|[^\\])(\\\\)*\\$/.test(body)) body = body.slice(0, -1);
    try {
      return JSON.parse(`"${body}"`);
    } catch {
      return "";
    }
  }
  if (value.startsWith("[")) {
    const end = value.indexOf("]");
    const digits = (end === -1 ? value : value.slice(0, end)).match(/\d+/g) ?? [];
    if (end === -1) digits.pop(); // the last number may be cut
    return utf8.decode(Uint8Array.from(digits, Number));
  }
  return "";
}

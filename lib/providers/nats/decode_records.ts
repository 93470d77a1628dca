/**
 * Stored messages to log records, a batch at a time: the payloads are joined
 * into one JSON array and parsed in one call (a `JSON.parse` and a
 * `TextDecoder` call per message cost more than the parsing itself), with a
 * message-by-message fallback when one of them is not JSON.
 *
 * @module
 */
import type { LogRecord } from "../../types.ts";
import { compareTimestamps } from "../../time/timestamp.ts";
import { toLogRecord } from "../../wire/to_log_record.ts";
import type { StoredMessage } from "./ordered_reader.ts";

/** How {@linkcode decodeRecords} shapes and filters what it reads. */
export interface DecodeOptions {
  /** Cursors are `PREFIX-SEQ`. */
  readonly cursorPrefix: string;
  /** Records stamped before this are dropped. */
  readonly since?: string;
  /** The record told for a gap of `missed` messages. */
  readonly gap: (missed: number) => LogRecord;
  /** Records still to drop before the first kept one (counted down). */
  skip: number;
}

const decoder = new TextDecoder();
const COMMA = 44, OPEN = 91, CLOSE = 93;

function isMessageShape(value: unknown): value is LogRecord {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.name === "string" && typeof v.namespace === "string" &&
    typeof v.instance === "string" && typeof v.timestamp === "string" &&
    typeof v.text === "string";
}

function parseAll(messages: readonly StoredMessage[]): unknown[] {
  let size = 1;
  for (const m of messages) size += m.data.length + 1;
  const bytes = new Uint8Array(size);
  bytes[0] = OPEN;
  let at = 1;
  for (const m of messages) {
    bytes.set(m.data, at);
    at += m.data.length;
    bytes[at++] = COMMA;
  }
  bytes[size - 1] = CLOSE;
  try {
    const values = JSON.parse(decoder.decode(bytes));
    if (Array.isArray(values) && values.length === messages.length) return values;
  } catch {
    // One of them is not JSON: parse them one by one.
  }
  return messages.map((m) => {
    try {
      return JSON.parse(decoder.decode(m.data));
    } catch {
      return undefined;
    }
  });
}

/**
 * The records of `messages`, in order, each with its cursor; gap notices
 * become `options.gap` records; what is not a log message is skipped.
 */
export function decodeRecords(
  messages: readonly StoredMessage[],
  options: DecodeOptions,
): LogRecord[] {
  const data = messages.filter((m) => m.missed === undefined && m.data.length > 0);
  const values = data.length > 0 ? parseAll(data) : [];
  const out: LogRecord[] = [];
  let next = 0;
  for (const message of messages) {
    if (message.missed !== undefined) {
      out.push(options.gap(message.missed));
      continue;
    }
    if (message.data.length === 0) continue;
    const value = values[next++];
    if (options.skip > 0) {
      options.skip--;
      continue;
    }
    const record = isMessageShape(value) ? value : toLogRecord(value);
    if (record === undefined) continue;
    if (options.since !== undefined && compareTimestamps(record.timestamp, options.since) < 0) {
      continue;
    }
    out.push({
      name: record.name,
      namespace: record.namespace,
      instance: record.instance,
      timestamp: record.timestamp,
      text: record.text,
      cursor: `${options.cursorPrefix}-${message.seq}`,
    });
  }
  return out;
}

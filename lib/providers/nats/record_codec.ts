/**
 * How a log record is stored in JetStream, shared by the shipper that
 * writes it and the provider that reads it: the payload is the record's
 * NDJSON object (without its newline); the `Nats-Msg-Id` header names the
 * line by its place in the provider (subject, timestamp, occurrence among
 * the instance's lines of that timestamp); `Fnlogs-Cursor` carries the
 * source provider's own cursor when it has one.
 *
 * @module
 */
import type { LogRecord } from "../../types.ts";
import { encodeLogMessage } from "../../wire/encode_log_message.ts";

/** The header JetStream deduplicates by. */
export const MSG_ID_HEADER = "Nats-Msg-Id";
/** The header holding the source provider's cursor (journald, local). */
export const SOURCE_CURSOR_HEADER = "Fnlogs-Cursor";

/** What a message id says about the line it names. */
export interface MessageIdParts {
  readonly subject: string;
  readonly timestamp: string;
  /** 0 for the instance's first line with this timestamp, 1 for the next, ... */
  readonly occurrence: number;
}

const SAFE_TIMESTAMP = /^[0-9A-Za-z:.+_-]+$/;

/**
 * The message id of a line: `SUBJECT TIMESTAMP OCCURRENCE` (a timestamp with
 * other characters than RFC3339's is URI-encoded, so the id never holds a
 * space or a line break).
 *
 * @example
 * ```ts
 * import { messageId, parseMessageId } from "./record_codec.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const id = messageId("fnlogs.ns.fn.fn-1", "2024-01-01T00:00:00.5Z", 2);
 * assertEquals(id, "fnlogs.ns.fn.fn-1 2024-01-01T00:00:00.5Z 2");
 * assertEquals(parseMessageId(id)?.occurrence, 2);
 * ```
 */
export function messageId(subject: string, timestamp: string, occurrence: number): string {
  const ts = SAFE_TIMESTAMP.test(timestamp) ? timestamp : encodeURIComponent(timestamp) || "%";
  return `${subject} ${ts} ${occurrence}`;
}

/** The parts of an id {@linkcode messageId} made, or `undefined`. */
export function parseMessageId(id: string): MessageIdParts | undefined {
  const parts = id.split(" ");
  if (parts.length !== 3 || !/^\d+$/.test(parts[2])) return undefined;
  let timestamp = parts[1];
  if (!SAFE_TIMESTAMP.test(timestamp)) {
    try {
      timestamp = timestamp === "%" ? "" : decodeURIComponent(timestamp);
    } catch {
      return undefined;
    }
  }
  return { subject: parts[0], timestamp, occurrence: Number(parts[2]) };
}

const encoder = new TextEncoder();

/** The payload of a record: its NDJSON object, without the newline. */
export function encodeRecordPayload(record: LogRecord): Uint8Array {
  return encoder.encode(encodeLogMessage(record));
}

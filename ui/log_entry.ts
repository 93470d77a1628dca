/**
 * One line as the page holds it: the message from the wire, plus what the
 * page works out once (the sort key, the level, the text as shown, the
 * parsed JSON of a JSON line).
 *
 * @module
 */
import { instanceHue } from "./instance_hue.ts";
import type { LineReader } from "./line_reader.ts";
import type { Ordered } from "./log_store.ts";
import { timestampKey } from "./timestamp_key.ts";
import type { Level } from "./view_state.ts";

/** A log message as the log API sends it (the event's `data`). */
export interface WireMessage {
  readonly name: string;
  readonly namespace: string;
  readonly instance: string;
  readonly timestamp: string;
  readonly text: string;
}

/** What a row is: a log line, a gap notice from the server, or the page's own notice. */
export type EntryKind = "line" | "gap" | "notice";

/** A line held by the page. */
export interface Entry extends Ordered {
  readonly kind: EntryKind;
  readonly message: WireMessage;
  /** `NAME (INSTANCE)`, or `NAME` without an instance. */
  readonly source: string;
  /** The badge's hue (see `instanceHue`). */
  readonly hue: number;
  readonly level?: Level;
  /** The text as shown and searched: a JSON object compact, anything else as written. */
  readonly display: string;
  /** The parsed object of a JSON line. */
  readonly json?: Readonly<Record<string, unknown>>;
}

class LogEntry implements Entry {
  readonly kind: EntryKind;
  readonly message: WireMessage;
  readonly key: string;
  readonly seq: number;
  readonly size: number;
  readonly source: string;
  readonly hue: number;
  readonly level: Level | undefined;
  readonly json: Readonly<Record<string, unknown>> | undefined;
  #display: string | undefined;

  constructor(
    message: WireMessage,
    seq: number,
    kind: EntryKind,
    key: string,
    level: Level | undefined,
    json: Readonly<Record<string, unknown>> | undefined,
  ) {
    this.kind = kind;
    this.message = message;
    this.key = key;
    this.seq = seq;
    // The JSON object and its compact text weigh about twice the text again.
    this.size = message.text.length * (json === undefined ? 1 : 3) + 64;
    this.source = message.instance === "" ? message.name : `${message.name} (${message.instance})`;
    this.hue = instanceHue(message.name, message.instance);
    this.level = level;
    this.json = json;
  }

  /** Made when first needed (a search, a row drawn): most lines are never either. */
  get display(): string {
    return this.#display ??= this.json === undefined
      ? this.message.text
      : JSON.stringify(this.json);
  }
}

/**
 * Makes the page's entry for a message that arrived `seq`-th (`key`: its
 * `timestampKey`, when the caller has it already).
 *
 * @example
 * ```ts ignore
 * toEntry({ name: "f", namespace: "ns", instance: "f-1", timestamp: "...", text: '{"a": 1}' }, 7, read)
 *   .display; // '{"a":1}' (with a reader that finds JSON objects)
 * ```
 */
export function toEntry(
  message: WireMessage,
  seq: number,
  read: LineReader,
  kind: EntryKind = "line",
  key = timestampKey(message.timestamp),
): Entry {
  const info = kind === "line" ? read(message.text) : undefined;
  return new LogEntry(message, seq, kind, key, info?.level, info?.json);
}

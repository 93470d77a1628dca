/**
 * One line as the page holds it: the message from the wire, its sort key,
 * and what the page works out from it when first needed (the level, the text
 * as shown, the parsed JSON of a JSON line, the badge).
 *
 * @module
 */
import { instanceHue } from "./instance_hue.ts";
import type { LineInfo, LineReader } from "./line_reader.ts";
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

const NOTHING: LineInfo = Object.freeze({});

/**
 * An entry that reads its line only when asked: under a flood most lines are
 * never drawn nor filtered by level, so most are never parsed twice.
 */
class LogEntry implements Entry {
  readonly kind: EntryKind;
  readonly message: WireMessage;
  readonly key: string;
  readonly seq: number;
  readonly size: number;
  readonly #read: LineReader;
  #info: LineInfo | undefined;
  #display: string | undefined;

  constructor(message: WireMessage, seq: number, kind: EntryKind, key: string, read: LineReader) {
    this.kind = kind;
    this.message = message;
    this.key = key;
    this.seq = seq;
    // A JSON line's object and compact text may weigh about twice its text again.
    this.size = message.text.length * 3 + 64;
    this.#read = read;
  }

  get source(): string {
    const { name, instance } = this.message;
    return instance === "" ? name : `${name} (${instance})`;
  }

  get hue(): number {
    return instanceHue(this.message.name, this.message.instance);
  }

  get level(): Level | undefined {
    return this.#lineInfo().level;
  }

  get json(): Readonly<Record<string, unknown>> | undefined {
    return this.#lineInfo().json;
  }

  get display(): string {
    const json = this.json;
    return this.#display ??= json === undefined ? this.message.text : JSON.stringify(json);
  }

  #lineInfo(): LineInfo {
    return this.#info ??= this.kind === "line" ? this.#read(this.message.text) : NOTHING;
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
  return new LogEntry(message, seq, kind, key, read);
}

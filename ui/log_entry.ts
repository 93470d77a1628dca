/**
 * One line as the page holds it: the message from the wire, plus what the
 * page works out once (the sort key, the level, the text as shown, the
 * parsed JSON of a JSON line).
 *
 * @module
 */
import { instanceHue } from "./instance_hue.ts";
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

/** Tells a line's level from its text (and its JSON object, when it is one). */
export type LevelOf = (text: string) => Level | undefined;

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  const start = text.trimStart();
  if (start.charCodeAt(0) !== 0x7b || text.trimEnd().slice(-1) !== "}") return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? value as Record<string, unknown>
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes the page's entry for a message that arrived `seq`-th.
 *
 * @example
 * ```ts ignore
 * toEntry({ name: "f", namespace: "ns", instance: "f-1", timestamp: "...", text: '{"a": 1}' }, 7, () => undefined)
 *   .display; // '{"a":1}'
 * ```
 */
export function toEntry(
  message: WireMessage,
  seq: number,
  levelOf: LevelOf,
  kind: EntryKind = "line",
): Entry {
  const json = kind === "line" ? parseJsonObject(message.text) : undefined;
  const display = json === undefined ? message.text : JSON.stringify(json);
  const level = kind === "line" ? levelOf(message.text) : undefined;
  return {
    kind,
    message,
    key: timestampKey(message.timestamp),
    seq,
    // The JSON object and its compact text weigh about twice the text again.
    size: message.text.length * (json === undefined ? 1 : 3) + 64,
    source: message.instance === "" ? message.name : `${message.name} (${message.instance})`,
    hue: instanceHue(message.name, message.instance),
    display,
    ...(level === undefined ? {} : { level }),
    ...(json === undefined ? {} : { json }),
  };
}

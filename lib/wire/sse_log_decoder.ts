/**
 * Decodes fnlogs' `text/event-stream` log extension (see
 * `docs/extensions.md`), chunk by chunk, into records, following the WHATWG
 * event-stream parsing rules. This is the decoder itself;
 * `SseLogDecoderStream` wraps it as a `TransformStream`.
 *
 * @module
 */

import type { LogRecord } from "../types.ts";
import { toLogRecord } from "./to_log_record.ts";

const DEFAULT_MAX_EVENT_LENGTH = 1_048_576;

/** Options for {@linkcode SseLogDecoder}. */
export interface SseLogDecoderOptions {
  /**
   * The longest event, counted over its field lines in UTF-16 code units; a
   * longer one is skipped whole (its `id` too) and at most this much of it
   * is ever held. Default 1 MiB (1,048,576).
   */
  readonly maxEventLength?: number;
  /**
   * Called for every skipped event with a short reason and the first 80
   * characters of its data.
   */
  readonly onSkip?: (reason: string, sample: string) => void;
  /** Called for every comment line (the server's `: ping` heartbeat). */
  readonly onHeartbeat?: () => void;
  /** Called when an `end` event arrives: the server ended the stream on purpose. */
  readonly onEnd?: () => void;
  /** Called when the `hello` preamble arrives, with its object. */
  readonly onHello?: (hello: Readonly<Record<string, unknown>>) => void;
  /**
   * Emit an event that has an id but no data (what fnlogs sends after
   * records its server-side filters dropped) as a record with only
   * `cursor` and `progress: true` set, in order with the others. Default
   * `false`: such events only set {@linkcode SseLogDecoder.lastEventId}.
   */
  readonly progress?: boolean;
}

const SAMPLE_LENGTH = 80;

/**
 * Decodes event-stream text, fed chunk by chunk, into
 * {@linkcode LogRecord}s. Lines end in `\r\n`, `\n` or `\r`, anywhere across
 * chunks; a leading byte order mark is ignored; `field: value` takes one
 * optional space after the colon; several `data` lines join with `\n`;
 * unknown fields and event types are ignored; an event is dispatched at a
 * blank line, and one without data is not. An event cut off by the end of
 * the input (any field line or partial line after the last blank line) is
 * dropped and counted.
 *
 * Events map as follows. `message` (or no `event` field): a record from the
 * JSON data, mapped with {@linkcode toLogRecord}, whose `cursor` is the
 * event's `id` when that event carried a non-empty one. `gap`: the same with
 * `missed` set from the data's `"missed"` count. `end`: sets
 * {@linkcode ended} and calls `onEnd`. `hello` (fnlogs' preamble, the first
 * event of its streams): its JSON object becomes {@linkcode hello} (for
 * example `{"resume":"cursor"}`, what the `X-Fnlogs-Resume` header says, in
 * band so that proxies that drop headers keep it) and `onHello` is called.
 * A comment line calls `onHeartbeat`; `retry` sets {@linkcode retryMs}.
 * Data that is not a record is skipped and counted in {@linkcode skipped};
 * nothing is thrown for bad input. {@linkcode decode} returns the records a
 * chunk completed; callbacks run while the chunk is decoded.
 *
 * @example A preamble, records, a heartbeat and the end
 * ```ts
 * import { SseLogDecoder } from "./sse_log_decoder.ts";
 * import { assertEquals } from "@std/assert";
 *
 * let pings = 0;
 * const decoder = new SseLogDecoder({ onHeartbeat: () => pings++ });
 * const records = decoder.decode(
 *   'retry: 1000\nevent: hello\ndata: {"resume":"none"}\n\n' +
 *     'id: c1\ndata: {"name":"env","text":"hi"}\n\n: ping\n\nevent: end\ndata: {}\n\n',
 * );
 * decoder.end();
 * assertEquals(records, [
 *   { name: "env", namespace: "", instance: "", timestamp: "", text: "hi", cursor: "c1" },
 * ]);
 * assertEquals(decoder.hello, { resume: "none" });
 * assertEquals([pings, decoder.ended, decoder.lastEventId, decoder.retryMs], [1, true, "c1", 1000]);
 * ```
 */
export class SseLogDecoder {
  readonly #max: number;
  readonly #onSkip: ((reason: string, sample: string) => void) | undefined;
  readonly #onHeartbeat: (() => void) | undefined;
  readonly #onEnd: (() => void) | undefined;
  readonly #onHello: ((hello: Readonly<Record<string, unknown>>) => void) | undefined;
  #hello: Readonly<Record<string, unknown>> | undefined;
  readonly #progress: boolean;
  #skipped = 0;
  #ended = false;
  #retryMs: number | undefined;
  #lastEventId = "";
  #started = false;
  /** The previous chunk ended in "\r": a "\n" starting this one belongs to it. */
  #afterCR = false;
  /** The start of a line that the previous chunk did not finish. */
  #partial = "";
  /** Dropping the rest of a line that made its event too long. */
  #dropLine = false;
  // The event being read.
  #type = "";
  #data = "";
  #hasData = false;
  /** A field line of this event was read. */
  #fields = false;
  #id: string | undefined;
  #length = 0;
  #tooLong = false;
  #sample = "";

  /** Creates a decoder; throws a `RangeError` for a non-positive `maxEventLength`. */
  constructor(options: SseLogDecoderOptions = {}) {
    this.#max = options.maxEventLength ?? DEFAULT_MAX_EVENT_LENGTH;
    if (!(this.#max > 0)) throw new RangeError(`Cannot use maxEventLength ${this.#max}`);
    this.#onSkip = options.onSkip;
    this.#onHeartbeat = options.onHeartbeat;
    this.#onEnd = options.onEnd;
    this.#onHello = options.onHello;
    this.#progress = options.progress ?? false;
  }

  /** The records completed by `chunk` (in order; often none or many). */
  decode(chunk: string): LogRecord[] {
    return this.#decode(chunk);
  }

  /** At the end of the input: an event cut off by it is skipped and counted. */
  end(): void {
    const partial = this.#partial !== "" && this.#partial.charCodeAt(0) !== 58;
    if (this.#fields || this.#tooLong || partial) {
      this.#skip("truncated event", this.#hasData ? this.#data : this.#partial);
    }
  }

  /** The server's preamble (`event: hello`), once it arrived. */
  get hello(): Readonly<Record<string, unknown>> | undefined {
    return this.#hello;
  }

  /** How many events were skipped so far. */
  get skipped(): number {
    return this.#skipped;
  }

  /** Whether an `end` event arrived. */
  get ended(): boolean {
    return this.#ended;
  }

  /** The reconnection time the server asked for with `retry:`, if any. */
  get retryMs(): number | undefined {
    return this.#retryMs;
  }

  /**
   * The last event ID as the spec keeps it: the latest `id` field of a
   * dispatched event (including one without data), `""` before any.
   */
  get lastEventId(): string {
    return this.#lastEventId;
  }

  #decode(chunk: string): LogRecord[] {
    const out: LogRecord[] = [];
    const len = chunk.length;
    if (len === 0) return out;
    let i = 0;
    if (!this.#started) {
      this.#started = true;
      if (chunk.charCodeAt(0) === 0xfeff) i = 1;
    }
    if (this.#afterCR) {
      this.#afterCR = false;
      if (chunk.charCodeAt(i) === 10) i++;
    }
    let nl = -2, cr = -2;
    while (i < len) {
      if (nl !== -1 && nl < i) nl = chunk.indexOf("\n", i);
      if (cr !== -1 && cr < i) cr = chunk.indexOf("\r", i);
      const eol = nl === -1 ? cr : cr === -1 ? nl : Math.min(nl, cr);
      if (eol === -1) {
        this.#keep(chunk.slice(i));
        break;
      }
      if (this.#dropLine) {
        this.#dropLine = false;
      } else if (this.#partial !== "") {
        const line = this.#partial + chunk.slice(i, eol);
        this.#partial = "";
        this.#line(line, out);
      } else {
        this.#line(chunk.slice(i, eol), out);
      }
      i = eol + 1;
      if (chunk.charCodeAt(eol) === 13) {
        if (i === len) this.#afterCR = true;
        else if (chunk.charCodeAt(i) === 10) i++;
      }
    }
    return out;
  }

  /** Holds the start of an unfinished line, within the event's length limit. */
  #keep(rest: string): void {
    if (this.#dropLine) return;
    if (this.#length + this.#partial.length + rest.length > this.#max) {
      this.#overflow(this.#partial + rest.slice(0, SAMPLE_LENGTH));
      this.#partial = "";
      this.#dropLine = true;
    } else {
      this.#partial += rest;
    }
  }

  #overflow(sample: string): void {
    if (!this.#tooLong) this.#sample = this.#hasData ? this.#data : sample;
    this.#tooLong = true;
    this.#data = "";
  }

  #line(line: string, out: LogRecord[]): void {
    if (line === "") {
      this.#dispatch(out);
      return;
    }
    const colon = line.indexOf(":");
    if (colon === 0) {
      this.#onHeartbeat?.();
      return;
    }
    if (this.#tooLong) return;
    this.#fields = true;
    this.#length += line.length;
    if (this.#length > this.#max) {
      this.#overflow(line);
      return;
    }
    let field = line, value = "";
    if (colon !== -1) {
      field = line.slice(0, colon);
      value = line.slice(line.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1);
    }
    switch (field) {
      case "data":
        this.#data = this.#hasData ? this.#data + "\n" + value : value;
        this.#hasData = true;
        break;
      case "event":
        this.#type = value;
        break;
      case "id":
        if (!value.includes("\0")) this.#id = value;
        break;
      case "retry":
        if (/^[0-9]+$/.test(value)) this.#retryMs = Number(value);
        break;
    }
  }

  #dispatch(out: LogRecord[]): void {
    const type = this.#type, data = this.#data, hasData = this.#hasData, id = this.#id;
    const tooLong = this.#tooLong, sample = this.#sample;
    this.#type = this.#data = this.#sample = "";
    this.#hasData = this.#tooLong = this.#fields = false;
    this.#id = undefined;
    this.#length = 0;
    if (tooLong) {
      this.#skip("event too long", sample);
      return;
    }
    if (id !== undefined) this.#lastEventId = id;
    if (!hasData) {
      if (this.#progress && id !== undefined && id !== "" && type === "") {
        out.push({
          name: "",
          namespace: "",
          instance: "",
          timestamp: "",
          text: "",
          cursor: id,
          progress: true,
        });
      }
      return;
    }
    if (type === "end") {
      this.#ended = true;
      this.#onEnd?.();
      return;
    }
    if (type === "hello") {
      let hello: unknown;
      try {
        hello = JSON.parse(data);
      } catch {
        hello = undefined;
      }
      if (typeof hello !== "object" || hello === null || Array.isArray(hello)) {
        this.#skip("a hello that is not a JSON object", data);
        return;
      }
      this.#hello = hello as Record<string, unknown>;
      this.#onHello?.(this.#hello);
      return;
    }
    if (type !== "" && type !== "message" && type !== "gap") return;
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      this.#skip("malformed JSON", data);
      return;
    }
    const record = toLogRecord(value);
    if (record === undefined) {
      const object = typeof value === "object" && value !== null && !Array.isArray(value);
      this.#skip(object ? "a field is not a string" : "not a JSON object", data);
      return;
    }
    const cursor = id === undefined || id === "" ? undefined : id;
    let missed: number | undefined;
    if (type === "gap") {
      missed = (value as { missed?: unknown }).missed as number;
      if (typeof missed !== "number" || !Number.isSafeInteger(missed) || missed < 0) {
        this.#skip("gap without a missed count", data);
        return;
      }
    }
    if (cursor === undefined && missed === undefined) {
      out.push(record);
      return;
    }
    const { name, namespace, instance, timestamp, text } = record;
    if (missed === undefined) out.push({ name, namespace, instance, timestamp, text, cursor });
    else if (cursor === undefined) out.push({ name, namespace, instance, timestamp, text, missed });
    else out.push({ name, namespace, instance, timestamp, text, cursor, missed });
  }

  #skip(reason: string, sample: string): void {
    this.#skipped++;
    this.#onSkip?.(reason, sample.slice(0, SAMPLE_LENGTH));
  }
}

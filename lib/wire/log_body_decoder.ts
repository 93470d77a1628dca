/**
 * Decodes a log response body whatever its headers say: the format is read
 * from the body's first bytes, because proxies (the OpenFaaS gateway among
 * them) drop or rewrite response headers.
 *
 * @module
 */

import type { LogRecord } from "../types.ts";
import { NdjsonLogDecoder } from "./ndjson_log_decoder.ts";
import { SseLogDecoder } from "./sse_log_decoder.ts";

/** The two body formats of the log API. */
export type LogBodyFormat = "ndjson" | "event-stream";

/** Options for {@linkcode LogBodyDecoder}. */
export interface LogBodyDecoderOptions {
  /** Called for every malformed value or event skipped, with a reason and a sample. */
  readonly onSkip?: (reason: string, sample: string) => void;
  /** Called once the format is known (before any record of it is returned). */
  readonly onFormat?: (format: LogBodyFormat) => void;
  /** Event stream: called when fnlogs' `hello` preamble arrives. */
  readonly onHello?: (hello: Readonly<Record<string, unknown>>) => void;
  /** Event stream: called for every heartbeat comment. */
  readonly onHeartbeat?: () => void;
  /** Event stream: id-only events as progress records (see `SseLogDecoderOptions.progress`). */
  readonly progress?: boolean;
}

/** A body that is neither NDJSON nor an event stream (an HTML error page, say). */
export class UnexpectedBodyError extends Error {
  override name = "UnexpectedBodyError";
  constructor(readonly sample: string) {
    super(`The server sent neither JSON log lines nor an event stream: ${JSON.stringify(sample)}`);
  }
}

/** How an event stream may begin: a field name and its colon, or a comment. */
const EVENT_STREAM_START = /^(?:retry|id|event|data):|^:/;
const FIELDS = ["retry:", "id:", "event:", "data:"];
const SAMPLE_LENGTH = 80;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/**
 * Decodes a log body fed as text chunks. Leading whitespace and a byte order
 * mark are skipped; then `{` means concatenated JSON values (NDJSON, what
 * every OpenFaaS server sends) and `retry:`, `id:`, `event:`, `data:` or
 * `:` mean fnlogs' event stream. Anything else throws
 * {@linkcode UnexpectedBodyError} naming what arrived. Until enough text
 * arrived to tell, nothing is returned and the text is held.
 *
 * @example The same decoder reads either format
 * ```ts
 * import { LogBodyDecoder } from "./log_body_decoder.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const sse = new LogBodyDecoder();
 * assertEquals(sse.decode("re"), []);
 * const records = sse.decode('try: 1000\nevent: hello\ndata: {"resume":"cursor"}\n\nid: 7\ndata: {"text":"hi"}\n\n');
 * assertEquals([sse.format, sse.hello, records.map((r) => r.cursor)], ["event-stream", { resume: "cursor" }, ["7"]]);
 *
 * const ndjson = new LogBodyDecoder();
 * assertEquals(ndjson.decode('\n{"text":"a"}\n').map((r) => r.text), ["a"]);
 * assertEquals(ndjson.format, "ndjson");
 * ```
 */
export class LogBodyDecoder {
  readonly #options: LogBodyDecoderOptions;
  #held = "";
  #ndjson: NdjsonLogDecoder | undefined;
  #sse: SseLogDecoder | undefined;

  constructor(options: LogBodyDecoderOptions = {}) {
    this.#options = options;
  }

  /** The format, once the first bytes told it. */
  get format(): LogBodyFormat | undefined {
    return this.#ndjson !== undefined
      ? "ndjson"
      : this.#sse !== undefined
      ? "event-stream"
      : undefined;
  }

  /** Event stream: whether the server sent its `end` event (an end on purpose). */
  get ended(): boolean {
    return this.#sse?.ended ?? false;
  }

  /** Event stream: the server's `retry:` hint. */
  get retryMs(): number | undefined {
    return this.#sse?.retryMs;
  }

  /** Event stream: fnlogs' `hello` preamble, once it arrived. */
  get hello(): Readonly<Record<string, unknown>> | undefined {
    return this.#sse?.hello;
  }

  /** Values or events skipped so far. */
  get skipped(): number {
    return this.#ndjson?.skipped ?? this.#sse?.skipped ?? 0;
  }

  /** The records completed by `chunk`. Throws {@linkcode UnexpectedBodyError}. */
  decode(chunk: string): LogRecord[] {
    if (this.#ndjson !== undefined) return this.#ndjson.decode(chunk);
    if (this.#sse !== undefined) return this.#sse.decode(chunk);
    const text = this.#held + chunk;
    let i = 0;
    while (i < text.length && (isSpace(text.charCodeAt(i)) || text.charCodeAt(i) === 0xfeff)) i++;
    const rest = text.slice(i);
    if (rest === "") {
      this.#held = text.length > 4096 ? "" : text;
      return [];
    }
    const o = this.#options;
    if (rest.charCodeAt(0) === 123) {
      this.#ndjson = new NdjsonLogDecoder({ onSkip: o.onSkip });
      o.onFormat?.("ndjson");
      return this.#ndjson.decode(rest);
    }
    if (EVENT_STREAM_START.test(rest)) {
      this.#sse = new SseLogDecoder({
        onSkip: o.onSkip,
        onHello: o.onHello,
        onHeartbeat: o.onHeartbeat,
        progress: o.progress,
      });
      o.onFormat?.("event-stream");
      return this.#sse.decode(rest);
    }
    // Not decided while the text could still become a field name ("ret").
    if (rest.length < 6 && FIELDS.some((f) => f.startsWith(rest))) {
      this.#held = text;
      return [];
    }
    throw new UnexpectedBodyError(rest.slice(0, SAMPLE_LENGTH).trimEnd());
  }

  /** At the end of the body: what a number ending it completed, and skips for a cut unit. */
  end(): LogRecord[] {
    if (this.#ndjson !== undefined) return this.#ndjson.end();
    this.#sse?.end();
    const rest = this.#held.trim();
    if (rest !== "" && this.#sse === undefined) throw new UnexpectedBodyError(rest);
    return [];
  }
}

/**
 * Decodes an OpenFaaS log response body (already text), chunk by chunk, into
 * records, accepting what faas-cli's Go `json.Decoder` accepts. This is the
 * decoder itself; `NdjsonLogDecoderStream` wraps it as a `TransformStream`.
 *
 * @module
 */

import type { LogRecord } from "../types.ts";
import { toLogRecord } from "./to_log_record.ts";
import {
  AFTER,
  ARRAY,
  ARRAY_FIRST,
  COLON,
  DOT,
  ESCAPE,
  EXP_MARK,
  EXP_SIGN,
  EXPONENT,
  FRACTION,
  HEX,
  IDLE,
  INT,
  isDigit,
  isHex,
  isSpace,
  LITERAL,
  MINUS,
  OBJECT,
  OBJECT_FIRST,
  OBJECT_KEY,
  parseJson,
  SAMPLE_LENGTH,
  STRING,
  VALUE,
  ZERO,
} from "./_json_scan.ts";

const DEFAULT_MAX_VALUE_LENGTH = 1_048_576;

/** Options for {@linkcode NdjsonLogDecoder}. */
export interface NdjsonLogDecoderOptions {
  /**
   * The longest JSON value, in UTF-16 code units; a longer one is skipped
   * and at most this much of it is ever held. Default 1 MiB (1,048,576).
   */
  readonly maxValueLength?: number;
  /**
   * Called for every skipped value with a short reason and the first 80
   * characters of what was skipped.
   */
  readonly onSkip?: (reason: string, sample: string) => void;
}

/**
 * Decodes text, fed chunk by chunk, into {@linkcode LogRecord}s: a
 * stream of concatenated JSON values, newline-separated or not, whitespace
 * between them, objects possibly pretty-printed across lines, split across
 * chunks anywhere. Each object is mapped with {@linkcode toLogRecord};
 * {@linkcode decode} returns the records a chunk completed, and a value that
 * is complete when its chunk ends is returned at once, newline or not.
 *
 * Nothing is ever thrown for bad input. What Go would fail on (text that is
 * not JSON, a value that is not an object or has a field of the wrong type)
 * is skipped, counted in {@linkcode skipped} and reported to `onSkip`, as is
 * a value longer than `maxValueLength` and a value cut off by the end of the
 * input. After malformed text decoding resumes after the next newline; when a
 * malformed value spanned several lines, the lines it swallowed that hold one
 * complete object each are still decoded, and decoding resumes at the start
 * of the line where the error showed up. A leading byte order mark is
 * ignored.
 *
 * The common case, one compact object per line, costs one `indexOf` and one
 * `JSON.parse` per line; other input goes through a validating scanner that
 * holds at most `maxValueLength` characters of a pending value.
 *
 * @example Lines, pretty-printed and concatenated values, garbage skipped
 * ```ts
 * import { NdjsonLogDecoder } from "./ndjson_log_decoder.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const skips: string[] = [];
 * const decoder = new NdjsonLogDecoder({ onSkip: (reason) => skips.push(reason) });
 * const first = decoder.decode('{"name":"env","text":"a"}\n{\n  "text": "b"\n}{"te');
 * const second = decoder.decode('xt":"c"}\nnot json\n');
 * assertEquals([...first, ...second, ...decoder.end()].map((r) => r.text), ["a", "b", "c"]);
 * assertEquals([decoder.skipped, skips], [1, ["malformed JSON"]]);
 * ```
 */
export class NdjsonLogDecoder {
  readonly #max: number;
  readonly #onSkip: ((reason: string, sample: string) => void) | undefined;
  #skipped = 0;
  #started = false;
  /** Dropping text up to the next newline. */
  #discarding = false;
  /**
   * The text of a value that earlier chunks began and did not finish; it
   * starts at `-#prefix.length` relative to the next chunk. Kept as a rope
   * and flattened once, when the value ends.
   */
  #prefix = "";
  /** Whether a value is being scanned. */
  #inValue = false;
  /** The text being decoded, which `#fail` may prefix with `#prefix`. */
  #text = "";
  #state = IDLE;
  #stack: number[] = [];
  #isKey = false;
  #hexDigits = 0;
  #literal = "";
  #literalIndex = 0;

  /** Creates a decoder; throws a `RangeError` for a non-positive `maxValueLength`. */
  constructor(options: NdjsonLogDecoderOptions = {}) {
    this.#max = options.maxValueLength ?? DEFAULT_MAX_VALUE_LENGTH;
    if (!(this.#max > 0)) throw new RangeError(`Cannot use maxValueLength ${this.#max}`);
    this.#onSkip = options.onSkip;
  }

  /** How many values (or runs of malformed text) were skipped so far. */
  get skipped(): number {
    return this.#skipped;
  }

  /** The records completed by `chunk` (in order; often none or many). */
  decode(chunk: string): LogRecord[] {
    return this.#decode(chunk, false);
  }

  /** At the end of the input: a number that ended with it, and a skip for a cut value. */
  end(): LogRecord[] {
    return this.#decode("", true);
  }

  #decode(chunk: string, eof: boolean): LogRecord[] {
    const out: LogRecord[] = [];
    let text = chunk;
    let i = 0;
    if (!this.#started && chunk !== "") {
      this.#started = true;
      if (chunk.charCodeAt(0) === 0xfeff) i = 1;
    }
    if (this.#discarding) {
      const nl = chunk.indexOf("\n", i);
      if (nl === -1) return out;
      this.#discarding = false;
      i = nl + 1;
    } else if (this.#inValue) {
      this.#text = chunk;
      i = this.#scan(chunk, 0, -this.#prefix.length, out, eof);
      text = this.#text;
    }
    const max = this.#max;
    while (i < text.length) {
      const nl = text.indexOf("\n", i);
      if (nl !== -1 && nl - i <= max && text.charCodeAt(i) === 123) {
        const last = text.charCodeAt(nl - 1) === 13 ? nl - 2 : nl - 1;
        if (text.charCodeAt(last) === 125) {
          const line = text.slice(i, nl);
          const value = parseJson(line);
          if (value !== undefined) {
            this.#take(value, line, out);
            i = nl + 1;
            continue;
          }
        }
      }
      this.#text = text;
      i = this.#scan(text, i, 0, out, eof);
      text = this.#text;
    }
    this.#text = "";
    return out;
  }

  /**
   * Runs the scanner from `i`, where a pending value started at `start`
   * (negative when it began in `#prefix`). Returns where the fast path can
   * take over (a line start with no value pending), or `text.length` with
   * the state saved. After an error it may have replaced `#text`.
   */
  #scan(text: string, i: number, start: number, out: LogRecord[], eof: boolean): number {
    const len = text.length, max = this.#max, stack = this.#stack;
    let state = this.#state, inValue = this.#inValue;
    let c = 0;
    // Set by a completed top-level value, handled after the switch.
    let end = -1;
    for (;;) {
      if (inValue && i - start > max) {
        return this.#fail(text, start, start + max, "value too long", out);
      }
      if (i >= len) {
        if (eof && inValue) {
          if (
            stack.length === 0 && (state === ZERO || state === INT || state === FRACTION ||
              state === EXPONENT)
          ) {
            end = len;
          } else {
            return this.#fail(text, start, len, "truncated value", out);
          }
        } else {
          this.#state = state;
          this.#inValue = inValue;
          if (inValue) this.#prefix = start < 0 ? this.#prefix + text : text.slice(start);
          return i;
        }
      } else {
        c = text.charCodeAt(i);
      }
      if (end < 0) {
        let error = false;
        if (state >= VALUE && state <= AFTER && isSpace(c)) {
          i++;
          continue;
        }
        switch (state) {
          case IDLE:
            if (c === 10) {
              this.#state = IDLE;
              this.#inValue = false;
              return i + 1;
            }
            if (c === 32 || c === 13 || c === 9) i++;
            else {
              // A top-level value starts here; look at the character again.
              start = i;
              inValue = true;
              state = VALUE;
            }
            continue;
          case VALUE:
          case ARRAY_FIRST:
            if (c === 123) {
              stack.push(OBJECT);
              state = OBJECT_FIRST;
            } else if (c === 91) {
              stack.push(ARRAY);
              state = ARRAY_FIRST;
            } else if (c === 34) {
              this.#isKey = false;
              state = STRING;
            } else if (c === 45) state = MINUS;
            else if (c === 48) state = ZERO;
            else if (c >= 49 && c <= 57) state = INT;
            else if (c === 116 || c === 102 || c === 110) {
              this.#literal = c === 116 ? "true" : c === 102 ? "false" : "null";
              this.#literalIndex = 1;
              state = LITERAL;
            } else if (c === 93 && state === ARRAY_FIRST) {
              stack.pop();
              end = i + 1;
            } else error = true;
            break;
          case OBJECT_FIRST:
          case OBJECT_KEY:
            if (c === 34) {
              this.#isKey = true;
              state = STRING;
            } else if (c === 125 && state === OBJECT_FIRST) {
              stack.pop();
              end = i + 1;
            } else error = true;
            break;
          case COLON:
            if (c === 58) state = VALUE;
            else error = true;
            break;
          case AFTER:
            if (c === 44) state = stack[stack.length - 1] === OBJECT ? OBJECT_KEY : VALUE;
            else if (c === (stack[stack.length - 1] === OBJECT ? 125 : 93)) {
              stack.pop();
              end = i + 1;
            } else error = true;
            break;
          case STRING:
            // Plain characters in a tight loop; stop at a quote, a backslash or a control character.
            while (c !== 34 && c !== 92 && c >= 32 && ++i < len) c = text.charCodeAt(i);
            if (i === len) continue;
            if (c === 34) {
              if (this.#isKey) state = COLON;
              else end = i + 1;
            } else if (c === 92) state = ESCAPE;
            else error = true;
            break;
          case ESCAPE:
            if (c === 117) {
              this.#hexDigits = 0;
              state = HEX;
            } else if (
              c === 34 || c === 92 || c === 47 || c === 98 || c === 102 || c === 110 ||
              c === 114 || c === 116
            ) state = STRING;
            else error = true;
            break;
          case HEX:
            if (!isHex(c)) error = true;
            else if (++this.#hexDigits === 4) state = STRING;
            break;
          case MINUS:
            if (c === 48) state = ZERO;
            else if (c >= 49 && c <= 57) state = INT;
            else error = true;
            break;
          case DOT:
          case EXP_SIGN:
            if (isDigit(c)) state = state === DOT ? FRACTION : EXPONENT;
            else error = true;
            break;
          case EXP_MARK:
            if (c === 43 || c === 45) state = EXP_SIGN;
            else if (isDigit(c)) state = EXPONENT;
            else error = true;
            break;
          case ZERO:
          case INT:
          case FRACTION:
          case EXPONENT:
            if (isDigit(c) && state !== ZERO) break;
            if (c === 46 && (state === ZERO || state === INT)) state = DOT;
            else if ((c === 101 || c === 69) && state !== EXPONENT) state = EXP_MARK;
            else end = i--; // The number ended before this character: look at it again.
            break;
          case LITERAL:
            if (c !== this.#literal.charCodeAt(this.#literalIndex)) error = true;
            else if (++this.#literalIndex === this.#literal.length) end = i + 1;
            break;
        }
        if (error) return this.#fail(text, start, i, "malformed JSON", out);
        i++;
        if (end < 0) continue;
      }
      // A value ended at `end`.
      if (stack.length > 0) {
        state = AFTER;
      } else if (end - start > max) {
        return this.#fail(text, start, start + max, "value too long", out);
      } else {
        const json = start >= 0 ? text.slice(start, end) : this.#prefix + text.slice(0, end);
        // The scanner checked the syntax: only an object needs parsing.
        this.#take(json.charCodeAt(0) === 123 ? parseJson(json) : null, json, out);
        this.#prefix = "";
        state = IDLE;
        inValue = false;
      }
      end = -1;
    }
  }

  /**
   * Skips the value that started at `start` and failed at `at`. Returns where
   * decoding resumes, with the scanner reset (or discarding to a newline).
   */
  #fail(text: string, start: number, at: number, reason: string, out: LogRecord[]): number {
    if (start < 0) {
      // The value began in earlier chunks: go on with its whole text.
      const length = this.#prefix.length;
      text = this.#text = this.#prefix + text;
      start += length;
      at += length;
    }
    this.#prefix = "";
    this.#inValue = false;
    this.#skip(reason, text.slice(start, Math.min(at + 1, start + SAMPLE_LENGTH)));
    this.#stack.length = 0;
    this.#state = IDLE;
    const lineStart = at > 0 ? text.lastIndexOf("\n", at - 1) + 1 : 0;
    if (lineStart <= start) {
      const lineEnd = text.indexOf("\n", at);
      if (lineEnd !== -1) return lineEnd + 1;
      this.#discarding = true;
      return text.length;
    }
    // The value swallowed whole lines: decode those that hold one object each,
    // then start again at the line where the error showed up.
    for (let a = text.indexOf("\n", start) + 1; a < lineStart;) {
      const b = text.indexOf("\n", a);
      let k = a;
      let e = b - 1;
      while (k < b && isSpace(text.charCodeAt(k))) k++;
      while (e > k && isSpace(text.charCodeAt(e))) e--;
      if (text.charCodeAt(k) === 123 && text.charCodeAt(e) === 125) {
        const record = toLogRecord(parseJson(text.slice(k, b)));
        if (record !== undefined) out.push(record);
      }
      a = b + 1;
    }
    return lineStart;
  }

  /** Takes a top-level value: a record, or a skip with the reason. */
  #take(value: unknown, json: string, out: LogRecord[]): void {
    const record = toLogRecord(value);
    if (record !== undefined) out.push(record);
    else if (typeof value === "object" && value !== null) {
      this.#skip("a field is not a string", json);
    } else this.#skip(value === undefined ? "malformed JSON" : "not a JSON object", json);
  }

  #skip(reason: string, sample: string): void {
    this.#skipped++;
    this.#onSkip?.(reason, sample.slice(0, SAMPLE_LENGTH));
  }
}

/**
 * Splits text into lines and emits every complete line of a chunk as one
 * batch, so that a chunk holding a thousand lines costs one stream hop, not a
 * thousand.
 *
 * @module
 */

/** The default longest line, in UTF-16 code units, before it is cut. */
export const DEFAULT_MAX_LINE_LENGTH = 65_536;

/** Options for {@linkcode LineBatchStream}. */
export interface LineBatchStreamOptions {
  /**
   * Longer lines keep their first `maxLineLength` characters followed by
   * {@linkcode cutMarker}; the rest is counted, not kept, so memory stays
   * bounded whatever the input. Default {@linkcode DEFAULT_MAX_LINE_LENGTH}.
   */
  readonly maxLineLength?: number;
}

/** The text appended to a line that was cut, saying how much was dropped. */
export function cutMarker(droppedChars: number): string {
  return ` [fnlogs: line cut, ${droppedChars} more characters dropped]`;
}

/**
 * A `TransformStream` from text chunks to batches of lines. Lines end at
 * `\n`; a `\r` before it is removed. A final line without a newline is
 * emitted when the input ends. Empty batches are never emitted.
 *
 * @example Lines split across chunks
 * ```ts
 * import { LineBatchStream } from "./line_batch_stream.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const batches = await Array.fromAsync(
 *   ReadableStream.from(["a\nb", "c\r\nd\n", "e"]).pipeThrough(new LineBatchStream()),
 * );
 * assertEquals(batches, [["a"], ["bc", "d"], ["e"]]);
 * ```
 */
export class LineBatchStream extends TransformStream<string, string[]> {
  #partial = "";
  #dropped = 0;
  #droppedCR = false;
  readonly #max: number;

  constructor(options: LineBatchStreamOptions = {}) {
    super({
      transform: (chunk, controller) => {
        const lines = this.#split(chunk);
        if (lines.length > 0) controller.enqueue(lines);
      },
      flush: (controller) => {
        if (this.#partial !== "" || this.#dropped > 0) controller.enqueue([this.#finish("")]);
      },
    });
    this.#max = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
    if (!(this.#max > 0)) throw new RangeError(`Cannot use maxLineLength ${this.#max}`);
  }

  #split(chunk: string): string[] {
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf("\n", start);
      if (nl === -1) break;
      lines.push(this.#finish(chunk.slice(start, nl)));
      start = nl + 1;
    }
    if (start < chunk.length) this.#append(chunk.slice(start));
    return lines;
  }

  #append(piece: string): void {
    const room = this.#max - this.#partial.length;
    if (piece.length <= room) {
      this.#partial += piece;
      return;
    }
    if (room > 0) this.#partial += piece.slice(0, room);
    this.#dropped += piece.length - Math.max(room, 0);
    this.#droppedCR = piece.endsWith("\r");
  }

  #finish(tail: string): string {
    if (this.#partial === "" && this.#dropped === 0 && tail.length <= this.#max) {
      return tail.endsWith("\r") ? tail.slice(0, -1) : tail;
    }
    this.#append(tail);
    let line = this.#partial;
    let dropped = this.#dropped;
    if (dropped === 0) {
      if (line.endsWith("\r")) line = line.slice(0, -1);
    } else if (this.#droppedCR) {
      dropped -= 1;
    }
    this.#partial = "";
    this.#dropped = 0;
    this.#droppedCR = false;
    return dropped > 0 ? line + cutMarker(dropped) : line;
  }
}

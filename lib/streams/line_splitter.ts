/**
 * Splits text that arrives in pieces into lines, cutting lines that grow
 * past a limit so that memory stays bounded whatever the input. The
 * stream-free core of {@linkcode LineBatchStream} and of the Docker frame
 * decoder's per-output lines.
 *
 * @module
 */

/** The default longest line, in UTF-16 code units, before it is cut. */
export const DEFAULT_MAX_LINE_LENGTH = 65_536;

/** The text appended to a line that was cut, saying how much was dropped. */
export function cutMarker(droppedChars: number): string {
  return ` [fnlogs: line cut, ${droppedChars} more characters dropped]`;
}

/**
 * Lines end at `\n`; a `\r` before it is removed. A line longer than
 * `maxLineLength` keeps its first `maxLineLength` characters followed by
 * {@linkcode cutMarker}; the rest is counted, not kept.
 *
 * @example
 * ```ts
 * import { LineSplitter } from "./line_splitter.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const splitter = new LineSplitter();
 * const lines: string[] = [];
 * splitter.split("a\r\nb", lines);
 * splitter.split("c\n", lines);
 * assertEquals(lines, ["a", "bc"]);
 * ```
 */
export class LineSplitter {
  #partial = "";
  #dropped = 0;
  #droppedCR = false;
  readonly #max: number;

  constructor(maxLineLength: number = DEFAULT_MAX_LINE_LENGTH) {
    if (!(maxLineLength > 0)) throw new RangeError(`Cannot use maxLineLength ${maxLineLength}`);
    this.#max = maxLineLength;
  }

  /** Whether an unfinished line is waiting for more text. */
  get midLine(): boolean {
    return this.#partial !== "" || this.#dropped > 0;
  }

  /** Appends every line that `text` completes to `out`. */
  split(text: string, out: string[]): void {
    let start = 0;
    for (;;) {
      const nl = text.indexOf("\n", start);
      if (nl === -1) break;
      out.push(this.#finish(text.slice(start, nl)));
      start = nl + 1;
    }
    if (start < text.length) this.#append(start === 0 ? text : text.slice(start));
  }

  /** Appends the unfinished last line, if there is one, to `out`. */
  end(out: string[]): void {
    if (this.midLine) out.push(this.#finish(""));
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
    if (!this.midLine && tail.length <= this.#max) {
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

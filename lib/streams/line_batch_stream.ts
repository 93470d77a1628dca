/**
 * Splits text into lines and emits every complete line of a chunk as one
 * batch, so that a chunk holding a thousand lines costs one stream hop, not a
 * thousand.
 *
 * @module
 */
import { DEFAULT_MAX_LINE_LENGTH, LineSplitter } from "./line_splitter.ts";

export { DEFAULT_MAX_LINE_LENGTH };

/** Options for {@linkcode LineBatchStream}. */
export interface LineBatchStreamOptions {
  /**
   * Longer lines keep their first `maxLineLength` characters followed by
   * {@linkcode cutMarker}; the rest is counted, not kept, so memory stays
   * bounded whatever the input. Default {@linkcode DEFAULT_MAX_LINE_LENGTH}.
   */
  readonly maxLineLength?: number;
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
  /** A splitter of text chunks into batches of lines. */
  constructor(options: LineBatchStreamOptions = {}) {
    const splitter = new LineSplitter(options.maxLineLength);
    super({
      transform(chunk, controller) {
        const lines: string[] = [];
        splitter.split(chunk, lines);
        if (lines.length > 0) controller.enqueue(lines);
      },
      flush(controller) {
        const lines: string[] = [];
        splitter.end(lines);
        if (lines.length > 0) controller.enqueue(lines);
      },
    });
  }
}

/**
 * A synchronous decoder for the body of the Docker Engine API's
 * `GET /containers/{id}/logs` (also served by Podman): the multiplexed
 * stream of containers without a TTY, or the raw stream of TTY containers,
 * turned into complete lines per output stream.
 *
 * @module
 */

import { DEFAULT_MAX_LINE_LENGTH, LineSplitter } from "../../streams/line_splitter.ts";

/** Which output of the container a line came from. */
export type DockerOutput = "stdout" | "stderr" | "system";

/** One complete line, without its `\n` (and without a `\r` before it). */
export interface DockerLine {
  /**
   * `stdout` (frame type 1, also 0, and every line of a raw TTY stream),
   * `stderr` (type 2), or `system` (type 3: the daemon's own errors, such as
   * Docker's `Error grabbing logs: ...`).
   */
  readonly output: DockerOutput;
  /** The line as the daemon wrote it, timestamp prefix included. */
  readonly text: string;
}

/**
 * How the body is framed: `multiplexed` (8-byte headers, containers without
 * a TTY), `raw` (TTY containers), or `auto`, which looks at the first byte:
 * a multiplexed body starts with a stream type 0 to 3 followed by three zero
 * bytes, while a raw body asked for with `timestamps=1` starts with a digit.
 */
export type DockerFraming = "auto" | "multiplexed" | "raw";

/** Options for {@linkcode DockerFrameDecoder}. */
export interface DockerFrameDecoderOptions {
  /** Default `auto`. */
  readonly framing?: DockerFraming;
  /**
   * Longer lines keep their first `maxLineLength` characters followed by
   * {@linkcode cutMarker}. Default {@linkcode DEFAULT_MAX_LINE_LENGTH}.
   */
  readonly maxLineLength?: number;
  /**
   * The body was asked for with `timestamps=1`. Docker and Podman cut long
   * lines into several messages and write each as its own frame with its
   * own timestamp; with this set, a frame that continues an unfinished line
   * loses its leading `TIMESTAMP ` so that the pieces join into the original
   * line (the first piece's timestamp stays). Raw TTY streams have no frames
   * to tell where a piece starts, so there the later timestamps stay inside
   * the joined line, except one right at its end (Podman logging the line's
   * `\r\n` apart from its text), which is dropped. Default `false`.
   */
  readonly timestamps?: boolean;
}

/** The longest timestamp prefix looked for at the start of a continuation frame. */
const MAX_TIMESTAMP_PREFIX = 40;
const TIMESTAMP_PREFIX = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/;
/**
 * A raw TTY line whose end came as a piece of its own: `TEXT` + the piece's
 * timestamp and space (the `\r` before the `\n` is already gone).
 */
const TRAILING_TIMESTAMP = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d) $/;

/** The text of one output stream, split into lines. */
class OutputLines {
  readonly #decoder = new TextDecoder();
  readonly #splitter: LineSplitter;
  readonly #lines: string[] = [];

  constructor(readonly output: DockerOutput, max: number) {
    this.#splitter = new LineSplitter(max);
  }

  /** Whether an unfinished line is waiting for more text. */
  get midLine(): boolean {
    return this.#splitter.midLine;
  }

  push(bytes: Uint8Array, out: DockerLine[]): void {
    this.#splitter.split(this.#decoder.decode(bytes, { stream: true }), this.#lines);
    this.#drain(out);
  }

  end(out: DockerLine[]): void {
    const rest = this.#decoder.decode();
    if (rest !== "") this.#splitter.split(rest, this.#lines);
    this.#splitter.end(this.#lines);
    this.#drain(out);
  }

  /**
   * Raw TTY streams with timestamps only: Podman logs a TTY line's `\r\n`
   * as a piece of its own when it read it apart from the text, with its own
   * timestamp; that timestamp, at the very end of the line, is dropped. (A
   * piece that starts inside the text cannot be told from the text.)
   */
  trimTrailingTimestamp = false;

  #drain(out: DockerLine[]): void {
    for (let text of this.#lines) {
      if (this.trimTrailingTimestamp && text.endsWith(" ")) {
        const match = TRAILING_TIMESTAMP.exec(text);
        // The line's own timestamp must stay: only a second one is a piece's.
        if (match !== null && match.index > 0) text = text.slice(0, match.index);
      }
      out.push({ output: this.output, text });
    }
    this.#lines.length = 0;
  }
}

/**
 * Decodes a logs body chunk by chunk into complete lines. Frames need not
 * align with chunks or with lines: a header or a UTF-8 character may be
 * split across chunks, a line may span frames, and a frame may hold many
 * lines. Each output stream keeps its own unfinished line, so a partial
 * stdout line is never joined with stderr text.
 *
 * @example A line split across two frames and a chunk boundary
 * ```ts
 * import { DockerFrameDecoder } from "./frame_decoder.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const frame = (type: number, text: string) => {
 *   const payload = new TextEncoder().encode(text);
 *   const bytes = new Uint8Array(8 + payload.length);
 *   bytes[0] = type;
 *   new DataView(bytes.buffer).setUint32(4, payload.length);
 *   bytes.set(payload, 8);
 *   return bytes;
 * };
 * const decoder = new DockerFrameDecoder();
 * const body = new Uint8Array([...frame(1, "hel"), ...frame(2, "oops\n"), ...frame(1, "lo\n")]);
 * assertEquals(decoder.decode(body.subarray(0, 10)), []);
 * assertEquals(decoder.decode(body.subarray(10)), [
 *   { output: "stderr", text: "oops" },
 *   { output: "stdout", text: "hello" },
 * ]);
 * assertEquals(decoder.end(), []);
 * ```
 */
export class DockerFrameDecoder {
  readonly #max: number;
  readonly #timestamps: boolean;
  #framing: DockerFraming;
  readonly #outputs = new Map<number, OutputLines>();
  /** Header bytes collected so far (multiplexed), or the first bytes (auto). */
  readonly #header = new Uint8Array(8);
  #headerLength = 0;
  /** Payload bytes still to come in the current frame. */
  #remaining = 0;
  #current?: OutputLines;
  /** The start of a continuation frame, held until its timestamp can be judged. */
  #prefix?: Uint8Array;
  #prefixLength = 0;
  #corrupt = false;

  constructor(options: DockerFrameDecoderOptions = {}) {
    this.#framing = options.framing ?? "auto";
    this.#max = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
    this.#timestamps = options.timestamps ?? false;
    if (!(this.#max > 0)) throw new RangeError(`Cannot use maxLineLength ${this.#max}`);
  }

  /** The framing in use: `auto` until the first bytes have been seen. */
  get framing(): DockerFraming {
    return this.#framing;
  }

  /**
   * A multiplexed body had a header no daemon writes (a stream type over 3,
   * or reserved bytes that are not zero): the framing is lost, and nothing
   * after it is decoded (its bytes would show as lines of garbage, or as
   * lines of the wrong stream). Lines before it were all given out; the
   * caller reads again from where they end.
   */
  get corrupt(): boolean {
    return this.#corrupt;
  }

  /** Decodes one chunk; returns the lines it completed, in order (often none). */
  decode(chunk: Uint8Array): DockerLine[] {
    const out: DockerLine[] = [];
    if (this.#corrupt) return out;
    let offset = 0;
    if (this.#framing === "auto") offset = this.#detect(chunk, out);
    if (this.#framing === "raw") {
      if (offset < chunk.length) this.#output(1).push(chunk.subarray(offset), out);
      return out;
    }
    if (this.#framing === "multiplexed") this.#demultiplex(chunk, offset, out);
    return out;
  }

  /** Ends the body: returns the unfinished lines, stdout first (none after a corrupt header). */
  end(): DockerLine[] {
    const out: DockerLine[] = [];
    if (this.#corrupt) return out;
    if (this.#framing === "auto" && this.#headerLength > 0) {
      // Fewer than four bytes in all: too short for a header, so raw text.
      this.#framing = "raw";
      this.#output(1).push(this.#header.subarray(0, this.#headerLength), out);
    }
    if (this.#prefix !== undefined) this.#releasePrefix(false, out);
    for (const type of [...this.#outputs.keys()].sort()) this.#outputs.get(type)!.end(out);
    return out;
  }

  #output(type: number): OutputLines {
    const key = type === 0 ? 1 : type;
    let lines = this.#outputs.get(key);
    if (lines === undefined) {
      const output = key === 2 ? "stderr" : key === 1 ? "stdout" : "system";
      lines = new OutputLines(output, this.#max);
      lines.trimTrailingTimestamp = this.#framing === "raw" && this.#timestamps;
      this.#outputs.set(key, lines);
    }
    return lines;
  }

  /** Looks at the first bytes to choose the framing; returns how many it consumed. */
  #detect(chunk: Uint8Array, out: DockerLine[]): number {
    let offset = 0;
    while (this.#headerLength < 4 && offset < chunk.length) {
      this.#header[this.#headerLength++] = chunk[offset++];
    }
    if (this.#headerLength === 0) return offset;
    const h = this.#header;
    const plausible = h[0] <= 3 && (this.#headerLength < 2 || h[1] === 0) &&
      (this.#headerLength < 3 || h[2] === 0) && (this.#headerLength < 4 || h[3] === 0);
    if (!plausible) {
      this.#framing = "raw";
      this.#output(1).push(h.slice(0, this.#headerLength), out);
      this.#headerLength = 0;
      return offset;
    }
    if (this.#headerLength === 4) this.#framing = "multiplexed";
    return offset;
  }

  #demultiplex(chunk: Uint8Array, offset: number, out: DockerLine[]): void {
    while (offset < chunk.length) {
      if (this.#remaining === 0 && this.#current === undefined) {
        const need = 8 - this.#headerLength;
        const take = Math.min(need, chunk.length - offset);
        this.#header.set(chunk.subarray(offset, offset + take), this.#headerLength);
        this.#headerLength += take;
        offset += take;
        if (this.#headerLength < 8) return;
        this.#headerLength = 0;
        const h = this.#header;
        if (h[0] > 3 || h[1] !== 0 || h[2] !== 0 || h[3] !== 0) {
          this.#corrupt = true;
          return;
        }
        this.#remaining = ((h[4] << 24) >>> 0) + (h[5] << 16) + (h[6] << 8) + h[7];
        if (this.#remaining === 0) continue;
        this.#current = this.#output(h[0]);
        if (this.#timestamps && this.#current.midLine) {
          this.#prefix = new Uint8Array(Math.min(MAX_TIMESTAMP_PREFIX, this.#remaining));
          this.#prefixLength = 0;
        }
        continue;
      }
      const take = Math.min(this.#remaining, chunk.length - offset);
      const piece = chunk.subarray(offset, offset + take);
      offset += take;
      this.#remaining -= take;
      if (this.#prefix !== undefined) {
        this.#fillPrefix(piece, out);
      } else {
        this.#current!.push(piece, out);
      }
      if (this.#remaining === 0) {
        if (this.#prefix !== undefined) this.#releasePrefix(false, out);
        this.#current = undefined;
      }
    }
  }

  /** Collects the start of a continuation frame until a space or the limit shows up. */
  #fillPrefix(piece: Uint8Array, out: DockerLine[]): void {
    const prefix = this.#prefix!;
    const take = Math.min(prefix.length - this.#prefixLength, piece.length);
    prefix.set(piece.subarray(0, take), this.#prefixLength);
    this.#prefixLength += take;
    const space = prefix.subarray(0, this.#prefixLength).indexOf(0x20);
    if (space === -1 && this.#prefixLength < prefix.length) return;
    this.#releasePrefix(space !== -1, out);
    if (take < piece.length) this.#current!.push(piece.subarray(take), out);
  }

  /** Passes the held start of a frame on, without its timestamp when it has one. */
  #releasePrefix(decided: boolean, out: DockerLine[]): void {
    const held = this.#prefix!.subarray(0, this.#prefixLength);
    this.#prefix = undefined;
    const lines = this.#current ?? this.#output(1);
    const space = decided ? held.indexOf(0x20) : -1;
    if (space > 0) {
      const candidate = String.fromCharCode(...held.subarray(0, space));
      if (TIMESTAMP_PREFIX.test(candidate)) {
        lines.push(held.subarray(space + 1), out);
        return;
      }
    }
    lines.push(held, out);
  }
}

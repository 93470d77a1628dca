/**
 * Writes rendered text to a byte stream: large writes while a burst lasts,
 * each line at once when lines come one by one, and a closed pipe
 * (`| head`) turned into a quiet end instead of an error.
 *
 * @module
 */

function isBrokenPipe(error: unknown): boolean {
  return error instanceof Deno.errors.BrokenPipe ||
    (error instanceof Error &&
      (error.name === "BrokenPipe" || /broken pipe|EPIPE/i.test(error.message)));
}

/** Options for {@linkcode BatchWriter}. */
export interface BatchWriterOptions {
  /**
   * Text that follows the previous `write` within this many milliseconds is
   * held (a burst) until this long after the first held text, or until
   * `maxHeldChars` are held (default 1 ms).
   */
  readonly coalesceMs?: number;
  /** Held text is written at once from this many characters on (default 65,536). */
  readonly maxHeldChars?: number;
  /** The clock in milliseconds (default `performance.now`). */
  readonly now?: () => number;
}

/**
 * Holds the writer of a `WritableStream<Uint8Array>` for the whole run and
 * writes text in call order, one write in flight at a time.
 *
 * A burst is written in large pieces: text that comes within `coalesceMs`
 * of the previous `write` is held and written together once the first held
 * text is `coalesceMs` old, `maxHeldChars` are held, or the write in flight
 * ends (a slow reader gets everything held in one write); a timer writes
 * what is held when a burst stops. A line that comes alone (after a quiet
 * spell) is written at once, so following an idle function adds no delay.
 * `write` waits only when four times `maxHeldChars` are held behind a write
 * in flight (backpressure).
 *
 * @example
 * ```ts
 * import { BatchWriter } from "./batch_writer.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const chunks: string[] = [];
 * const writer = new BatchWriter(new WritableStream({ write: (c) => { chunks.push(new TextDecoder().decode(c)); } }));
 * assertEquals(await writer.write("a\nb\n"), true);
 * writer.post("notice\n");
 * await writer.release();
 * assertEquals(chunks.join(""), "a\nb\nnotice\n");
 * ```
 */
export class BatchWriter {
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #encoder = new TextEncoder();
  readonly #coalesceMs: number;
  readonly #maxHeld: number;
  readonly #now: () => number;
  #closed = false;
  #onClosed: (() => void) | undefined;
  /** A write error other than a broken pipe, thrown by the next call. */
  #error: { error: unknown } | undefined;
  #afterWrite: (() => Promise<void>) | undefined;
  /** Called once the held text is written. */
  #heldCallbacks: (() => void)[] = [];
  /** Called once the write in flight succeeded. */
  #inFlightCallbacks: (() => void)[] = [];
  /**
   * Held text, already encoded: two buffers, one being filled while the
   * other is written (the strings die young instead of living until the
   * write, and no buffer is allocated per batch).
   */
  #buffers = [new Uint8Array(64 * 1024), new Uint8Array(64 * 1024)];
  #held = 0;
  #heldChars = 0;
  #heldSince = 0;
  #lastCall = -Infinity;
  #inFlight: Promise<void> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(stream: WritableStream<Uint8Array>, options: BatchWriterOptions = {}) {
    this.#writer = stream.getWriter();
    this.#coalesceMs = options.coalesceMs ?? 1;
    this.#maxHeld = options.maxHeldChars ?? 65_536;
    this.#now = options.now ?? (() => performance.now());
  }

  /**
   * Awaits `callback` after each write that succeeded (and after the
   * `onWritten` callbacks it completed), before the next write starts:
   * `--resume-file` saves its position there, so that a kill repeats at most
   * one write. A rejection is thrown by the next `write`.
   */
  afterEachWrite(callback: () => Promise<void>): void {
    this.#afterWrite = callback;
  }

  /**
   * Calls `callback` once, as soon as a write finds the reader gone, so that
   * a follow waiting for its next line can end at once (`| head -3` on a
   * quiet function).
   */
  onClosed(callback: () => void): void {
    this.#onClosed = callback;
  }

  /** Whether the other end went away (a broken pipe). */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Queues `text` (see the class doc for when it is written). Resolves
   * `false` once the reader is known to be gone; rejects with an earlier
   * write's other errors. `onWritten` is called once `text` and everything
   * queued before it were written (at once for `""` with nothing pending),
   * never when the reader went away first.
   */
  async write(text: string, onWritten?: () => void): Promise<boolean> {
    this.#throwError();
    if (this.#closed) return false;
    if (text === "") {
      if (onWritten === undefined) return true;
      if (this.#held > 0) this.#heldCallbacks.push(onWritten);
      else if (this.#inFlight !== undefined) this.#inFlightCallbacks.push(onWritten);
      else onWritten();
      return true;
    }
    if (onWritten !== undefined) this.#heldCallbacks.push(onWritten);
    const now = this.#now();
    const alone = now - this.#lastCall >= this.#coalesceMs;
    this.#lastCall = now;
    if (this.#heldChars === 0) this.#heldSince = now;
    this.#hold(text);
    if (this.#inFlight === undefined) {
      if (
        alone || this.#heldChars >= this.#maxHeld || now - this.#heldSince >= this.#coalesceMs
      ) {
        this.#flush();
      } else {
        this.#timer ??= setTimeout(() => {
          this.#timer = undefined;
          if (this.#inFlight === undefined) this.#flush();
        }, this.#coalesceMs);
      }
    } else if (this.#heldChars >= 4 * this.#maxHeld) {
      await this.#inFlight;
      this.#throwError();
    }
    return !this.#closed;
  }

  /** Writes at once, without waiting (for notices); failures are ignored. */
  post(text: string): void {
    if (this.#closed || text === "") return;
    this.#hold(text);
    if (this.#inFlight === undefined) this.#flush();
  }

  /** Writes what is held and waits until every write finished (or failed). */
  async drain(): Promise<void> {
    if (this.#inFlight === undefined && this.#held > 0) this.#flush();
    while (this.#inFlight !== undefined) await this.#inFlight;
  }

  /** Writes what is held and waits for every write, then lets go of the stream (without closing it). */
  async release(): Promise<void> {
    await this.drain();
    clearTimeout(this.#timer);
    this.#writer.releaseLock();
  }

  #throwError(): void {
    const error = this.#error;
    if (error === undefined) return;
    this.#error = undefined;
    throw error.error;
  }

  /** Encodes `text` behind what is held, growing the buffer as needed. */
  #hold(text: string): void {
    let buffer = this.#buffers[0];
    // UTF-8 takes at most three bytes per UTF-16 code unit.
    if (buffer.length - this.#held < text.length * 3) {
      const grown = new Uint8Array(Math.max(buffer.length * 2, this.#held + text.length * 3));
      grown.set(buffer.subarray(0, this.#held));
      buffer = this.#buffers[0] = grown;
    }
    this.#held += this.#encoder.encodeInto(text, buffer.subarray(this.#held)).written;
    this.#heldChars += text.length;
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const [filled, spare] = this.#buffers;
    const length = this.#held;
    this.#held = 0;
    this.#heldChars = 0;
    if (this.#closed) {
      this.#heldCallbacks = [];
      return;
    }
    // The other buffer is free: its write ended before this flush.
    this.#buffers = [spare, filled];
    this.#inFlightCallbacks = this.#heldCallbacks;
    this.#heldCallbacks = [];
    this.#inFlight = this.#writer.write(filled.subarray(0, length)).then(async () => {
      const callbacks = this.#inFlightCallbacks;
      this.#inFlightCallbacks = [];
      for (const callback of callbacks) callback();
      await this.#afterWrite?.();
    }).catch((error) => {
      this.#inFlightCallbacks = [];
      if (!isBrokenPipe(error)) {
        this.#error ??= { error };
        return;
      }
      if (this.#closed) return;
      this.#closed = true;
      this.#onClosed?.();
    }).then(() => {
      this.#inFlight = undefined;
      // What was held behind this write goes out in one write now.
      if (this.#held > 0) this.#flush();
    });
  }
}

/**
 * Writes rendered text to a byte stream, one write per batch, and turns a
 * closed pipe (`| head`) into a quiet end instead of an error.
 *
 * @module
 */

function isBrokenPipe(error: unknown): boolean {
  return error instanceof Deno.errors.BrokenPipe ||
    (error instanceof Error &&
      (error.name === "BrokenPipe" || /broken pipe|EPIPE/i.test(error.message)));
}

/**
 * Holds the writer of a `WritableStream<Uint8Array>` for the whole run.
 * Writes keep their call order, so notices posted while a batch is being
 * written land after it.
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
 * assertEquals(chunks, ["a\nb\n", "notice\n"]);
 * ```
 */
export class BatchWriter {
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #encoder = new TextEncoder();
  #closed = false;
  #onClosed: (() => void) | undefined;
  /** The last write started: `true` when done, `false` once the reader is gone. */
  #last: Promise<boolean> = Promise.resolve(true);

  constructor(stream: WritableStream<Uint8Array>) {
    this.#writer = stream.getWriter();
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
   * Queues `text` behind the write before it and waits only for that one:
   * one write is in flight while the caller renders the next batch
   * (backpressure one batch deep). Resolves `false` once the reader is gone
   * (seen one write later); rejects with a write's other errors.
   */
  async write(text: string): Promise<boolean> {
    if (this.#closed) return false;
    if (text === "") return true;
    const bytes = this.#encoder.encode(text);
    const previous = this.#last;
    this.#last = previous.then((ok) => ok ? this.#start(bytes) : false);
    this.#last.catch(() => {}); // Reported by the next write or by release().
    return await previous;
  }

  #start(bytes: Uint8Array): Promise<boolean> {
    return this.#writer.write(bytes).then(() => true, (error) => {
      if (!isBrokenPipe(error)) throw error;
      if (!this.#closed) {
        this.#closed = true;
        this.#onClosed?.();
      }
      return false;
    });
  }

  /** Writes without waiting; failures are ignored (for notices). */
  post(text: string): void {
    this.write(text).catch(() => {});
  }

  /** Waits for pending writes and lets go of the stream (without closing it). */
  async release(): Promise<void> {
    await this.#last.catch(() => {});
    this.#writer.releaseLock();
  }
}

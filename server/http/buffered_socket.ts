/**
 * A connection's socket for the HTTP/1.1 engine: buffered reads, whole
 * writes, and whether the peer is gone.
 *
 * @module
 */

import { closeQuietly } from "./accept_connections.ts";

const READ_SIZE = 2048;

/**
 * A socket and the bytes read from it that no request has used yet, with one
 * read at a time shared by whoever waits for it (the head parser, or the
 * close detection while a response streams).
 */
export class BufferedSocket {
  readonly conn: Deno.Conn;
  #buffer = new Uint8Array(0);
  #length = 0;
  #reading: Promise<boolean> | undefined;
  /** The peer closed or reset. */
  gone = false;
  /** Whether the last read brought a line end (only then can a head be complete). */
  newline = false;

  constructor(conn: Deno.Conn) {
    this.conn = conn;
  }

  get length(): number {
    return this.#length;
  }
  get bytes(): Uint8Array {
    return this.#buffer;
  }

  /** Drops the first `n` bytes. */
  consume(n: number): void {
    this.#buffer.copyWithin(0, n, this.#length);
    this.#length -= n;
  }

  /**
   * One read at a time, shared by whoever waits: resolves `true` when bytes
   * were added, `false` when the peer is gone.
   */
  fill(): Promise<boolean> {
    this.#reading ??= (async () => {
      const chunk = new Uint8Array(READ_SIZE);
      let n: number | null;
      try {
        n = await this.conn.read(chunk);
      } catch {
        n = null;
      }
      this.#reading = undefined;
      if (n === null) {
        this.gone = true;
        return false;
      }
      if (this.#length + n > this.#buffer.length) {
        const grown = new Uint8Array(Math.max(this.#length + n, this.#buffer.length * 2));
        grown.set(this.#buffer.subarray(0, this.#length));
        this.#buffer = grown;
      }
      this.#buffer.set(chunk.subarray(0, n), this.#length);
      this.#length += n;
      this.newline = chunk.subarray(0, n).includes(10);
      return true;
    })();
    return this.#reading;
  }

  /** Writes all of `bytes`; `false` when the peer is gone. */
  write(bytes: Uint8Array): Promise<boolean> {
    return new Promise((resolve) => this.writeThen(bytes, resolve));
  }

  /**
   * Writes all of `bytes`, then calls `done` (`false` when the peer is
   * gone): the streaming hot path's write, one promise reaction per write
   * op and no promise of its own.
   */
  writeThen(bytes: Uint8Array, done: (ok: boolean) => void): void {
    this.conn.write(bytes).then(
      (n) => n === bytes.length ? done(true) : this.writeThen(bytes.subarray(n), done),
      () => {
        this.gone = true;
        done(false);
      },
    );
  }

  close(): void {
    this.gone = true;
    closeQuietly(this.conn);
  }
}

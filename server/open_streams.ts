/**
 * The log streams a server has open, so that a shutdown can end them all
 * cleanly and tests can watch them come and go.
 *
 * @module
 */

/** One open stream, as the registry sees it. */
export interface OpenStream {
  /** Ends the stream cleanly: the source is stopped and the terminator sent. */
  end(): void;
}

/** A set of open streams with change notifications. */
export class OpenStreams {
  readonly #streams = new Set<OpenStream>();
  #waiters: (() => void)[] = [];

  /** How many streams are open now. */
  get size(): number {
    return this.#streams.size;
  }

  add(stream: OpenStream): void {
    this.#streams.add(stream);
    this.#notify();
  }

  delete(stream: OpenStream): void {
    if (this.#streams.delete(stream)) this.#notify();
  }

  /** Ends every open stream cleanly. */
  endAll(): void {
    for (const stream of [...this.#streams]) stream.end();
  }

  /** Resolves once `predicate(size)` holds (checked now and on every change). */
  async until(predicate: (size: number) => boolean): Promise<void> {
    while (!predicate(this.#streams.size)) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  #notify(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}

/**
 * Capped exponential backoff with decorrelated jitter, for reconnecting.
 *
 * @module
 */

/** Options for {@linkcode Backoff}. */
export interface BackoffOptions {
  /** The shortest delay and the first delay's lower bound, in ms (default 250). */
  readonly initialMs?: number;
  /** The longest delay, in ms (default 10,000). */
  readonly capMs?: number;
  /** A source of numbers in `[0, 1)` (default `Math.random`); inject one in tests. */
  readonly random?: () => number;
}

/** The default shortest delay, in milliseconds. */
export const DEFAULT_BACKOFF_INITIAL_MS = 250;
/** The default longest delay, in milliseconds. */
export const DEFAULT_BACKOFF_CAP_MS = 10_000;

/**
 * Delays between reconnect attempts, growing about threefold per attempt up
 * to a cap, with *decorrelated jitter* (each delay drawn uniformly between
 * the initial delay and three times the previous delay, then capped). The
 * floor at `initialMs` keeps a dead server from being hammered, while the
 * jitter spreads out many clients that lost the same server at once.
 *
 * Call {@linkcode Backoff.reset} once a connection proved healthy (it
 * delivered data or stayed up a while) so that the next cut starts again
 * from the short delays.
 *
 * @example Delays with an injected random source
 * ```ts
 * import { Backoff } from "./backoff.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const backoff = new Backoff({ initialMs: 100, capMs: 1000, random: () => 0.5 });
 * assertEquals([backoff.next(), backoff.next(), backoff.next(), backoff.next()], [200, 350, 550, 550]);
 * backoff.reset();
 * assertEquals(backoff.next(), 200);
 * ```
 */
export class Backoff {
  readonly #initial: number;
  readonly #cap: number;
  readonly #random: () => number;
  #previous: number;
  #attempt = 0;

  constructor(options: BackoffOptions = {}) {
    this.#initial = options.initialMs ?? DEFAULT_BACKOFF_INITIAL_MS;
    this.#cap = options.capMs ?? DEFAULT_BACKOFF_CAP_MS;
    this.#random = options.random ?? Math.random;
    if (!(this.#initial >= 0) || !(this.#cap >= this.#initial)) {
      throw new RangeError(
        `Cannot use a backoff from ${this.#initial} ms to ${this.#cap} ms`,
      );
    }
    this.#previous = this.#initial;
  }

  /** How many delays were handed out since the last reset. */
  get attempt(): number {
    return this.#attempt;
  }

  /** The next delay, in whole milliseconds. */
  next(): number {
    this.#attempt++;
    const upper = Math.min(this.#cap, this.#previous * 3);
    const delay = Math.min(
      this.#cap,
      Math.floor(this.#initial + this.#random() * Math.max(0, upper - this.#initial)),
    );
    this.#previous = Math.max(delay, this.#initial);
    return delay;
  }

  /** Starts again from the short delays. */
  reset(): void {
    this.#attempt = 0;
    this.#previous = this.#initial;
  }
}

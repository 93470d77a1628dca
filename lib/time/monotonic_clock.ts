/**
 * A clock whose readings strictly increase, written as RFC3339Nano text
 * cheaply enough to stamp millions of log lines.
 *
 * @module
 */

import { formatTimestamp } from "./timestamp.ts";

/** The default source: epoch milliseconds with sub-microsecond resolution. */
function systemClock(): number {
  return performance.timeOrigin + performance.now();
}

/** `nanos` (1 to 999,999,999) as nine digits with trailing zeros trimmed. */
function fraction(nanos: number): string {
  const digits = String(1_000_000_000 + nanos);
  let end = 10;
  while (digits.charCodeAt(end - 1) === 48) end--;
  return digits.slice(1, end);
}

/** The last three digits of a fraction, trimmed, indexed by `nanos % 1000` (1 to 999). */
const LAST_DIGITS: readonly string[] = Array.from(
  { length: 1000 },
  (_, i) => String(1000 + i).slice(1).replace(/0+$/, ""),
);

/**
 * Stamps that strictly increase: {@linkcode MonotonicClock.tick} moves to
 * the source's time, or 1 ns past the previous stamp when the source is not
 * past it; {@linkcode MonotonicClock.step} moves 1 ns on (for the other
 * lines of a batch). Text is UTC RFC3339Nano with trailing zeros trimmed.
 *
 * @example Two lines read together get two instants 1 ns apart
 * ```ts
 * import { MonotonicClock } from "./monotonic_clock.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const clock = new MonotonicClock(() => 1_000.5);
 * clock.tick();
 * const first = clock.text();
 * clock.step();
 * assertEquals([first, clock.text()], [
 *   "1970-01-01T00:00:01.0005Z",
 *   "1970-01-01T00:00:01.000500001Z",
 * ]);
 * clock.tick(); // the source stands still: 1 ns on
 * assertEquals([clock.seconds, clock.nanos], [1, 500_002]);
 * ```
 */
export class MonotonicClock {
  /** Whole seconds of the current stamp (`-Infinity` before the first tick). */
  seconds = -Infinity;
  /** Nanoseconds within the second of the current stamp. */
  nanos = 0;
  readonly #source: () => number;
  #fmtSec = NaN;
  #fmtPrefix = "";
  #fmtMicros = -1;
  #fmtHead = "";

  /** `source` returns epoch milliseconds, fractional (default
   * `performance.timeOrigin + performance.now()`). */
  constructor(source: () => number = systemClock) {
    this.#source = source;
  }

  /** Moves to the source's time, or 1 ns past the current stamp if that is not later. */
  tick(): void {
    const ms = this.#source();
    let sec = Math.floor(ms / 1000);
    let nano = Math.round((ms - sec * 1000) * 1e6);
    if (nano >= 1e9) (sec += 1), (nano -= 1e9);
    if (sec > this.seconds || (sec === this.seconds && nano > this.nanos)) {
      this.seconds = sec;
      this.nanos = nano;
    } else {
      this.step();
    }
  }

  /** Moves 1 ns past the current stamp. */
  step(): void {
    if (++this.nanos === 1e9) (this.seconds += 1), (this.nanos = 0);
  }

  /** The current stamp as text. */
  text(): string {
    return this.format(this.seconds, this.nanos);
  }

  /** Any instant as UTC RFC3339Nano text (fastest for instants close to the last one). */
  format(sec: number, nano: number): string {
    if (sec !== this.#fmtSec) {
      this.#fmtSec = sec;
      this.#fmtPrefix = formatTimestamp(sec, 0).slice(0, -1);
      this.#fmtMicros = -1;
    }
    if (nano === 0) return this.#fmtPrefix + "Z";
    const last = nano % 1000;
    if (last === 0) return this.#fmtPrefix + "." + fraction(nano) + "Z";
    const micros = (nano - last) / 1000;
    if (micros !== this.#fmtMicros) {
      this.#fmtMicros = micros;
      this.#fmtHead = this.#fmtPrefix + "." + String(1_000_000 + micros).slice(1);
    }
    return this.#fmtHead + LAST_DIGITS[last] + "Z";
  }
}

/**
 * A `SetTimer` the test fires by hand, for stream stages that hold records
 * back on a timer: no sleeps, no flakiness.
 */
import type { SetTimer } from "../../lib/async/abortable_sleep.ts";

export class ManualTimers {
  readonly #pending = new Map<number, { callback: () => void; delayMs: number }>();
  #next = 0;

  readonly set: SetTimer = (callback, delayMs) => {
    const id = this.#next++;
    this.#pending.set(id, { callback, delayMs });
    return () => this.#pending.delete(id);
  };

  /** The delays of the timers armed now, in the order they were armed. */
  get delays(): number[] {
    return [...this.#pending.values()].map((t) => t.delayMs);
  }

  /** Fires every timer armed now. */
  fireAll(): void {
    const due = [...this.#pending.entries()];
    for (const [id] of due) this.#pending.delete(id);
    for (const [, timer] of due) timer.callback();
  }
}

/**
 * Where to pick up a container's log again, exactly, after a request for it
 * ended (the container stopped and started again, or a history request gave
 * way to a follow request).
 *
 * @module
 */

import type { DockerInstant } from "./docker_client.ts";

/** What the next logs request of a container asks for. */
export interface DockerResume {
  /** `since` for the daemon; `undefined`: from the start of the log. */
  readonly since?: DockerInstant;
  /** How many lines at the start of the answer were delivered already. */
  readonly skip: number;
}

function isAfter(a: DockerInstant, b: DockerInstant): boolean {
  return a.seconds > b.seconds || (a.seconds === b.seconds && a.nanos > b.nanos);
}

/**
 * Tracks what was read of one container's log so that the next request
 * repeats nothing and loses nothing, whatever the precision of the
 * timestamps the daemon writes (Podman 4 writes whole seconds, although it
 * filters on nanoseconds).
 *
 * A container's log is an append-only file that the daemon filters by
 * `since` in file order. Two facts follow: a request that was cut off
 * (`until`) covered every line up to that instant, so the next one starts
 * `since` that instant; and a request that ended by itself delivered a
 * prefix of the file, so the next one, asked `since` the last second minus
 * one, starts with exactly the lines of that prefix stamped in or after that
 * second, and that many are skipped. Counting by whole seconds is what the
 * daemon's own comparison with an integer `since` amounts to.
 *
 * @example A follow request that ended, then a restart
 * ```ts
 * import { DockerResumePoint } from "./docker_resume_point.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const point = new DockerResumePoint();
 * for (const second of [100, 101, 101, 102, 102, 102]) point.observe(second);
 * assertEquals(point.next(), { since: { seconds: 101, nanos: 0 }, skip: 5 });
 * ```
 */
export class DockerResumePoint {
  #since?: DockerInstant;
  readonly #counts = new Map<number, number>();
  #maxSecond = -Infinity;

  /** Starts a chain of requests that all use `since` (or none). */
  constructor(since?: DockerInstant) {
    this.#since = since;
  }

  /** The `since` of the current chain. */
  get since(): DockerInstant | undefined {
    return this.#since;
  }

  /** Counts one delivered line stamped in this whole second (skipped lines excluded). */
  observe(second: number): void {
    if (!Number.isFinite(second)) return;
    this.#counts.set(second, (this.#counts.get(second) ?? 0) + 1);
    if (second > this.#maxSecond) {
      this.#maxSecond = second;
      for (const key of this.#counts.keys()) {
        if (key < second - 2) this.#counts.delete(key);
      }
    }
  }

  /** Says that every line up to `until` was covered: the next request starts there. */
  coverUntil(until: DockerInstant): void {
    if (this.#since === undefined || isAfter(until, this.#since)) this.#since = until;
    this.#counts.clear();
    this.#maxSecond = -Infinity;
  }

  /** The next request's `since` and how many lines it repeats at its start. */
  next(): DockerResume {
    let since = this.#since;
    if (this.#maxSecond !== -Infinity) {
      const candidate = { seconds: this.#maxSecond - 1, nanos: 0 };
      if (since === undefined || isAfter(candidate, since)) since = candidate;
    }
    this.#since = since;
    if (since === undefined) return { skip: 0 };
    let skip = 0;
    for (const [second, count] of this.#counts) {
      if (second >= since.seconds) skip += count;
    }
    return { since, skip };
  }
}

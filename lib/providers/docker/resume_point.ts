/**
 * Where to pick up a container's log again, exactly, after a request for it
 * ended (the container stopped and started again, or a history request gave
 * way to a follow request).
 *
 * @module
 */

import type { DockerInstant } from "./client.ts";

/** What the next logs request of a container asks for. */
export interface DockerResume {
  /** `since` for the daemon; `undefined`: from the start of the log. */
  readonly since?: DockerInstant;
  /** The lines of the answer that were delivered before, each dropped once. */
  readonly skip: DockerSkip;
}

function isAfter(a: DockerInstant, b: DockerInstant): boolean {
  return a.seconds > b.seconds || (a.seconds === b.seconds && a.nanos > b.nanos);
}

/**
 * A line's identity for {@linkcode DockerSkip}: a 53-bit hash of its output
 * (stdout, stderr) and its text as the daemon sent it, timestamp included.
 * Lines that share it are the same text in the same stream at the same
 * stamped instant, so it does not matter which of them is dropped; two
 * different lines share it with odds of about 1 in 2^53.
 */
export function dockerLineKey(output: string, text: string): number {
  let a = 0x811c9dc5 ^ output.length, b = 0x6b43a9b5 ^ output.charCodeAt(3);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 16;
  b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
  return (b >>> 11) * 0x100000000 + (a >>> 0);
}

/** Lines already delivered, by {@linkcode dockerLineKey}: the overlap a new request repeats. */
export class DockerSkip {
  readonly #counts: Map<number, number>;
  #size = 0;

  constructor(counts: Map<number, number> = new Map()) {
    this.#counts = counts;
    for (const count of counts.values()) this.#size += count;
  }

  /** Lines still to drop. */
  get size(): number {
    return this.#size;
  }

  /** Whether the line with this key was delivered before; if so, it is dropped (once). */
  take(key: number): boolean {
    if (this.#size === 0) return false;
    const count = this.#counts.get(key);
    if (count === undefined) return false;
    if (count === 1) this.#counts.delete(key);
    else this.#counts.set(key, count - 1);
    this.#size--;
    return true;
  }
}

/**
 * Tracks what was read of one container's log so that the next request
 * repeats nothing and loses nothing, whatever the precision of the
 * timestamps the daemon writes (Podman 4 writes whole seconds, although it
 * filters on nanoseconds).
 *
 * A container's log is an append-only file that the daemon filters by
 * `since`. A request that was cut off (`until`) covered every line up to that
 * instant, so the next one starts `since` that instant. A request that ended
 * by itself (the container stopped) delivered some of the lines stamped in
 * its last seconds: the next one asks `since` the last second minus one and
 * drops exactly the lines it delivered, by identity
 * ({@linkcode dockerLineKey}), not by count. Counting assumed the delivered
 * lines were the first ones of that stretch of the file; Podman broke that
 * when a container started again at once: the follow request of the run that
 * stopped delivered the next run's stderr line but not the stdout line
 * before it in the file, and a count then dropped the wrong line and
 * repeated another (seen once in about forty quick restarts).
 *
 * @example A follow request that ended, then a restart
 * ```ts
 * import { DockerResumePoint, dockerLineKey } from "./resume_point.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const point = new DockerResumePoint();
 * const line = (second: number, text: string) =>
 *   [second, dockerLineKey("stdout", `${second} ${text}`)] as const;
 * for (const [second, key] of [line(100, "a"), line(101, "b"), line(101, "c")]) {
 *   point.observe(second, key);
 * }
 * const { since, skip } = point.next();
 * assertEquals(since, { seconds: 100, nanos: 0 });
 * assertEquals(skip.size, 3);
 * assertEquals(skip.take(line(101, "c")[1]), true);
 * assertEquals(skip.take(line(101, "d")[1]), false);
 * ```
 */
export class DockerResumePoint {
  #since?: DockerInstant;
  /** Keys delivered, per whole second, for the seconds the next request can repeat. */
  readonly #seconds = new Map<number, Map<number, number>>();
  #maxSecond = -Infinity;

  /** Starts a chain of requests that all use `since` (or none). */
  constructor(since?: DockerInstant) {
    this.#since = since;
  }

  /** The `since` of the current chain. */
  get since(): DockerInstant | undefined {
    return this.#since;
  }

  /** Counts one delivered line (skipped lines excluded): its whole second and its key. */
  observe(second: number, key: number): void {
    if (!Number.isFinite(second)) return;
    if (second > this.#maxSecond) {
      this.#maxSecond = second;
      for (const old of this.#seconds.keys()) {
        if (old < second - 1) this.#seconds.delete(old);
      }
    } else if (second < this.#maxSecond - 1) {
      return; // Before the next request's since: it cannot come again.
    }
    let keys = this.#seconds.get(second);
    if (keys === undefined) this.#seconds.set(second, keys = new Map());
    keys.set(key, (keys.get(key) ?? 0) + 1);
  }

  /** Says that every line up to `until` was covered: the next request starts there. */
  coverUntil(until: DockerInstant): void {
    if (this.#since === undefined || isAfter(until, this.#since)) this.#since = until;
    this.#seconds.clear();
    this.#maxSecond = -Infinity;
  }

  /** The next request's `since` and the lines it repeats at its start. */
  next(): DockerResume {
    let since = this.#since;
    if (this.#maxSecond !== -Infinity) {
      const candidate = { seconds: this.#maxSecond - 1, nanos: 0 };
      if (since === undefined || isAfter(candidate, since)) since = candidate;
    }
    this.#since = since;
    if (since === undefined) return { skip: new DockerSkip() };
    const counts = new Map<number, number>();
    for (const [second, keys] of this.#seconds) {
      if (second < since.seconds) continue;
      for (const [key, count] of keys) counts.set(key, (counts.get(key) ?? 0) + count);
    }
    return { since, skip: new DockerSkip(counts) };
  }
}

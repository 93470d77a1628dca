/**
 * The last N records of a function across its instances, from each
 * instance's own last N: what `tail=N` means for every provider that reads
 * instances one by one (containers, pods).
 *
 * @module
 */
import { parseTimestamp } from "../time/timestamp.ts";
import type { LogRecord } from "../types.ts";

interface Head {
  readonly list: readonly LogRecord[];
  index: number;
  seconds: number;
  nanos: number;
}

function keyHead(head: Head): void {
  const t = parseTimestamp(head.list[head.index].timestamp);
  // Text that does not parse sorts before everything else, as in the merger.
  head.seconds = t === undefined ? -Infinity : t.seconds;
  head.nanos = t === undefined ? 0 : t.nanos;
}

/**
 * Merges the instances' records in timestamp order, as the live merge does
 * with everything already there (each instance keeps its own order; equal
 * timestamps go in the order of `lists`), and keeps the last `tail`.
 *
 * @example Three lines across two containers
 * ```ts
 * import { lastAcrossInstances } from "./last_across_instances.ts";
 * import type { LogRecord } from "../types.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const rec = (instance: string, second: number): LogRecord => ({
 *   name: "fn", namespace: "ns", instance,
 *   timestamp: `2024-01-01T00:00:0${second}Z`, text: `${instance}${second}`,
 * });
 * const last = lastAcrossInstances([
 *   [rec("a", 1), rec("a", 4)],
 *   [rec("b", 2), rec("b", 3)],
 * ], 3);
 * assertEquals(last.map((r) => r.text), ["b2", "b3", "a4"]);
 * ```
 */
export function lastAcrossInstances(
  lists: readonly (readonly LogRecord[])[],
  tail: number,
): LogRecord[] {
  const nonEmpty = lists.filter((list) => list.length > 0);
  if (nonEmpty.length <= 1) return (nonEmpty[0] ?? []).slice(-tail);
  const heads: Head[] = nonEmpty.map((list) => ({ list, index: 0, seconds: 0, nanos: 0 }));
  heads.forEach(keyHead);
  const merged: LogRecord[] = [];
  while (heads.length > 0) {
    let best = 0;
    for (let i = 1; i < heads.length; i++) {
      const h = heads[i], b = heads[best];
      if (h.seconds < b.seconds || (h.seconds === b.seconds && h.nanos < b.nanos)) best = i;
    }
    const head = heads[best];
    merged.push(head.list[head.index++]);
    if (head.index === head.list.length) heads.splice(best, 1);
    else keyHead(head);
  }
  return merged.slice(-tail);
}

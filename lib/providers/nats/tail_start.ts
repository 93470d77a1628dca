/**
 * Where to start reading for "the last N lines" of a subject filter:
 * JetStream counts the messages of a filter from any start point (a
 * consumer's `num_pending`), but cannot read backwards. So the start is
 * found by a few counts (interpolation, then halving), close enough that
 * reading from there and dropping a known number of messages leaves exactly
 * the last N.
 *
 * @module
 */
import { AckPolicy, DeliverPolicy, type JetStreamManager } from "@nats-io/jetstream";

/** Counts the messages of `filter` at and after a stream sequence. */
export type CountFrom = (seq: number) => Promise<number>;

/** Where to start, and how many messages to drop from there. */
export interface TailStart {
  readonly seq: number;
  readonly skip: number;
}

/**
 * A {@linkcode CountFrom} over a real stream: each count makes a pull
 * consumer (in memory, never delivered to), reads its `num_pending` and
 * deletes it.
 */
export function consumerCounter(jsm: JetStreamManager, stream: string, filter: string): CountFrom {
  return async (seq) => {
    const info = await jsm.consumers.add(stream, {
      ack_policy: AckPolicy.None,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: Math.max(1, seq),
      filter_subject: filter,
      mem_storage: true,
      inactive_threshold: 5_000_000_000,
    });
    jsm.consumers.delete(stream, info.name).catch(() => {});
    return info.num_pending;
  };
}

/**
 * Finds a start sequence `seq` at or after `firstSeq` from which `filter`
 * holds at least `n` messages and at most `n + slack`, and `skip`, how many
 * of them come before the last `n`. `lastSeq` is the stream's last
 * sequence. With `n` or fewer messages at all, starts at `firstSeq`.
 *
 * @example With an in-memory count: one message every third sequence
 * ```ts
 * import { findTailStart } from "./tail_start.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const seqs = Array.from({ length: 1000 }, (_, i) => 3 * i + 1);
 * const count = (seq: number) => Promise.resolve(seqs.filter((s) => s >= seq).length);
 * const { seq, skip } = await findTailStart(count, 10, 1, 2998, 0);
 * assertEquals(seqs.filter((s) => s >= seq).slice(skip), seqs.slice(-10));
 * ```
 */
export async function findTailStart(
  count: CountFrom,
  n: number,
  firstSeq: number,
  lastSeq: number,
  slack = Math.max(256, Math.min(10_000, n)),
): Promise<TailStart> {
  let a = Math.max(1, firstSeq), countA = await count(a);
  if (countA <= n) return { seq: a, skip: 0 };
  let b = lastSeq + 1, countB = 0;
  for (let step = 0; countA - n > slack && b - a > 1; step++) {
    let mid: number;
    if (step % 2 === 0) {
      // Interpolate toward a count of n + slack / 2, as if messages were spread evenly.
      const target = n + slack / 2;
      mid = a + Math.floor((b - a) * (countA - target) / (countA - countB));
    } else {
      mid = a + Math.floor((b - a) / 2);
    }
    mid = Math.min(b - 1, Math.max(a + 1, mid));
    const countMid = await count(mid);
    if (countMid >= n) {
      a = mid;
      countA = countMid;
    } else {
      b = mid;
      countB = countMid;
    }
  }
  return { seq: a, skip: countA - n };
}

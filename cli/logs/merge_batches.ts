/**
 * Several async iterables merged into one, in arrival order.
 *
 * @module
 */

/** Options for {@linkcode mergeBatches}. */
export interface MergeBatchesOptions {
  /**
   * Called first when the merge stops early (a source rejected, or the
   * merged iterator was closed): it must make the other sources finish,
   * typically by aborting their signal. An async generator that is busy
   * (waiting for the network) only runs `return()` after its pending
   * `next()` settles, so closing alone could wait forever.
   */
  readonly onClose?: () => void;
}

/**
 * Yields the items of all `sources` as they arrive. Ends when all ended;
 * rejects as soon as one rejects; closing the merged iterator (or a
 * rejection) calls `onClose`, then closes every source still open.
 *
 * @example
 * ```ts
 * import { mergeBatches } from "./merge_batches.ts";
 * import { assertEquals } from "@std/assert";
 *
 * async function* from(items: number[]) { yield* items; }
 * const merged = await Array.fromAsync(mergeBatches([from([1, 2]), from([3])]));
 * assertEquals(merged.sort(), [1, 2, 3]);
 * ```
 */
export async function* mergeBatches<T>(
  sources: readonly AsyncIterable<T>[],
  options: MergeBatchesOptions = {},
): AsyncGenerator<T> {
  const iterators = sources.map((source) => source[Symbol.asyncIterator]());
  // A step never rejects: a source that fails while the consumer is busy
  // with another's item is held as a value (not an unhandled rejection that
  // ends the process) and thrown when the race reaches it.
  type Step =
    | { index: number; result: IteratorResult<T>; failed?: undefined }
    | { index: number; failed: { error: unknown } };
  const pending = new Map<number, Promise<Step>>();
  const pull = (index: number) => {
    // Re-inserted at the end: with every source ready, the race takes them
    // in turn, so one busy source cannot starve the others.
    pending.delete(index);
    pending.set(
      index,
      iterators[index].next().then(
        (result): Step => ({ index, result }),
        (error: unknown): Step => ({ index, failed: { error } }),
      ),
    );
  };
  iterators.forEach((_, index) => pull(index));
  try {
    while (pending.size > 0) {
      const step = await Promise.race(pending.values());
      if (step.failed !== undefined) {
        pending.delete(step.index);
        throw step.failed.error;
      }
      if (step.result.done) {
        pending.delete(step.index);
        continue;
      }
      pull(step.index);
      yield step.result.value;
    }
  } finally {
    if (pending.size > 0) {
      options.onClose?.();
      const open = [...pending.entries()];
      pending.clear();
      // Let each busy source settle its pending step, then close it.
      await Promise.allSettled(
        open.map(([index, step]) => step.finally(() => iterators[index].return?.())),
      );
    }
  }
}

/**
 * A delay that an `AbortSignal` ends early, with an injectable timer.
 *
 * @module
 */

/** Runs `callback` after `delayMs` and returns a function that cancels it. */
export type SetTimer = (callback: () => void, delayMs: number) => () => void;

/** `setTimeout`/`clearTimeout` as a {@linkcode SetTimer}. */
export function defaultSetTimer(callback: () => void, delayMs: number): () => void {
  const id = setTimeout(callback, delayMs);
  return () => clearTimeout(id);
}

/**
 * Resolves after `ms`, or at once when `signal` aborts (it never rejects:
 * callers check the signal). Tests inject `setTimer`.
 *
 * @example
 * ```ts
 * import { abortableSleep } from "./abortable_sleep.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const controller = new AbortController();
 * const slept = abortableSleep(60_000, controller.signal);
 * controller.abort();
 * assertEquals(await slept, undefined);
 * ```
 */
export function abortableSleep(
  ms: number,
  signal?: AbortSignal,
  setTimer: SetTimer = defaultSetTimer,
): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    let cancel = () => {};
    const done = () => {
      cancel();
      signal?.removeEventListener("abort", done);
      resolve();
    };
    signal?.addEventListener("abort", done, { once: true });
    cancel = setTimer(done, ms);
  });
}

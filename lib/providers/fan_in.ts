/**
 * The fan-in of a function's instances (containers, pods, subjects): one
 * stream that gives the history first, then the instances' records merged
 * in timestamp order, takes instances that appear later, and stops every
 * request at once however it ends. Each provider keeps its own rules for
 * which instances to read and how; this is the part they share.
 *
 * @module
 */
import { LogStreamMerger, type LogStreamMergerOptions } from "../streams/merge_log_streams.ts";
import type { LogBatch, LogRecord } from "../types.ts";

/** The most history records per batch. */
const HISTORY_BATCH = 4096;

/** Options for {@linkcode InstanceFanIn}; the merger's options apply to the live records. */
export interface InstanceFanInOptions extends LogStreamMergerOptions {
  /** Aborting it fails the stream with its reason and stops everything. */
  readonly signal?: AbortSignal;
  /**
   * Runs once, at the first pull (nothing needs to be requested before
   * that): adds the first instances' sources and returns the history, which
   * leaves before any merged record. If it throws, the stream fails.
   */
  readonly start?: (
    fanIn: InstanceFanIn,
  ) => readonly LogRecord[] | void | Promise<readonly LogRecord[] | void>;
  /** Called once when the fan-in stops, however: ended, cancelled, failed or aborted. */
  readonly onStop?: () => void;
}

/**
 * One `ReadableStream<LogBatch>` over a function's instances:
 *
 * - first what `start` returns (the history, in batches of at most 4096),
 * - then the sources given to {@linkcode add}, merged by a
 *   {@linkcode LogStreamMerger} within its reorder window, read only as the
 *   reader pulls;
 * - it ends once {@linkcode closeWhenDrained} was called and every source
 *   ended;
 * - it stops at once, and {@linkcode signal} aborts, when it ends, when the
 *   reader cancels it (every source cancelled), when the options' signal
 *   aborts (the stream fails with its reason), or on {@linkcode fail} or a
 *   source's error (the stream fails with that error). Requests made for it
 *   should take {@linkcode signal}.
 *
 * @example Two instances, history first
 * ```ts
 * import { InstanceFanIn } from "./fan_in.ts";
 * import type { LogRecord } from "../types.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const rec = (instance: string, second: number): LogRecord => ({
 *   name: "fn", namespace: "ns", instance,
 *   timestamp: `2024-01-01T00:00:0${second}Z`, text: `${instance}${second}`,
 * });
 * const fanIn = new InstanceFanIn({
 *   start: (fanIn) => {
 *     fanIn.add(ReadableStream.from([[rec("a", 3)], [rec("a", 5)]]));
 *     fanIn.add(ReadableStream.from([[rec("b", 4)]]));
 *     fanIn.closeWhenDrained();
 *     return [rec("a", 1), rec("b", 2)];
 *   },
 * });
 * const texts = (await Array.fromAsync(fanIn.stream)).flat().map((r) => r.text);
 * assertEquals(texts, ["a1", "b2", "a3", "b4", "a5"]);
 * assertEquals(fanIn.signal.aborted, true);
 * ```
 */
export class InstanceFanIn {
  /** The history, then the merged records. */
  readonly stream: ReadableStream<LogBatch>;
  readonly #options: InstanceFanInOptions;
  readonly #stop = new AbortController();
  readonly #merger: LogStreamMerger;
  readonly #merged: ReadableStreamDefaultReader<LogBatch>;
  #controller?: ReadableStreamDefaultController<LogBatch>;
  #started = false;
  #history: readonly LogRecord[] = [];
  #historyAt = 0;

  /** A fan-in with no sources yet. */
  constructor(options: InstanceFanInOptions = {}) {
    this.#options = options;
    this.#merger = new LogStreamMerger(options);
    this.#merged = this.#merger.stream.getReader();
    this.stream = new ReadableStream<LogBatch>({
      start: (controller) => {
        this.#controller = controller;
      },
      pull: (controller) => this.#pull(controller),
      cancel: (reason) => this.#end(reason),
    }, { highWaterMark: 0 });
    const { signal } = options;
    if (signal?.aborted) this.fail(signal.reason);
    signal?.addEventListener("abort", () => this.fail(signal.reason), {
      once: true,
      signal: this.#stop.signal,
    });
  }

  /** Aborted once the fan-in has stopped, for whatever reason. */
  get signal(): AbortSignal {
    return this.#stop.signal;
  }

  /** Adds an instance's records; after the fan-in stopped, cancels them at once. */
  add(source: ReadableStream<LogBatch>): void {
    this.#merger.add(source);
  }

  /** No more instances will be added: the stream ends once those added have ended. */
  closeWhenDrained(): void {
    this.#merger.closeWhenDrained();
  }

  /** Fails the stream with `error` and stops everything (nothing once stopped). */
  fail(error: unknown): void {
    if (this.#stop.signal.aborted) return;
    this.#controller?.error(error);
    this.#end(error);
  }

  async #pull(controller: ReadableStreamDefaultController<LogBatch>): Promise<void> {
    try {
      if (!this.#started) {
        this.#started = true;
        this.#history = (await this.#options.start?.(this)) ?? [];
      }
      if (this.#stop.signal.aborted) return;
      if (this.#historyAt < this.#history.length) {
        const from = this.#historyAt;
        this.#historyAt = Math.min(from + HISTORY_BATCH, this.#history.length);
        controller.enqueue(this.#history.slice(from, this.#historyAt));
        return;
      }
      const { done, value } = await this.#merged.read();
      if (this.#stop.signal.aborted) return;
      if (!done) return controller.enqueue(value);
      controller.close();
      await this.#end(undefined);
    } catch (error) {
      this.fail(error);
    }
  }

  async #end(reason: unknown): Promise<void> {
    if (this.#stop.signal.aborted) return;
    this.#stop.abort(reason);
    this.#history = [];
    this.#options.onStop?.();
    await this.#merged.cancel(reason).catch(() => {});
  }
}

/**
 * One timer per key for the stages that hold records back (multiline,
 * collapse, rate limit), and a safe way to send what a timer releases.
 *
 * @module
 */
import { defaultSetTimer, type SetTimer } from "../async/abortable_sleep.ts";
import type { LogBatch, LogRecord } from "../types.ts";

/** Timers by key, for one stream stage. */
export class KeyedTimers {
  readonly #setTimer: SetTimer;
  readonly #cancels = new Map<string, () => void>();
  #controller: TransformStreamDefaultController<LogBatch> | undefined;
  #closed = false;

  constructor(setTimer: SetTimer = defaultSetTimer) {
    this.#setTimer = setTimer;
  }

  /** The controller that released records are enqueued on (set at `start`). */
  attach(controller: TransformStreamDefaultController<LogBatch>): void {
    this.#controller = controller;
  }

  /** (Re)arms `key`'s timer: `release` runs after `ms` unless re-armed or cleared first. */
  arm(key: string, ms: number, release: () => LogRecord[]): void {
    this.#cancels.get(key)?.();
    this.#cancels.set(
      key,
      this.#setTimer(() => {
        this.#cancels.delete(key);
        const records = release();
        if (records.length === 0 || this.#closed) return;
        try {
          this.#controller?.enqueue(records);
        } catch {
          // The reader went away between the timer and now.
          this.close();
        }
      }, ms),
    );
  }

  clear(key: string): void {
    this.#cancels.get(key)?.();
    this.#cancels.delete(key);
  }

  /** Clears every timer; nothing is released afterwards. */
  close(): void {
    this.#closed = true;
    for (const cancel of this.#cancels.values()) cancel();
    this.#cancels.clear();
  }
}

/** The key of a record's instance. */
export function instanceKey(record: LogRecord): string {
  return record.name + "\u0000" + record.instance;
}

/**
 * The transformer of a stage that holds records back: notices (gap and
 * progress records) pass at once, `step` decides for each other record what
 * goes out now (pushing to `out`), `finish` releases what is held at the
 * end; the timers are stopped at the end and when the reader cancels.
 */
export function holdingTransformer(
  timers: KeyedTimers,
  step: (record: LogRecord, out: LogRecord[]) => void,
  finish: (out: LogRecord[]) => void,
): Transformer<LogBatch, LogBatch> {
  return {
    start: (controller) => timers.attach(controller),
    transform: (batch, controller) => {
      const out: LogRecord[] = [];
      for (const record of batch) {
        if (record.missed !== undefined || record.progress) out.push(record);
        else step(record, out);
      }
      if (out.length > 0) controller.enqueue(out);
    },
    flush: (controller) => {
      const out: LogRecord[] = [];
      finish(out);
      timers.close();
      if (out.length > 0) controller.enqueue(out);
    },
    cancel: () => timers.close(),
  };
}

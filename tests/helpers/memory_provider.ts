/**
 * A provider whose streams the test drives: it pushes batches into a
 * function's open streams and observes when a reader pulls, cancels, or
 * aborts. Used where a test must prove exactly when the source was stopped;
 * the local runner's tests use real child processes.
 */
import { FunctionNotFoundError } from "../../lib/errors.ts";
import type {
  FunctionInfo,
  LogBatch,
  LogProvider,
  LogQuery,
  LogRecord,
  LogSource,
  ProviderCallOptions,
} from "../../lib/types.ts";

/** One stream a query opened, as the test sees it. */
export interface MemoryStream {
  readonly query: LogQuery;
  /** Resolves with the reason when the stream is cancelled or its signal aborts. */
  readonly cancelled: Promise<unknown>;
  /** How many times the reader pulled. */
  pulls: number;
  /** Queues a batch for the reader. */
  push(batch: LogBatch): void;
  /** Ends the stream normally after what is queued. */
  close(): void;
  /** Fails the stream (mid-stream failure). */
  fail(error: Error): void;
  /** Batches queued but not yet pulled. */
  readonly queued: number;
}

/** A record for tests. */
export function record(text: string, overrides: Partial<LogRecord> = {}): LogRecord {
  return {
    name: "fn",
    namespace: "openfaas-fn",
    instance: "fn-1",
    timestamp: "2024-05-06T07:08:09.123456789Z",
    text,
    ...overrides,
  };
}

export class MemoryProvider implements LogProvider {
  readonly kind = "memory";
  readonly defaultNamespace = "openfaas-fn";
  readonly resumesByCursor = true;
  readonly opened: MemoryStream[] = [];
  /** History served to every new stream before live batches. */
  readonly history = new Map<string, LogRecord[]>();
  #waiters: ((s: MemoryStream) => void)[] = [];
  closed = false;

  constructor(readonly functions: string[] = ["fn"]) {}

  listFunctions(): Promise<FunctionInfo[]> {
    return Promise.resolve(this.functions.map((name) => ({
      name,
      namespace: this.defaultNamespace,
      replicas: 1,
      availableReplicas: 1,
      instances: [`${name}-1`],
    })));
  }

  /** Resolves with the next stream a query opens (or the one already opened at `index`). */
  nextStream(index = this.opened.length): Promise<MemoryStream> {
    if (index < this.opened.length) return Promise.resolve(this.opened[index]);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  openLogs(query: LogQuery, options: ProviderCallOptions = {}): Promise<LogSource> {
    const namespace = query.namespace ?? this.defaultNamespace;
    if (!this.functions.includes(query.name) || namespace !== this.defaultNamespace) {
      return Promise.reject(new FunctionNotFoundError(query.name, namespace));
    }
    const queue: LogBatch[] = [];
    const history = this.history.get(query.name) ?? [];
    if (history.length > 0) queue.push(history);
    let wake: (() => void) | undefined;
    let ended = false;
    let failure: Error | undefined;
    let onCancel!: (reason: unknown) => void;
    const cancelled = new Promise<unknown>((resolve) => onCancel = resolve);
    options.signal?.addEventListener("abort", () => onCancel(options.signal?.reason));
    const stream: MemoryStream = {
      query,
      cancelled,
      pulls: 0,
      push(batch) {
        queue.push(batch);
        wake?.();
      },
      close() {
        ended = true;
        wake?.();
      },
      fail(error) {
        failure = error;
        wake?.();
      },
      get queued() {
        return queue.length;
      },
    };
    const readable = new ReadableStream<LogBatch>({
      async pull(controller) {
        stream.pulls++;
        while (queue.length === 0 && !ended && failure === undefined) {
          await new Promise<void>((resolve) => wake = resolve);
          wake = undefined;
        }
        if (failure !== undefined) return controller.error(failure);
        if (queue.length > 0) return controller.enqueue(queue.shift()!);
        if (!query.follow || ended) controller.close();
      },
      cancel(reason) {
        onCancel(reason);
      },
    }, { highWaterMark: 0 });
    if (!query.follow) stream.close();
    this.opened.push(stream);
    for (const waiter of this.#waiters.splice(0)) waiter(stream);
    return Promise.resolve({ stream: readable, fromCursor: query.cursor !== undefined });
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

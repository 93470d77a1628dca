/**
 * A provider serving a fixed list of records, honouring `since` (at or
 * after), `tail`, `instance` and, when asked to, exact cursors: what the
 * reconnect tests put behind the real server and a cutting proxy.
 */
import { FunctionNotFoundError } from "../../lib/errors.ts";
import { compareTimestamps } from "../../lib/time/timestamp.ts";
import type {
  FunctionInfo,
  LogBatch,
  LogProvider,
  LogQuery,
  LogRecord,
  LogSource,
  ProviderCallOptions,
} from "../../lib/types.ts";

/** Options for {@linkcode HistoryProvider}. */
export interface HistoryProviderOptions {
  /** Give records cursors (`c<index>`) and resume exactly from them. */
  readonly cursors: boolean;
  /** Records per batch, cycling through these sizes (default 1 to 40). */
  readonly batchSizes?: readonly number[];
}

/** Serves `records` (of one function) from the start or a resume point. */
export class HistoryProvider implements LogProvider {
  readonly kind = "history";
  readonly defaultNamespace = "openfaas-fn";
  readonly resumesByCursor: boolean;
  readonly queries: LogQuery[] = [];
  /** Records handed to readers, re-sent overlap included. */
  served = 0;
  readonly records: readonly LogRecord[];
  readonly #sizes: readonly number[];
  #turn = 0;

  constructor(records: readonly LogRecord[], readonly options: HistoryProviderOptions) {
    this.resumesByCursor = options.cursors;
    this.records = options.cursors ? records.map((r, i) => ({ ...r, cursor: `c${i}` })) : records;
    this.#sizes = options.batchSizes ?? [1, 7, 40, 3, 19, 2, 33, 11];
  }

  listFunctions(): Promise<FunctionInfo[]> {
    const first = this.records[0];
    return Promise.resolve([{
      name: first.name,
      namespace: first.namespace,
      replicas: 1,
      availableReplicas: 1,
    }]);
  }

  openLogs(query: LogQuery, options: ProviderCallOptions = {}): Promise<LogSource> {
    const name = this.records[0].name;
    if (query.name !== name) {
      return Promise.reject(
        new FunctionNotFoundError(query.name, query.namespace ?? this.defaultNamespace),
      );
    }
    this.queries.push(query);
    let list: readonly LogRecord[] = this.records;
    let fromCursor = false;
    const match = this.options.cursors ? /^c(\d+)$/.exec(query.cursor ?? "") : null;
    if (match !== null && Number(match[1]) < this.records.length) {
      list = this.records.slice(Number(match[1]) + 1);
      fromCursor = true;
    } else {
      if (query.since !== undefined) {
        const since = query.since;
        list = list.filter((r) => compareTimestamps(r.timestamp, since) >= 0);
      }
      if (query.tail !== undefined && query.tail > 0) list = list.slice(-query.tail);
    }
    if (query.instance !== undefined) list = list.filter((r) => r.instance === query.instance);

    let index = 0;
    let release = () => {};
    const stopped = new Promise<void>((resolve) => (release = resolve));
    options.signal?.addEventListener("abort", () => release(), { once: true });
    const sizes = this.#sizes;
    const stream = new ReadableStream<LogBatch>({
      pull: async (controller) => {
        if (index < list.length) {
          const size = sizes[this.#turn++ % sizes.length];
          const batch = list.slice(index, index + size);
          this.served += batch.length;
          controller.enqueue(batch);
          index += size;
          return;
        }
        if (!query.follow) {
          controller.close();
          return;
        }
        await stopped;
        controller.close();
      },
      cancel: () => release(),
    }, { highWaterMark: 0 });
    return Promise.resolve({ stream, fromCursor });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * A history of `count` lines from `instances` replicas, interleaved, where
 * runs of lines share one timestamp (as fast writers produce within a clock
 * tick), timestamps at nanosecond precision.
 */
export function sharedTimestampHistory(count: number, instances = 3): LogRecord[] {
  const out: LogRecord[] = [];
  const clocks = Array.from({ length: instances }, () => 0n);
  const base = 1_720_000_000n * 1_000_000_000n;
  for (let i = 0; i < count; i++) {
    const k = (i * 7 + (i >> 3)) % instances;
    if (i % 5 !== 0) clocks[k] += BigInt((i % 3) * 1_000_001);
    const nanos = base + clocks[k];
    const seconds = Number(nanos / 1_000_000_000n);
    const fraction = String(nanos % 1_000_000_000n).padStart(9, "0").replace(/0+$/, "");
    const date = new Date(seconds * 1000).toISOString().slice(0, 19);
    out.push({
      name: "hello",
      namespace: "openfaas-fn",
      instance: `hello-${k}`,
      timestamp: date + (fraction === "" ? "" : "." + fraction) + "Z",
      text: `line ${i} ${"x".repeat(60 + (i % 50))}`,
    });
  }
  return out;
}

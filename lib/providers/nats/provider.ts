/**
 * Function logs from a NATS JetStream stream that `fnlogs ship` fills: one
 * subject per instance (`fnlogs.<namespace>.<function>.<instance>`), the
 * record as the payload. The provider holds no state of its own, so any
 * number of `fnlogs serve --provider nats` replicas give the same answers,
 * and a cursor (the stream sequence) resumes exactly on any of them.
 *
 * @module
 */
import { DEFAULT_STREAM } from "./servers.ts";
import type { NatsConnection } from "@nats-io/transport-node";
import { type JetStreamManager, jetstreamManager, type StreamInfo } from "@nats-io/jetstream";
import type {
  FunctionInfo,
  LogBatch,
  LogProvider,
  LogQuery,
  LogRecord,
  LogSource,
  ProviderCallOptions,
} from "../../types.ts";
import { FunctionNotFoundError, InvalidInputError, UpstreamError } from "../../errors.ts";
import { formatTimestamp, parseTimestamp } from "../../time/timestamp.ts";
import { connectNats, describeNatsError } from "./connection.ts";
import { OrderedReader, type ReaderStart } from "./ordered_reader.ts";
import { type DecodeOptions, decodeRecords } from "./decode_records.ts";
import {
  DEFAULT_SUBJECT_PREFIX,
  functionFilter,
  logSubject,
  namespaceFilter,
  parseLogSubject,
} from "./subject.ts";
import { consumerCounter, findTailStart } from "./tail_start.ts";

/** The stream fnlogs writes to and reads from, by default. */
export { DEFAULT_STREAM };

/** Options for {@linkcode NatsProvider.connect}. */
export interface NatsProviderOptions {
  /** NATS server URLs (several for a cluster; see `parseNatsServers`). */
  readonly servers: readonly string[];
  /** A token, when the URLs carry no user. */
  readonly token?: string;
  /** The stream (default {@linkcode DEFAULT_STREAM}). */
  readonly stream?: string;
  /** The subject prefix (default `fnlogs`). */
  readonly subjectPrefix?: string;
  /** The namespace used when a query names none (default `openfaas-fn`). */
  readonly defaultNamespace?: string;
  /**
   * How much earlier than `since` reading starts, by the time each line was
   * stored, so that lines stamped just before they were stored are not
   * missed (default 10 s; lines older than `since` are dropped here).
   */
  readonly sinceSlackMs?: number;
  /**
   * Messages a reader keeps before it stops answering the broker's flow
   * control (default 20,000): how far ahead of a slow client a stream reads.
   */
  readonly maxQueued?: number;
  /** Connection and consumer notices, for stderr. */
  readonly onNotice?: (message: string) => void;
  /** Aborting stops waiting for the first connection. */
  readonly signal?: AbortSignal;
}

const CURSOR = /^([0-9a-z]+)-(\d+)$/;

/**
 * Runs a JetStream API call again (up to 3 times, 250 ms apart) when it
 * timed out: a cluster that lost its stream leader answers nothing until it
 * has elected another.
 */
async function retryTimeouts<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1;; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= 3 || !/timeout|no responders/i.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** A notice that retention dropped up to `missed` messages before they were read. */
function gapRecord(name: string, namespace: string, missed: number): LogRecord {
  const now = Date.now();
  return {
    name,
    namespace,
    instance: "",
    timestamp: formatTimestamp(Math.floor(now / 1000), (now % 1000) * 1e6),
    text:
      `[fnlogs] up to ${missed} lines missed: the stream's retention dropped them before they were read`,
    missed,
  };
}

/** The stream's identity in cursors: its creation time, so a stream made again never matches. */
function epochOf(info: StreamInfo): string {
  const ms = Date.parse(info.created);
  return Number.isNaN(ms) ? "0" : ms.toString(36);
}

/**
 * Reads the stream `fnlogs ship` writes. `openLogs`:
 *
 * - honours a cursor `EPOCH-SEQ` of this stream (the stream's creation time
 *   and the message's sequence): the records after it, exactly
 *   (`fromCursor: true`); when retention dropped messages after it, a gap
 *   record first says how many messages (of every function) are gone;
 * - otherwise `tail` (the last N, found by counting, see `findTailStart`),
 *   `since` (reading from the moment lines were stored, less
 *   `sinceSlackMs`, and dropping lines stamped before `since`), or all;
 * - `instance` reads that instance's subject only;
 * - `follow` goes on live; without it the stream ends at the last message
 *   stored when the request came.
 *
 * Records come in stream order (the order the shippers' publishes reached
 * the broker), each with its cursor. A follower that is behind reads from
 * the stream at its own pace: nothing is lost unless retention dropped it.
 * Cancelling the stream deletes its consumer at once.
 */
export class NatsProvider implements LogProvider {
  /** Always `nats`. */
  readonly kind = "nats";
  /** The namespace used when a query names none. */
  readonly defaultNamespace: string;
  /** Stream sequences resume exactly. */
  readonly resumesByCursor = true;
  readonly #nc: NatsConnection;
  readonly #jsm: JetStreamManager;
  readonly #stream: string;
  readonly #prefix: string;
  readonly #sinceSlackMs: number;
  readonly #maxQueued?: number;
  readonly #onNotice?: (message: string) => void;
  readonly #open = new Set<OrderedReader>();
  #closed = false;

  private constructor(nc: NatsConnection, jsm: JetStreamManager, options: NatsProviderOptions) {
    this.#nc = nc;
    this.#jsm = jsm;
    this.#stream = options.stream ?? DEFAULT_STREAM;
    this.#prefix = options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX;
    this.defaultNamespace = options.defaultNamespace ?? "openfaas-fn";
    this.#sinceSlackMs = options.sinceSlackMs ?? 10_000;
    this.#maxQueued = options.maxQueued;
    this.#onNotice = options.onNotice;
  }

  /** Connects (waiting, with notices, until a server answers) and returns the provider. */
  static async connect(options: NatsProviderOptions): Promise<NatsProvider> {
    const nc = await connectNats({
      servers: options.servers,
      token: options.token,
      name: "fnlogs serve",
      onNotice: options.onNotice,
      signal: options.signal,
    });
    const jsm = await jetstreamManager(nc, { checkAPI: false });
    return new NatsProvider(nc, jsm, options);
  }

  /** Stream info, with the broker's failures as {@linkcode UpstreamError}. */
  async #info(subjectsFilter?: string): Promise<StreamInfo> {
    try {
      return await retryTimeouts(() =>
        this.#jsm.streams.info(
          this.#stream,
          subjectsFilter === undefined ? undefined : { subjects_filter: subjectsFilter },
        )
      );
    } catch (error) {
      const text = describeNatsError(error);
      if (/stream not found/i.test(text)) {
        throw new UpstreamError(
          `NATS stream "${this.#stream}" does not exist (no shipper has written to it yet)`,
          404,
          { cause: error },
        );
      }
      throw new UpstreamError(`NATS stream "${this.#stream}": ${text}`, undefined, {
        cause: error,
      });
    }
  }

  /**
   * The functions of a namespace that have lines in the stream, with the
   * instances seen. The stream does not know which are running:
   * `replicas` and `availableReplicas` are 0.
   */
  async listFunctions(namespace: string | undefined): Promise<FunctionInfo[]> {
    const ns = namespace ?? this.defaultNamespace;
    const info = await this.#info(namespaceFilter(this.#prefix, ns));
    const functions = new Map<string, string[]>();
    for (const subject of Object.keys(info.state.subjects ?? {})) {
      const parts = parseLogSubject(this.#prefix, subject);
      if (parts === undefined || parts.namespace !== ns) continue;
      let instances = functions.get(parts.name);
      if (instances === undefined) functions.set(parts.name, instances = []);
      instances.push(parts.instance);
    }
    return [...functions.keys()].sort().map((name) => ({
      name,
      namespace: ns,
      replicas: 0,
      availableReplicas: 0,
      instances: functions.get(name)!.sort(),
    }));
  }

  /** The sequence and time of the last message of `filter`, or `undefined`. */
  async #last(filter: string): Promise<{ seq: number; time: Date } | undefined> {
    try {
      const message = await retryTimeouts(() =>
        this.#jsm.streams.getMessage(this.#stream, { last_by_subj: filter })
      );
      return message === null ? undefined : { seq: message.seq, time: message.time };
    } catch (error) {
      if (/no message found|not found/i.test(String(error))) return undefined;
      throw new UpstreamError(`NATS stream "${this.#stream}": ${describeNatsError(error)}`);
    }
  }

  /** Opens a function's logs (see the class documentation). */
  async openLogs(query: LogQuery, options: ProviderCallOptions = {}): Promise<LogSource> {
    const { signal } = options;
    signal?.throwIfAborted();
    if (this.#closed) throw new UpstreamError("The nats provider is closed");
    if (query.name === "") throw new InvalidInputError("Cannot open logs without a function name");
    const namespace = query.namespace || this.defaultNamespace;
    const filter = query.instance
      ? logSubject(this.#prefix, { namespace, name: query.name, instance: query.instance })
      : functionFilter(this.#prefix, namespace, query.name);
    const info = await this.#info();
    const epoch = epochOf(info);
    const firstSeq = info.state.first_seq;

    const match = query.cursor === undefined ? null : CURSOR.exec(query.cursor);
    const fromCursor = match !== null && match[1] === epoch;
    let start: ReaderStart = { seq: firstSeq };
    let skip = 0, missed = 0;
    let since: string | undefined;
    if (fromCursor) {
      const after = Number(match![2]);
      start = { seq: after + 1 };
      if (after + 1 < firstSeq) missed = firstSeq - (after + 1);
    } else {
      if (query.since !== undefined) {
        const parsed = parseTimestamp(query.since);
        if (parsed === undefined) {
          throw new InvalidInputError(`Cannot parse since "${query.since}"`);
        }
        since = query.since;
        const slack = parsed.seconds * 1000 - this.#sinceSlackMs;
        start = { time: formatTimestamp(Math.floor(slack / 1000), (slack % 1000) * 1e6) };
      }
      const tail = query.tail !== undefined && query.tail > 0 ? query.tail : undefined;
      if (tail !== undefined) {
        const count = consumerCounter(this.#jsm, this.#stream, filter);
        const found = await findTailStart(count, tail, firstSeq, info.state.last_seq).catch(
          (error) => {
            throw new UpstreamError(`NATS: cannot count "${filter}": ${describeNatsError(error)}`);
          },
        );
        // With since too: the later of the two starts (since is applied below anyway).
        if (since === undefined || found.skip > 0 || found.seq > firstSeq) {
          start = { seq: found.seq };
          skip = found.skip;
        }
      }
    }

    let last: { seq: number; time: Date } | undefined;
    if (!query.follow) {
      last = await this.#last(filter);
      if (last === undefined) {
        if (
          query.instance === undefined || query.instance === "" ||
          await this.#last(functionFilter(this.#prefix, namespace, query.name)) === undefined
        ) {
          if (!fromCursor) throw new FunctionNotFoundError(query.name, namespace);
        }
      }
    }
    signal?.throwIfAborted();
    const endSeq = last?.seq;

    const gap: LogRecord[] = missed === 0 ? [] : [gapRecord(query.name, namespace, missed)];
    // Nothing to read: a start after the last line (by sequence, or by time:
    // a consumer started after it would wait for a line that never comes).
    const empty = last === undefined
      ? !query.follow
      : "seq" in start
      ? start.seq > last.seq
      : Date.parse(start.time) > last.time.getTime();
    if (empty) {
      return { stream: ReadableStream.from(gap.length > 0 ? [gap] : []), fromCursor };
    }

    let reader: OrderedReader;
    try {
      reader = await OrderedReader.open({
        nc: this.#nc,
        jsm: this.#jsm,
        stream: this.#stream,
        filter,
        start,
        endSeq,
        maxQueued: this.#maxQueued,
        onNotice: this.#onNotice,
      });
    } catch (error) {
      throw new UpstreamError(
        `NATS: cannot read "${filter}": ${describeNatsError(error)}`,
        undefined,
        {
          cause: error,
        },
      );
    }
    this.#open.add(reader);
    const release = () => {
      this.#open.delete(reader);
      signal?.removeEventListener("abort", onAbort);
      return reader.close();
    };
    let controller: ReadableStreamDefaultController<LogBatch> | undefined;
    // The stream errors once the consumer is deleted, so a reader that sees the error knows.
    const onAbort = () =>
      void release().finally(() => {
        try {
          controller?.error(signal?.reason);
        } catch {
          // Already closed.
        }
      });
    signal?.addEventListener("abort", onAbort, { once: true });

    let pending: LogRecord[] | undefined = gap.length > 0 ? gap : undefined;
    const decoding: DecodeOptions = {
      cursorPrefix: epoch,
      since,
      gap: (n) => gapRecord(query.name, namespace, n),
      skip,
    };
    const stream = new ReadableStream<LogBatch>({
      start: (c) => {
        controller = c;
      },
      pull: async (c) => {
        if (pending !== undefined) {
          c.enqueue(pending);
          pending = undefined;
          return;
        }
        for (;;) {
          const messages = reader.take();
          if (messages.length === 0) {
            if (reader.ended) {
              release();
              c.close();
              return;
            }
            await reader.wait();
            if (!this.#open.has(reader)) return;
            continue;
          }
          const batch = decodeRecords(messages, decoding);
          if (batch.length > 0) {
            c.enqueue(batch);
            return;
          }
        }
      },
      cancel: () => release(),
    }, { highWaterMark: 0 });
    return { stream, fromCursor };
  }

  /** The same as {@linkcode close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Deletes every consumer still open and closes the connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#open].map((r) => r.close()));
    this.#open.clear();
    await this.#nc.close().catch(() => {});
  }
}

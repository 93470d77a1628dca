/**
 * The shipper: follows every function a provider lists (and those that
 * appear later) and publishes each line to JetStream exactly once, resuming
 * from what the stream already holds.
 *
 * @module
 */
import type { NatsConnection } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import type { LogProvider, LogRecord } from "../types.ts";
import { describeError, FunctionNotFoundError, UpstreamError } from "../errors.ts";
import { Backoff } from "../async/backoff.ts";
import { abortableSleep } from "../async/abortable_sleep.ts";
import { encodeRecordPayload, messageId } from "../providers/nats/record_codec.ts";
import { logSubject } from "../providers/nats/subject.ts";
import { JetStreamPublisher, type PublisherStats } from "./jetstream_publisher.ts";
import { ensureStream, readShippedState, type StreamSettings } from "./stream_setup.ts";
import type { ShippedState } from "./shipped_state.ts";

/** Options for {@linkcode ship}. */
export interface ShipOptions {
  /** Where lines come from (any provider, read in follow mode). */
  readonly provider: LogProvider;
  readonly nc: NatsConnection;
  readonly stream: StreamSettings;
  /** The namespace whose functions are shipped (default: the provider's). */
  readonly namespace?: string;
  /** How often the provider is asked for new functions (default 5000 ms). */
  readonly discoverIntervalMs?: number;
  /** Most messages awaiting an acknowledgement (default 4096). */
  readonly maxInFlight?: number;
  readonly ackTimeoutMs?: number;
  /** How often the rate and lag are told (default 10,000 ms; 0: never). */
  readonly statsIntervalMs?: number;
  /** After the stop signal, the longest wait for the last acknowledgements (default 30,000 ms). */
  readonly drainTimeoutMs?: number;
  /** Status lines (stderr). */
  readonly onNotice: (message: string) => void;
  /** Aborting it stops reading; `ship` resolves once every accepted line is acknowledged. */
  readonly signal: AbortSignal;
}

/** What a finished run did. */
export interface ShipSummary extends PublisherStats {
  /** Lines read from the provider and handed to the broker. */
  readonly accepted: number;
  readonly functions: number;
}

/**
 * Ships until `options.signal` aborts, then waits for every accepted line's
 * acknowledgement. Rejects with {@linkcode UpstreamError} when the broker
 * refuses (no JetStream, no permission) or the last lines are not
 * acknowledged within `drainTimeoutMs`.
 */
export async function ship(options: ShipOptions): Promise<ShipSummary> {
  const { provider, nc, signal, onNotice: notice } = options;
  const settings = options.stream;
  const prefix = settings.subjectPrefix;
  const namespace = options.namespace ?? provider.defaultNamespace;
  const jsm = await jetstreamManager(nc, { checkAPI: false });
  await ensureStream(jsm, settings, notice, signal);
  let accepted = 0, functions = 0;
  let failure: unknown;
  const publisher = new JetStreamPublisher(nc, {
    maxInFlight: options.maxInFlight,
    ackTimeoutMs: options.ackTimeoutMs,
    onNotice: notice,
    onFailure: (error) => fail(error),
  });
  const fail = (error: unknown) => {
    failure ??= error;
    stop.abort(error);
  };
  const stop = new AbortController();
  const onStop = () => stop.abort(signal.reason);
  signal.addEventListener("abort", onStop, { once: true });
  if (signal.aborted) onStop();

  const following = new Map<string, Promise<void>>();
  const readers = new Set<ReadableStreamDefaultReader>();
  stop.signal.addEventListener("abort", () => {
    for (const reader of readers) reader.cancel().catch(() => {});
  }, { once: true });

  async function publishBatch(
    name: string,
    state: ShippedState,
    subjects: Map<string, string>,
    batch: readonly LogRecord[],
  ) {
    for (const record of batch) {
      const occurrence = state.next(record);
      if (occurrence === undefined) continue;
      const line = record.name === name && record.namespace === namespace
        ? record
        : { ...record, name, namespace };
      let subject = subjects.get(record.instance);
      if (subject === undefined) {
        subject = logSubject(prefix, { namespace, name, instance: record.instance });
        if (subjects.size > 10_000) subjects.clear();
        subjects.set(record.instance, subject);
      }
      if (!publisher.hasRoom) await publisher.waitForRoom(stop.signal);
      // Told to stop while waiting (the broker may be away): what is not
      // published yet is not accepted; the next run resumes before it.
      if (stop.signal.aborted) return;
      publisher.publish({
        subject,
        payload: encodeRecordPayload(line),
        msgId: messageId(subject, record.timestamp, occurrence),
        sourceCursor: record.cursor,
        timestamp: record.timestamp,
      });
      accepted++;
    }
  }

  async function follow(name: string): Promise<void> {
    const backoff = new Backoff({ initialMs: 250, capMs: 10_000 });
    let state: ShippedState | undefined;
    const subjects = new Map<string, string>();
    while (!stop.signal.aborted) {
      try {
        state ??= await readShippedState(jsm, settings.name, prefix, namespace, name);
        const query = state.resumeQuery();
        const source = await provider.openLogs(
          { name, namespace, follow: true, ...query },
          { signal: stop.signal },
        );
        if (source.fromCursor) state.resumedExactly();
        else state.resumedFromSince();
        notice(
          `shipping ${namespace}/${name} ${
            source.fromCursor
              ? `after cursor ${query.cursor}`
              : query.since !== undefined
              ? `from ${query.since} (lines shipped before dropped)`
              : "from its first line"
          }`,
        );
        const reader = source.stream.getReader();
        readers.add(reader);
        if (stop.signal.aborted) reader.cancel().catch(() => {});
        try {
          for (;;) {
            const next = await reader.read();
            if (next.done) break;
            await publishBatch(name, state, subjects, next.value);
            backoff.reset();
            if (stop.signal.aborted) break;
          }
        } finally {
          readers.delete(reader);
          reader.cancel().catch(() => {});
        }
        if (stop.signal.aborted) return;
        notice(`the logs of ${namespace}/${name} ended; reading again`);
      } catch (error) {
        if (stop.signal.aborted) return;
        if (error instanceof FunctionNotFoundError) {
          notice(`${namespace}/${name} is gone; no longer following it`);
          return;
        }
        if (error instanceof UpstreamError && /denied permission|refused/i.test(error.message)) {
          fail(error);
          return;
        }
        notice(`reading ${namespace}/${name} failed (${describeError(error)}); retrying`);
      }
      await abortableSleep(backoff.next(), stop.signal);
    }
  }

  async function discover(): Promise<void> {
    const interval = options.discoverIntervalMs ?? 5000;
    while (!stop.signal.aborted) {
      try {
        for (const fn of await provider.listFunctions(namespace, { signal: stop.signal })) {
          if (following.has(fn.name)) continue;
          functions++;
          const loop = follow(fn.name).catch(fail).finally(() => following.delete(fn.name));
          following.set(fn.name, loop);
        }
      } catch (error) {
        if (!stop.signal.aborted) notice(`listing functions failed: ${describeError(error)}`);
      }
      await abortableSleep(interval, stop.signal);
    }
  }

  let lastAcked = 0, lastAt = performance.now();
  const statsEvery = options.statsIntervalMs ?? 10_000;
  const stats = statsEvery <= 0 ? undefined : setInterval(() => {
    const s = publisher.stats, now = performance.now();
    const rate = (s.acked - lastAcked) / ((now - lastAt) / 1000);
    lastAcked = s.acked;
    lastAt = now;
    notice(
      `shipped ${s.acked} lines (${Math.round(rate)} lines/s), ${s.inFlight} in flight, ` +
        `lag ${s.lagMs} ms, ${s.duplicates} duplicates dropped, ${s.retries} resent, ` +
        `${following.size} functions`,
    );
  }, statsEvery);

  try {
    await discover();
    await Promise.all(following.values());
    if (failure !== undefined) throw failure;
    const unacked = publisher.stats.inFlight;
    if (!publisher.connected) {
      // Nobody to wait for: what is not acknowledged is not shipped, and the
      // next run resumes before it (the broker drops any repeat by its id).
      const s = publisher.stats;
      notice(
        `stopped with NATS away: ${accepted} lines accepted, ${s.acked} acknowledged, ` +
          `${unacked} left for the next run`,
      );
      return { ...s, accepted, functions };
    }
    notice(`stopping: waiting for ${unacked} acknowledgement(s)`);
    const drainMs = options.drainTimeoutMs ?? 30_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      publisher.flush(),
      new Promise((_, reject) =>
        timer = setTimeout(
          () =>
            reject(
              new UpstreamError(
                `${publisher.stats.inFlight} line(s) were not acknowledged within ${drainMs} ms`,
              ),
            ),
          drainMs,
        )
      ),
    ]).finally(() => clearTimeout(timer));
    const s = publisher.stats;
    notice(
      `stopped: ${accepted} lines accepted, ${s.acked} acknowledged ` +
        `(${s.duplicates} duplicates dropped, ${s.retries} resent)`,
    );
    return { ...s, accepted, functions };
  } finally {
    clearInterval(stats);
    signal.removeEventListener("abort", onStop);
    publisher.close();
  }
}

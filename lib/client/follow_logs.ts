/**
 * Follow a function's logs from a gateway (or a provider) and never die
 * silently: reconnect with backoff through every kind of cut, resume
 * exactly, and report stream health through a callback.
 *
 * @module
 */
import { abortableSleep } from "../async/abortable_sleep.ts";
import { Backoff, type BackoffOptions } from "../async/backoff.ts";
import { buildLogRequest, type GatewayAuth } from "../gateway/build_log_request.ts";
import {
  describeError,
  FunctionNotFoundError,
  HttpStatusError,
  InvalidInputError,
  NamespaceNotAllowedError,
  UsageError,
} from "../errors.ts";
import { IdleTimeoutError, openLogStream } from "../gateway/open_log_stream.ts";
import { type ResumeMode, type ResumePoint, ResumeTracker } from "./resume_tracker.ts";
import { type FunctionRef, ResumeState } from "./resume_state.ts";
import { UnexpectedBodyError } from "../wire/log_body_decoder.ts";
import type { LogBatch, LogMessage, LogProvider, LogRecord } from "../types.ts";
import type { LogLevel } from "../parse/log_level.ts";
import { filterBatch } from "../filters/log_filter.ts";
import { compileFollowFilter } from "../filters/follow_filter.ts";

/** Stream-health events, in the shape `fnlogs logs --events` prints them. */
export type FollowEvent =
  | {
    readonly event: "reconnecting";
    /** Attempts since the last healthy connection, from 1. */
    readonly attempt: number;
    readonly delayMs: number;
    readonly reason: string;
  }
  | {
    readonly event: "resumed";
    /** 0: the first connection, resuming from {@linkcode FollowLogsOptions.resumeState}. */
    readonly attempt: number;
    /** `cursor`: exact; `since`: overlap dropped here; `replay`: nothing had arrived yet. */
    readonly resume: "cursor" | "since" | "replay";
    readonly since?: string;
    readonly cursor?: string;
  }
  | {
    readonly event: "gap";
    readonly missed: number;
    readonly instance: string;
    readonly timestamp: string;
  }
  | { readonly event: "ended"; readonly reason: string; readonly reconnects: number }
  | { readonly event: "skipped"; readonly reason: string; readonly sample: string };

/** What to follow and how. Give `gateway` or `provider`. */
export interface FollowLogsOptions {
  /** The gateway's base URL (`http://127.0.0.1:8080`). */
  readonly gateway?: string;
  /** Read a provider directly instead of a gateway. */
  readonly provider?: LogProvider;
  /** The function's name. */
  readonly name: string;
  /** Its namespace (default: the gateway's or provider's default). */
  readonly namespace?: string;
  /** Only this instance (sent as `instance`; real gateways ignore it). */
  readonly instance?: string;
  /** Keep following (default `true`). */
  readonly follow?: boolean;
  /** The last N lines of history first (`<= 0` or `undefined`: no limit). */
  readonly tail?: number;
  /** RFC3339: history from this moment, sent as given. */
  readonly since?: string;
  /** Default: `Authorization: Bearer` with an empty token. */
  readonly auth?: GatewayAuth;
  /** A `Deno.HttpClient` (its certificates, its proxy); the requests then go through `fetch`. */
  readonly client?: Deno.HttpClient;
  /** For `--cacert`: PEM root certificates added to the default ones. */
  readonly caCerts?: string[];
  /** Ask for fnlogs' event stream (default `true`). */
  readonly eventStream?: boolean;
  /** Reconnect after cuts and ends (default `true`). */
  readonly reconnect?: boolean;
  /**
   * Give up after this many reconnect attempts in a row that brought no
   * healthy connection (default: never).
   */
  readonly maxReconnects?: number;
  /** Reconnect delays: capped exponential backoff with jitter. */
  readonly backoff?: BackoffOptions;
  /** A connection up this long counts as healthy even without data (default 10 s). */
  readonly stableMs?: number;
  /**
   * Reconnect when no byte arrives for this long (ms). Default: 45 s for
   * fnlogs' event stream (3 × its heartbeat), never for NDJSON. 0: never.
   */
  readonly idleTimeoutMs?: number;
  /** See {@linkcode ResumeTracker.resumePoint} (default 60 s). */
  readonly resumeWindowMs?: number;
  /** Only lines of this level and above (see `parseLogLine`); lines without a level are dropped. */
  readonly level?: LogLevel;
  /** Conditions on JSON/logfmt fields, all of which must hold (`status>=500`, `user=ann`, `msg~^db`). */
  readonly where?: readonly string[];
  /** Only lines whose text matches one of these. */
  readonly grep?: readonly (RegExp | string)[];
  /** No line whose text matches one of these. */
  readonly exclude?: readonly (RegExp | string)[];
  /**
   * Start where this state says, and advance it with each message (each
   * batch for {@linkcode followLogBatches}) handed out: saved after handling
   * a line, a later run resumes right after it. Throws `ResumeStateError`
   * for a state read back for other gateways.
   */
  readonly resumeState?: ResumeState;
  /** Aborting it ends the iteration cleanly (no error). */
  readonly signal?: AbortSignal;
  /** Stream-health events. */
  readonly onEvent?: (event: FollowEvent) => void;
  /** Injectable for tests. */
  readonly fetch?: typeof fetch;
  /** Injectable for tests; must resolve early when the signal aborts. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** A clock in ms (default `performance.now`). */
  readonly now?: () => number;
}

/** One open response or provider stream, as the loop sees it. */
interface Source {
  readonly batches: ReadableStream<LogBatch>;
  /** Whether a clean end of `batches` means the history is complete (follow off). */
  complete(): boolean;
  /** Whether the server said it ended on purpose. */
  readonly endedOnPurpose: boolean;
  readonly resume: ResumeMode | undefined;
  close(): void;
}

/**
 * Whether to try again after `error`. Before the first successful answer
 * only 429 and 503 are retried (a wrong URL, name or token fails at once,
 * as faas-cli does); afterwards network errors, cuts, idle timeouts, 5xx,
 * 408 and 429 are retried, and other 4xx are fatal.
 */
function retryable(error: unknown, connected: boolean): boolean {
  if (error instanceof HttpStatusError) {
    const s = error.status;
    if (!connected) return s === 429 || s === 503;
    return s === 408 || s === 429 || s >= 500;
  }
  if (
    error instanceof FunctionNotFoundError || error instanceof NamespaceNotAllowedError ||
    error instanceof InvalidInputError || error instanceof UsageError
  ) {
    return false;
  }
  return connected || error instanceof IdleTimeoutError;
}

async function openSource(
  options: FollowLogsOptions,
  point: ResumePoint | undefined,
  onEvent: (event: FollowEvent) => void,
  filterParams: readonly (readonly [string, string])[],
): Promise<Source> {
  const follow = options.follow ?? true;
  const since = point?.since ?? options.since;
  const tail = point?.since === undefined ? options.tail : undefined;
  if (options.provider !== undefined) {
    const source = await options.provider.openLogs({
      name: options.name,
      namespace: options.namespace,
      instance: options.instance || undefined,
      tail: tail !== undefined && tail > 0 ? tail : undefined,
      since,
      follow,
      cursor: point?.cursor,
    }, { signal: options.signal });
    return {
      batches: source.stream,
      complete: () => !follow,
      endedOnPurpose: false,
      resume: point === undefined ? undefined : source.fromCursor ? "cursor" : "since",
      close: () => source.stream.cancel().catch(() => {}),
    };
  }
  const gateway = options.gateway as string;
  const stream = await openLogStream({
    request: buildLogRequest({
      gateway,
      name: options.name,
      namespace: options.namespace,
      instance: options.instance,
      follow,
      tail,
      since,
      auth: options.auth,
      lastEventId: point?.cursor,
      eventStream: options.eventStream,
      extraParams: filterParams,
    }),
    gateway,
    fetch: options.fetch,
    client: options.client,
    caCerts: options.caCerts,
    signal: options.signal,
    idleTimeoutMs: options.idleTimeoutMs,
    onSkip: (reason, sample) => onEvent({ event: "skipped", reason, sample }),
    progress: true,
  });
  return {
    batches: stream.batches,
    // A clean NDJSON (or empty) end is the end of the history; an event stream must say so.
    complete: () => !follow && (stream.format !== "event-stream" || stream.ended),
    get endedOnPurpose() {
      return stream.ended;
    },
    get resume() {
      return stream.resume;
    },
    close: () => stream.close(),
  };
}

/** Removes gap notices (reported as events) and progress records from a batch. */
function withoutGaps(batch: LogBatch, onEvent: (event: FollowEvent) => void): LogBatch {
  let out: LogRecord[] | undefined;
  for (let i = 0; i < batch.length; i++) {
    const record = batch[i];
    if (record.progress) {
      out ??= batch.slice(0, i);
    } else if (record.missed !== undefined) {
      out ??= batch.slice(0, i);
      onEvent({
        event: "gap",
        missed: record.missed,
        instance: record.instance,
        timestamp: record.timestamp,
      });
    } else if (out !== undefined) {
      out.push(record);
    }
  }
  return out ?? batch;
}

/**
 * Follows one function's logs and yields them in batches, in order, each
 * line exactly once. In follow mode a stream that ends, is cut, or stays
 * silent past the idle timeout is asked again after a backoff, forever by
 * default, resuming exactly (see {@linkcode ResumeTracker}): `since` the
 * last timestamp delivered at full precision, `tail` dropped,
 * `Last-Event-ID` when the server gave cursors, and the overlap dropped
 * unless the server says it resumed by cursor (its in-band `hello`, or `X-Fnlogs-Resume: cursor`). Without follow one
 * history is read; a clean end finishes it, while a cut (or an event stream
 * without its `end` event) is resumed the same way (faas-cli would stop
 * there and exit 0).
 *
 * `level`, `where`, `grep` and `exclude` are sent to the server with every
 * event-stream request (`fnlogs serve` applies them before the wire; other
 * gateways ignore them) and applied here too, so the lines are the same
 * whichever server answers. A `where` condition that does not parse throws
 * `InvalidInputError` before anything is requested.
 *
 * Rejects with {@linkcode HttpStatusError} or {@linkcode ConnectError} for
 * fatal answers (see the retry rules on the option docs); ends without
 * error when the signal aborts, and after an `ended` event when reconnects
 * are off or used up.
 *
 * @example Read a history (a stub stands in for the gateway)
 * ```ts
 * import { followLogBatches } from "./follow_logs.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const line = '{"name":"env","namespace":"","instance":"env-1","timestamp":"2024-01-01T00:00:00Z","text":"hi"}\n';
 * const stub: typeof fetch = () => Promise.resolve(new Response(line + line));
 * const sizes: number[] = [];
 * for await (const batch of followLogBatches({ gateway: "http://127.0.0.1:8080", name: "env", follow: false, fetch: stub })) {
 *   sizes.push(batch.length);
 * }
 * assertEquals(sizes, [2]);
 * ```
 */
export function followLogBatches(
  options: FollowLogsOptions,
): AsyncGenerator<LogBatch, void, undefined> {
  return follow(options, true);
}

/** The function `options` follow, as a {@linkcode ResumeState} names it. */
function functionRef(options: FollowLogsOptions): FunctionRef {
  if ((options.gateway === undefined) === (options.provider === undefined)) {
    throw new TypeError("Cannot follow logs without exactly one of gateway and provider");
  }
  return ResumeState.refOf(options);
}

/** The follow loop; `advanceState`: advance `options.resumeState` by each batch yielded. */
async function* follow(
  options: FollowLogsOptions,
  advanceState: boolean,
): AsyncGenerator<LogBatch, void, undefined> {
  const ref = functionRef(options);
  const state = options.resumeState;
  const signal = options.signal;
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? abortableSleep;
  const onEvent = options.onEvent ?? (() => {});
  const reconnect = options.reconnect ?? true;
  const maxReconnects = options.maxReconnects ?? Infinity;
  const stableMs = options.stableMs ?? 10_000;
  const tracker = new ResumeTracker({
    windowMs: options.resumeWindowMs,
    now,
    state: state?.start(ref),
  });
  const backoff = new Backoff(options.backoff);
  const filter = compileFollowFilter(options);
  let connected = false;
  let attempt = 0;
  let reconnects = 0;

  for (;;) {
    if (signal?.aborted) return;
    // Undefined until something was delivered (or came from `resumeState`).
    const point = tracker.resumePoint();
    let reason = "the stream ended";
    let source: Source | undefined;
    try {
      source = await openSource(options, point, onEvent, filter.params);
    } catch (error) {
      if (signal?.aborted) return;
      if (!retryable(error, connected)) throw error;
      reason = describeError(error);
    }
    if (source !== undefined) {
      connected = true;
      tracker.beginResume(point === undefined ? "none" : source.resume ?? "since");
      if (reconnects > 0 || point !== undefined) {
        onEvent({
          event: "resumed",
          attempt,
          resume: point === undefined ? "replay" : source.resume === "cursor" ? "cursor" : "since",
          ...(point?.since === undefined ? {} : { since: point.since }),
          ...(point?.cursor === undefined ? {} : { cursor: point.cursor }),
        });
      }
      const openedAt = now();
      const before = tracker.delivered;
      let finished = false;
      try {
        for await (const batch of source.batches) {
          let out = withoutGaps(tracker.filter(batch), onEvent);
          if (filter.keep !== undefined) out = filterBatch(out, filter.keep);
          if (out.length === 0) continue;
          if (advanceState) state?.advance(ref, out);
          yield out;
        }
        finished = true;
      } catch (error) {
        if (signal?.aborted) return;
        // A server that speaks something else entirely will not start making sense.
        if (error instanceof UnexpectedBodyError) throw error;
        reason = error instanceof IdleTimeoutError
          ? `no data for ${error.timeoutMs} ms`
          : `the stream was cut (${describeError(error)})`;
      } finally {
        source.close();
      }
      if (finished) {
        if (source.complete()) return;
        reason = source.endedOnPurpose
          ? "the server ended the stream"
          : options.follow === false
          ? "the history ended without its end marker"
          : "the stream ended";
      }
      if (tracker.delivered > before || now() - openedAt >= stableMs) {
        backoff.reset();
        attempt = 0;
      }
    }
    if (signal?.aborted) return;
    if (!reconnect || attempt >= maxReconnects) {
      onEvent({ event: "ended", reason, reconnects });
      return;
    }
    attempt++;
    reconnects++;
    const delayMs = backoff.next();
    onEvent({ event: "reconnecting", attempt, delayMs, reason });
    await sleep(delayMs, signal);
  }
}

/**
 * Follows one function's logs and yields single messages: the same as
 * {@linkcode followLogBatches}, one message at a time (about 0.2 µs more
 * per message).
 *
 * @example The last ten lines, then follow until aborted
 * ```ts
 * import { followLogs } from "./follow_logs.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const line = '{"name":"env","namespace":"","instance":"env-1","timestamp":"2024-01-01T00:00:00Z","text":"hi"}\n';
 * const stub: typeof fetch = () => Promise.resolve(new Response(line));
 * const controller = new AbortController();
 * const texts: string[] = [];
 * for await (const message of followLogs({ gateway: "http://127.0.0.1:8080", name: "env", tail: 10, fetch: stub, signal: controller.signal })) {
 *   texts.push(message.text);
 *   controller.abort(); // Ctrl-C
 * }
 * assertEquals(texts, ["hi"]);
 * ```
 */
export async function* followLogs(
  options: FollowLogsOptions,
): AsyncGenerator<LogMessage, void, undefined> {
  const state = options.resumeState;
  if (state === undefined) {
    for await (const batch of follow(options, false)) yield* batch;
    return;
  }
  const ref = functionRef(options);
  for await (const batch of follow(options, false)) {
    for (const message of batch) {
      state.advance(ref, [message]);
      yield message;
    }
  }
}

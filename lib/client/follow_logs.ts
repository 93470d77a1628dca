/**
 * Follow a function's logs from a gateway (or a provider) and never die
 * silently: reconnect with backoff through every kind of cut, resume
 * exactly, and report stream health through a callback.
 *
 * @module
 */
import { abortableSleep } from "../async/abortable_sleep.ts";
import { Backoff } from "../async/backoff.ts";
import { describeError } from "../errors.ts";
import { IdleTimeoutError } from "../gateway/open_log_stream.ts";
import { ResumeTracker } from "./resume_tracker.ts";
import { type FunctionRef, ResumeState } from "./resume_state.ts";
import { UnexpectedBodyError } from "../wire/log_body_decoder.ts";
import type { LogBatch, LogMessage } from "../types.ts";
import { filterBatch } from "../filters/log_filter.ts";
import { DroppedLines } from "../filters/stands_for.ts";
import { compileFollowFilter } from "../filters/follow_filter.ts";
import type { FollowLogsOptions } from "./follow_options.ts";
import { openSource, retryable, type Source } from "./open_source.ts";
import { withoutGaps } from "./without_gaps.ts";

export type { FollowEvent, FollowLogsOptions } from "./follow_options.ts";

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
  // Lines the filter drops count in the resume position of the next kept one.
  const dropped = new DroppedLines();
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
          if (filter.keep !== undefined) out = filterBatch(out, filter.keep, dropped);
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

/**
 * One connection of the follow loop: a gateway's response or a provider's
 * stream, opened from a resume point, and whether an error is worth
 * another try.
 *
 * @module
 */
import { buildLogRequest } from "../gateway/build_log_request.ts";
import { UnexpectedBodyError } from "../wire/log_body_decoder.ts";
import {
  ConnectError,
  FunctionNotFoundError,
  HttpStatusError,
  InvalidInputError,
  NamespaceNotAllowedError,
  UsageError,
} from "../errors.ts";
import { IdleTimeoutError, openLogStream } from "../gateway/open_log_stream.ts";
import type { ResumeMode, ResumePoint } from "./resume_tracker.ts";
import type { LogBatch } from "../types.ts";
import type { FollowEvent, FollowLogsOptions } from "./follow_options.ts";

/** One open response or provider stream, as the loop sees it. */
export interface Source {
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
 * only 429, 503, idle timeouts and a connection closed after the request
 * went out (a gateway's write timeout on a quiet function) are retried (a
 * wrong URL, name or token fails at once, as faas-cli does); afterwards
 * network errors, cuts, idle timeouts, 5xx, 408 and 429 are retried, and
 * other 4xx and a body that is not a log stream are fatal.
 */
export function retryable(error: unknown, connected: boolean): boolean {
  if (error instanceof HttpStatusError) {
    const s = error.status;
    if (!connected) return s === 429 || s === 503;
    return s === 408 || s === 429 || s >= 500;
  }
  if (
    error instanceof FunctionNotFoundError || error instanceof NamespaceNotAllowedError ||
    error instanceof InvalidInputError || error instanceof UsageError ||
    error instanceof UnexpectedBodyError
  ) {
    return false;
  }
  if (error instanceof ConnectError && error.afterRequest) return true;
  return connected || error instanceof IdleTimeoutError;
}

/** Opens the logs `options` name, from `point` (the first connection: none). */
export async function openSource(
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

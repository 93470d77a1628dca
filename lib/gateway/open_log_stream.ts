/**
 * One log request: send it, check the status, pick the decoder by the
 * response's `Content-Type`, and hand out the records in batches.
 *
 * @module
 */
import type { LogRequest } from "./build_log_request.ts";
import { ConnectError, HttpStatusError } from "../errors.ts";
import { NdjsonLogDecoderStream } from "../wire/ndjson_log_decoder_stream.ts";
import type { ResumeMode } from "../client/resume_tracker.ts";
import { SseLogDecoderStream } from "../wire/sse_log_decoder_stream.ts";
import type { LogBatch } from "../types.ts";

/** How long an fnlogs event stream may stay silent: 3 × its 15 s heartbeat. */
export const DEFAULT_EVENT_STREAM_IDLE_TIMEOUT_MS = 45_000;
/** How much of an error body is kept for the message. */
const MAX_ERROR_BODY = 64 * 1024;

/** No byte arrived for longer than the idle timeout; the request was aborted. */
export class IdleTimeoutError extends Error {
  override name = "IdleTimeoutError";
  constructor(readonly timeoutMs: number) {
    super(`No data for ${timeoutMs} ms`);
  }
}

/** What {@linkcode openLogStream} needs. */
export interface OpenLogStreamOptions {
  readonly request: LogRequest;
  /** The gateway as the user named it, for {@linkcode ConnectError}. */
  readonly gateway: string;
  /** Default: the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** For `--cacert` (`Deno.createHttpClient({ caCerts })`). */
  readonly client?: Deno.HttpClient;
  /** Aborting it aborts the request and the body. */
  readonly signal?: AbortSignal;
  /**
   * Abort when no byte arrives for this long (ms), from the request on,
   * whatever the format. `undefined`: only event streams get
   * `eventStreamIdleTimeoutMs`, from their headers on. `0`: never.
   */
  readonly idleTimeoutMs?: number;
  /** Default {@linkcode DEFAULT_EVENT_STREAM_IDLE_TIMEOUT_MS}; 0 disables. */
  readonly eventStreamIdleTimeoutMs?: number;
  /** Called for every malformed value or event the decoder skips. */
  readonly onSkip?: (reason: string, sample: string) => void;
  /** Event streams: yield id-only events as progress records (see `SseLogDecoderStream`). */
  readonly progress?: boolean;
}

/** An open log response. */
export interface LogStream {
  /** The records in batches, as they arrive. Errors when the body is cut. */
  readonly batches: ReadableStream<LogBatch>;
  /** `event-stream` for fnlogs' extension, `ndjson` for everything else. */
  readonly format: "event-stream" | "ndjson";
  /** `X-Fnlogs-Resume` of the answer, when it has one. */
  readonly resume: ResumeMode | undefined;
  /** After the batches ended: the server said it ended the stream on purpose. */
  readonly ended: boolean;
  /** The server's `retry:` hint, if it gave one. */
  readonly retryMs: number | undefined;
  /** Values or events skipped so far. */
  readonly skipped: number;
  /** Aborts the request and stops its timers (harmless after the end). */
  close(): void;
}

/** Aborts when no byte was seen for `ms`, checking four times per period. */
class IdleWatch {
  #last = performance.now();
  #timer: ReturnType<typeof setInterval> | undefined;
  constructor(readonly abort: AbortController) {}

  touch(): void {
    this.#last = performance.now();
  }

  arm(ms: number): void {
    this.stop();
    if (!(ms > 0) || !Number.isFinite(ms)) return;
    this.touch();
    this.#timer = setInterval(() => {
      if (performance.now() - this.#last >= ms) {
        this.stop();
        this.abort.abort(new IdleTimeoutError(ms));
      }
    }, Math.max(5, Math.floor(ms / 4)));
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

async function readErrorBody(response: Response): Promise<string> {
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_ERROR_BODY) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A cut error body: keep what came.
  } finally {
    reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes.subarray(0, MAX_ERROR_BODY));
}

/**
 * Sends one log request and opens its body. Rejects with
 * {@linkcode ConnectError} when the gateway cannot be reached (the cause
 * attached), {@linkcode HttpStatusError} for a status other than 200 (the
 * body trimmed), {@linkcode IdleTimeoutError} when an explicit idle timeout
 * passed before the headers, or the signal's reason when aborted.
 *
 * `text/event-stream` answers are decoded as fnlogs' event stream, anything
 * else (`application/x-ndjson`, a gateway's `text/plain`, none) as
 * concatenated JSON values. Headers that arrive only with the first line,
 * and a body cut without its terminating chunk, are both fine: the cut
 * surfaces as an error of `batches`.
 *
 * @example A gateway answering `text/plain` (a stub stands in for it)
 * ```ts
 * import { buildLogRequest } from "./build_log_request.ts";
 * import { openLogStream } from "./open_log_stream.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const gateway = "http://127.0.0.1:8080";
 * const request = buildLogRequest({ gateway, name: "env", follow: false, tail: 10 });
 * const body = '{"name":"env","namespace":"","instance":"env-1","timestamp":"2024-01-01T00:00:00Z","text":"hi"}\n';
 * const stub: typeof fetch = () => Promise.resolve(new Response(body, { headers: { "content-type": "text/plain" } }));
 * const stream = await openLogStream({ request, gateway, fetch: stub });
 * const batches = await Array.fromAsync(stream.batches);
 * assertEquals([stream.format, batches.flat().map((r) => r.text)], ["ndjson", ["hi"]]);
 * stream.close();
 * ```
 */
export async function openLogStream(options: OpenLogStreamOptions): Promise<LogStream> {
  const abort = new AbortController();
  const signal = options.signal === undefined
    ? abort.signal
    : AbortSignal.any([options.signal, abort.signal]);
  const idle = new IdleWatch(abort);
  if (options.idleTimeoutMs !== undefined) idle.arm(options.idleTimeoutMs);
  const close = () => {
    idle.stop();
    if (!abort.signal.aborted) abort.abort(new DOMException("closed", "AbortError"));
  };

  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(options.request.url, {
      headers: options.request.headers,
      signal,
      ...(options.client === undefined ? {} : { client: options.client }),
    });
  } catch (error) {
    idle.stop();
    if (signal.aborted) throw signal.reason;
    throw new ConnectError(options.gateway, { cause: error });
  }

  if (response.status !== 200) {
    idle.stop();
    const body = await readErrorBody(response);
    close();
    throw new HttpStatusError(response.status, body.trim());
  }

  const contentType = (response.headers.get("content-type") ?? "").toLowerCase();
  const eventStream = contentType.split(";")[0].trim() === "text/event-stream";
  const resumeHeader = response.headers.get("x-fnlogs-resume")?.trim().toLowerCase();
  const resume = resumeHeader === "cursor" || resumeHeader === "since" || resumeHeader === "none"
    ? resumeHeader
    : undefined;

  if (options.idleTimeoutMs === undefined && eventStream) {
    idle.arm(options.eventStreamIdleTimeoutMs ?? DEFAULT_EVENT_STREAM_IDLE_TIMEOUT_MS);
  }

  const sse = eventStream
    ? new SseLogDecoderStream({ onSkip: options.onSkip, progress: options.progress })
    : undefined;
  const ndjson = eventStream ? undefined : new NdjsonLogDecoderStream({ onSkip: options.onSkip });
  const decoder: TransformStream<string, LogBatch> = (sse ?? ndjson) as TransformStream<
    string,
    LogBatch
  >;
  const body: ReadableStream<Uint8Array> = response.body ?? ReadableStream.from([]);
  const watched = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        idle.touch();
        controller.enqueue(chunk);
      },
      flush() {
        idle.stop();
      },
    }),
    { signal },
  );
  const batches = watched.pipeThrough(new TextDecoderStream()).pipeThrough(decoder);

  return {
    batches,
    format: eventStream ? "event-stream" : "ndjson",
    resume,
    get ended() {
      return sse?.ended ?? false;
    },
    get retryMs() {
      return sse?.retryMs;
    },
    get skipped() {
      return (sse ?? ndjson)?.skipped ?? 0;
    },
    close,
  };
}

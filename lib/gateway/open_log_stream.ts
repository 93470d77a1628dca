/**
 * One log request: send it, check the status, tell the body's format from
 * its first bytes (not from headers, which proxies drop or rewrite), and
 * hand out the records in batches.
 *
 * @module
 */
import type { LogRequest } from "./build_log_request.ts";
import { ConnectError, HttpStatusError } from "../errors.ts";
import { ClosedBeforeAnswerError, httpGet, httpTargetOf } from "../http/http_get.ts";
import { proxyFor } from "../http/proxy_for.ts";
import { LogBodyDecoder, type LogBodyFormat } from "../wire/log_body_decoder.ts";
import type { LogBatch, LogRecord } from "../types.ts";

/**
 * How the server applied a request's resume point: `cursor` (exactly after
 * `Last-Event-ID`), `since` (the cursor was absent or unknown; `since`/`tail`
 * applied), `none` (neither was given).
 */
export type ResumeMode = "cursor" | "since" | "none";

/** How long an fnlogs event stream may stay silent: 3 × its 15 s heartbeat. */
export const DEFAULT_EVENT_STREAM_IDLE_TIMEOUT_MS = 45_000;
/** How much of an error body is kept for the message. */
const MAX_ERROR_BODY = 64 * 1024;
/** How long an error body may stay silent when no idle timeout is set. */
const ERROR_BODY_TIMEOUT_MS = 10_000;

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
  /**
   * Send the request with this `fetch` (tests inject one). By default fnlogs
   * reads the answer straight from a socket (see `lib/http/http_get.ts`:
   * gateways write one chunk per line, and `fetch` costs a read per chunk),
   * and uses the global `fetch` only where an HTTP proxy applies
   * (`HTTP_PROXY`/`HTTPS_PROXY`/`NO_PROXY`) or `client` is given.
   */
  readonly fetch?: typeof fetch;
  /** A `Deno.HttpClient` for `fetch` (its certificates, its proxy); forces `fetch`. */
  readonly client?: Deno.HttpClient;
  /** For `--cacert`: PEM root certificates added to the default ones. */
  readonly caCerts?: string[];
  /**
   * Reads proxy variables (default: `Deno.env.get` where env access is
   * granted; a variable that cannot be read counts as unset).
   */
  readonly env?: (name: string) => string | undefined;
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
  /**
   * The records in batches, as they arrive. Errors when the body is cut, and
   * with `UnexpectedBodyError` when it is neither NDJSON nor an event stream.
   */
  readonly batches: ReadableStream<LogBatch>;
  /**
   * `event-stream` for fnlogs' extension, `ndjson` for everything else, as
   * the body's first bytes tell; `undefined` until they arrived (and for an
   * empty body).
   */
  readonly format: LogBodyFormat | undefined;
  /**
   * How the server applied the resume point: the `resume` of fnlogs' in-band
   * `hello` preamble, else the `X-Fnlogs-Resume` header, else `undefined`.
   * Known when {@linkcode openLogStream} returns if the request carried
   * `Last-Event-ID` (it waits for the preamble then), else once the first
   * batch arrived.
   */
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

/** An environment variable, read only where reading it needs no prompt (a library in a script). */
function readGrantedEnv(name: string): string | undefined {
  return Deno.permissions.querySync({ name: "env", variable: name }).state === "granted"
    ? Deno.env.get(name)
    : undefined;
}

function resumeMode(value: unknown): ResumeMode | undefined {
  const text = typeof value === "string" ? value.trim().toLowerCase() : undefined;
  return text === "cursor" || text === "since" || text === "none" ? text : undefined;
}

/** Redirects followed, as Go's HTTP client (faas-cli's) follows them. */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

/**
 * Sends the request with `fetch` or straight over a socket (see
 * {@linkcode OpenLogStreamOptions.fetch}), following redirects as faas-cli
 * does (up to 10; `Authorization` dropped when the host changes). `client`:
 * an `HttpClient` made here (for `caCerts` on the `fetch` path), for the
 * caller to close with the stream.
 */
async function send(
  options: OpenLogStreamOptions,
  signal: AbortSignal,
): Promise<{ response: Response; client?: Deno.HttpClient }> {
  let url = new URL(options.request.url);
  let headers = options.request.headers;
  const env = options.env ?? readGrantedEnv;
  let client: Deno.HttpClient | undefined;
  try {
    for (let hops = 0;; hops++) {
      const socket = options.fetch === undefined && options.client === undefined &&
        (url.protocol === "http:" || url.protocol === "https:") && proxyFor(url, env) === undefined;
      let response: Response;
      if (socket) {
        response = await httpGet(httpTargetOf(url, options.caCerts), url.pathname + url.search, {
          headers,
          signal,
        });
      } else {
        // Behind a proxy, `--cacert` still applies: a client of our own carries it.
        if (options.client === undefined && options.caCerts !== undefined && client === undefined) {
          client = Deno.createHttpClient({ caCerts: options.caCerts });
        }
        const use = options.client ?? client;
        response = await (options.fetch ?? fetch)(url.href, {
          headers,
          signal,
          ...(use === undefined ? {} : { client: use }),
        });
      }
      const location = response.headers.get("location");
      if (!REDIRECTS.has(response.status) || location === null || hops === MAX_REDIRECTS) {
        return { response, client };
      }
      await response.body?.cancel().catch(() => {});
      const next = new URL(location, url);
      if (next.host !== url.host && headers.has("authorization")) {
        headers = new Headers(headers);
        headers.delete("authorization");
      }
      url = next;
    }
  } catch (error) {
    client?.close();
    throw error;
  }
}

/** Whether the request went out and the connection closed before any answer. */
function closedBeforeAnswer(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof ClosedBeforeAnswerError) return true;
    // Deno's fetch says it this way.
    if (/connection closed before message completed/i.test(e.message)) return true;
  }
  return false;
}

/**
 * Sends one log request and opens its body. Rejects with
 * {@linkcode ConnectError} when the gateway cannot be reached (the cause
 * attached), {@linkcode HttpStatusError} for a status other than 200 (the
 * body trimmed), {@linkcode IdleTimeoutError} when an explicit idle timeout
 * passed before the headers, or the signal's reason when aborted.
 *
 * The body's format comes from its first bytes, whatever `Content-Type`
 * says (the OpenFaaS gateway drops the provider's headers and labels every
 * stream `text/plain`): `{` is concatenated JSON values (NDJSON), an
 * event-stream field or comment is fnlogs' event stream. Headers that arrive
 * only with the first line, and a body cut without its terminating chunk,
 * are both fine: the cut surfaces as an error of `batches`. Each socket
 * read is decoded in one pass, so a reader that falls behind gets larger
 * batches.
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
  let ownClient: Deno.HttpClient | undefined;
  const close = () => {
    idle.stop();
    if (!abort.signal.aborted) abort.abort(new DOMException("closed", "AbortError"));
    ownClient?.close();
    ownClient = undefined;
  };

  let response: Response;
  try {
    ({ response, client: ownClient } = await send(options, signal));
  } catch (error) {
    idle.stop();
    if (signal.aborted) throw signal.reason;
    throw new ConnectError(options.gateway, { cause: error }, closedBeforeAnswer(error));
  }

  if (response.status !== 200) {
    // An error body that stalls is not waited for past the idle timeout (or 10 s).
    if (options.idleTimeoutMs === undefined || options.idleTimeoutMs === 0) {
      idle.arm(ERROR_BODY_TIMEOUT_MS);
    }
    const body = await readErrorBody(response);
    close();
    throw new HttpStatusError(response.status, body.trim());
  }

  const headerResume = resumeMode(response.headers.get("x-fnlogs-resume"));
  const decoder = new LogBodyDecoder({
    onSkip: options.onSkip,
    progress: options.progress,
    onFormat: (format) => {
      if (format === "event-stream" && options.idleTimeoutMs === undefined) {
        idle.arm(options.eventStreamIdleTimeoutMs ?? DEFAULT_EVENT_STREAM_IDLE_TIMEOUT_MS);
      }
    },
  });
  const reader = (response.body ?? ReadableStream.from<Uint8Array>([])).getReader();
  // Closed, aborted or idle: the body stops at once, whatever transport gave it.
  const stopBody = () => reader.cancel(signal.reason).catch(() => {});
  if (signal.aborted) stopBody();
  else signal.addEventListener("abort", stopBody, { once: true });
  const text = new TextDecoder();
  let finished = false;
  /** Reads and decodes until records arrive or the body ends; `undefined` at the end. */
  const next = async (): Promise<LogRecord[] | undefined> => {
    while (!finished) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (error) {
        finished = true;
        idle.stop();
        throw signal.aborted ? signal.reason : error;
      }
      if (result.done) {
        finished = true;
        idle.stop();
        ownClient?.close();
        ownClient = undefined;
        if (signal.aborted) throw signal.reason;
        const records = decoder.decode(text.decode());
        records.push(...decoder.end());
        return records.length > 0 ? records : undefined;
      }
      idle.touch();
      const records = decoder.decode(text.decode(result.value, { stream: true }));
      if (records.length > 0) return records;
    }
    return undefined;
  };

  // Resuming by cursor: wait for the server's preamble (fnlogs writes it at
  // once), so that `resume` says whether the cursor was honoured.
  let first: LogRecord[] | undefined;
  if (options.request.headers.has("last-event-id")) {
    try {
      while (first === undefined && !finished && decoder.hello === undefined) first = await next();
    } catch (error) {
      reader.cancel().catch(() => {});
      close();
      throw error;
    }
  }

  const batches = new ReadableStream<LogBatch>({
    pull: async (controller) => {
      const records = first ?? await next();
      first = undefined;
      if (records === undefined) controller.close();
      else controller.enqueue(records);
    },
    cancel: async (reason) => {
      close();
      await reader.cancel(reason).catch(() => {});
    },
  }, { highWaterMark: 0 });

  return {
    batches,
    get format() {
      return decoder.format;
    },
    get resume() {
      return resumeMode(decoder.hello?.resume) ?? headerResume;
    },
    get ended() {
      return decoder.ended;
    },
    get retryMs() {
      return decoder.retryMs;
    },
    get skipped() {
      return decoder.skipped;
    },
    close,
  };
}

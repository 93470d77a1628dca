/**
 * The log stream of one container from `GET /containers/{id}/logs`, as
 * batches of {@linkcode LogRecord}s: one request, decoded chunk by chunk, read
 * no faster than the reader takes batches.
 *
 * @module
 */

import type { DockerClient, DockerInstant } from "./client.ts";
import { DockerFrameDecoder, type DockerLine } from "./frame_decoder.ts";
import { UpstreamError } from "../../errors.ts";
import { DockerRecordMapper } from "./record_mapper.ts";
import { dockerLineKey, type DockerSkip } from "./resume_point.ts";
import type { LogBatch, LogRecord } from "../../types.ts";

/** What to ask the daemon for, and how to label and filter the records. */
export interface ContainerLogsRequest {
  /** The container's id (or name). */
  readonly id: string;
  /** The record fields every line of this container shares. */
  readonly name: string;
  readonly namespace: string;
  readonly instance: string;
  /** Keep the request open for new lines (`follow=1`). */
  readonly follow: boolean;
  /** `tail=N` (N > 0); `undefined` asks for all. */
  readonly tail?: number;
  /**
   * Only lines at or after this instant: sent as `since` (exact to the
   * nanosecond) and checked again here, because the daemon's own check
   * depends on its version.
   */
  readonly since?: DockerInstant;
  /** Only lines at or before this instant (`until`, checked by the daemon). */
  readonly until?: DockerInstant;
  /** Lines of the answer to drop because they were delivered before. */
  readonly skip?: DockerSkip;
  /**
   * Called for every line the daemon sent and that was not skipped, with its
   * whole seconds and its {@linkcode dockerLineKey}.
   */
  readonly observe?: (second: number, key: number) => void;
  /** Longest line kept (see the decoder). */
  readonly maxLineLength?: number;
  /** Aborting it ends the request. */
  readonly signal?: AbortSignal;
  /** The daemon's own error lines (stream type 3). */
  readonly onSystemLine?: (text: string) => void;
}

/** How a container log stream ended, for {@linkcode openContainerLogs}'s `onEnd`. */
/**
 * `cut`: a follow request's connection broke (the daemon restarted, a
 * proxy cut it) or could not be made; the records before it were passed on
 * and the caller decides whether to follow again.
 */
export type ContainerLogsEnd = "ended" | "not-found" | "cancelled" | "cut";

const RAW_STREAM = "application/vnd.docker.raw-stream";
const MULTIPLEXED_STREAM = "application/vnd.docker.multiplexed-stream";

/** The most records read ahead of the reader. */
const READ_AHEAD_RECORDS = 8192;
/** The most text read ahead of the reader, in UTF-16 code units. */
const READ_AHEAD_CHARS = 1 << 20;

/** Reads one logs body ahead of its reader, up to a bound, into one batch. */
class ContainerLogPump {
  readonly stream: ReadableStream<LogBatch>;
  readonly #client: DockerClient;
  readonly #request: ContainerLogsRequest;
  readonly #onEnd?: (how: ContainerLogsEnd, reason?: string) => void;
  readonly #abort = new AbortController();
  readonly #signal: AbortSignal;
  readonly #mapper: DockerRecordMapper;
  readonly #skip?: DockerSkip;
  #reader?: ReadableStreamDefaultReader<Uint8Array>;
  #decoder?: DockerFrameDecoder;
  #pending: LogRecord[] = [];
  #pendingChars = 0;
  #running = false;
  #finished = false;
  #failure?: { error: unknown };
  #ended = false;
  #wake?: () => void;

  constructor(
    client: DockerClient,
    request: ContainerLogsRequest,
    onEnd?: (how: ContainerLogsEnd, reason?: string) => void,
  ) {
    this.#client = client;
    this.#request = request;
    this.#onEnd = onEnd;
    this.#signal = request.signal === undefined
      ? this.#abort.signal
      : AbortSignal.any([this.#abort.signal, request.signal]);
    this.#mapper = new DockerRecordMapper(request, request.since);
    this.#skip = request.skip;
    this.stream = new ReadableStream<LogBatch>({
      pull: (controller) => this.#pull(controller),
      cancel: (reason) => this.#cancel(reason),
    }, { highWaterMark: 0 });
  }

  async #pull(controller: ReadableStreamDefaultController<LogBatch>): Promise<void> {
    for (;;) {
      if (this.#pending.length > 0) {
        controller.enqueue(this.#pending);
        this.#pending = [];
        this.#pendingChars = 0;
        this.#pump();
        return;
      }
      if (this.#failure !== undefined) throw this.#failure.error;
      if (this.#finished) {
        controller.close();
        return;
      }
      const woken = new Promise<void>((resolve) => this.#wake = resolve);
      this.#pump();
      await woken;
    }
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** Starts reading unless it is already, or the body ended, or enough is waiting. */
  #pump(): void {
    if (this.#running || this.#finished || this.#failure !== undefined) return;
    this.#running = true;
    this.#read().finally(() => {
      this.#running = false;
      this.#wakeUp();
    });
  }

  async #read(): Promise<void> {
    try {
      if (this.#reader === undefined) {
        const reader = await this.#connect();
        if (reader === undefined) return this.#end("ended");
        this.#reader = reader;
      }
      while (
        !this.#finished && this.#pending.length < READ_AHEAD_RECORDS &&
        this.#pendingChars < READ_AHEAD_CHARS
      ) {
        const { done, value } = await this.#reader.read();
        if (this.#finished) return;
        this.#add(done ? this.#decoder!.end() : this.#decoder!.decode(value));
        if (this.#decoder!.corrupt) {
          throw new Error("a frame header no daemon writes: the framing is lost");
        }
        if (done) return this.#end("ended");
        if (this.#pending.length > 0) this.#wakeUp();
      }
    } catch (error) {
      if (this.#finished) return;
      if (error instanceof UpstreamError && error.status === 404) return this.#end("not-found");
      const request = this.#request;
      // A follow that lost its connection (no answer to blame: not an HTTP
      // status) ends as a cut, after what it read: the session follows again.
      const answered = error instanceof UpstreamError && error.status !== undefined;
      if (request.follow && !answered && !request.signal?.aborted && this.#onEnd !== undefined) {
        // (A line cut in half is not passed on: the next request reads it whole.)
        this.#abort.abort();
        return this.#end("cut", (error as Error).message);
      }
      this.#abort.abort();
      this.#failure = {
        error: request.signal?.aborted
          ? request.signal.reason
          : error instanceof UpstreamError
          ? error
          : new UpstreamError(
            `Docker API: the logs of container ${request.instance} failed: ${
              (error as Error).message
            }`,
            undefined,
            { cause: error },
          ),
      };
      this.#end("cancelled");
    }
  }

  async #connect(): Promise<ReadableStreamDefaultReader<Uint8Array> | undefined> {
    const request = this.#request, client = this.#client;
    const response = await client.get(`/containers/${encodeURIComponent(request.id)}/logs`, {
      follow: request.follow ? 1 : 0,
      stdout: 1,
      stderr: 1,
      timestamps: 1,
      tail: request.tail !== undefined && request.tail > 0 ? request.tail : undefined,
      since: request.since === undefined ? undefined : client.formatInstant(request.since),
      until: request.until === undefined ? undefined : client.formatInstant(request.until),
    }, this.#signal);
    const type = response.headers.get("content-type") ?? "";
    this.#decoder = new DockerFrameDecoder({
      framing: type.startsWith(RAW_STREAM)
        ? "raw"
        : type.startsWith(MULTIPLEXED_STREAM)
        ? "multiplexed"
        : "auto",
      maxLineLength: request.maxLineLength,
      timestamps: true,
    });
    return response.body?.getReader();
  }

  #add(lines: DockerLine[]): void {
    const request = this.#request;
    for (const line of lines) {
      if (line.output === "system") {
        request.onSystemLine?.(line.text);
        continue;
      }
      const record = this.#mapper.map(line.text);
      if (this.#skip !== undefined || request.observe !== undefined) {
        const key = dockerLineKey(line.output, line.text);
        if (this.#skip?.take(key)) continue;
        request.observe?.(this.#mapper.lastSeconds, key);
      }
      if (record !== undefined) {
        this.#pending.push(record);
        this.#pendingChars += record.text.length;
      }
    }
  }

  #end(how: ContainerLogsEnd, reason?: string): void {
    this.#finished = true;
    if (this.#ended) return;
    this.#ended = true;
    this.#onEnd?.(how, reason);
  }

  async #cancel(reason: unknown): Promise<void> {
    this.#end("cancelled");
    this.#abort.abort(reason);
    await this.#reader?.cancel(reason).catch(() => {});
  }
}

/**
 * Opens the logs of one container as a pull-based stream of batches. The
 * request is sent on the first pull. Whatever arrived since the last pull
 * leaves as one batch, so a daemon that flushes every line (Podman does)
 * still yields large batches to a busy reader; at most 8192 records (or
 * 1 Mi characters) are read ahead, after which the body is not read until the
 * reader takes them, and backpressure reaches the daemon. The body's framing
 * follows its `Content-Type` when the daemon names it (Docker API 1.42+),
 * else the first byte (see the decoder).
 *
 * The stream ends when the daemon ends the body (for a follow request:
 * when the container stops), and also, quietly, when the container no
 * longer exists (404), and, given an `onEnd`, when a follow request's
 * connection breaks or cannot be made (`cut`, with the reason: the caller
 * follows again). `onEnd` says which. Other failures error the stream with
 * {@linkcode UpstreamError}. Cancelling it aborts the request.
 */
export function openContainerLogs(
  client: DockerClient,
  request: ContainerLogsRequest,
  onEnd?: (how: ContainerLogsEnd, reason?: string) => void,
): ReadableStream<LogBatch> {
  return new ContainerLogPump(client, request, onEnd).stream;
}

/**
 * The log stream of one pod's container, with the retries that make it
 * survive a container that has not started yet, restarts and cut
 * connections, without losing or repeating a line.
 *
 * @module
 */
import { defaultSetTimer, type SetTimer } from "../../async/abortable_sleep.ts";
import { Backoff } from "../../async/backoff.ts";
import type { KubernetesApi } from "./api.ts";
import { LineBatchStream } from "../../streams/line_batch_stream.ts";
import { formatTimestamp, normalizeTimestamp, parseTimestamp } from "../../time/timestamp.ts";
import type { Timestamp } from "../../time/timestamp.ts";
import type { LogBatch, LogRecord } from "../../types.ts";

/** A point to resume after: the last line's timestamp and how many lines had it. */
export interface PodLogResume {
  /** The upstream timestamp of the last line read, as the kubelet wrote it. */
  readonly timestamp: string;
  /** How many lines in a row had exactly that timestamp. */
  readonly count: number;
}

/** Options for {@linkcode KubernetesPodLogs}. */
export interface KubernetesPodLogsOptions {
  readonly api: KubernetesApi;
  readonly namespace: string;
  readonly functionName: string;
  readonly pod: string;
  readonly container: string;
  /** Keep following; otherwise one request for what is there. */
  readonly follow: boolean;
  /** `tailLines` of the first request. */
  readonly tailLines?: number;
  /** Only lines at or after this instant (filtered to the nanosecond). */
  readonly since?: Timestamp;
  /** Only lines after this point. */
  readonly resume?: PodLogResume;
  /**
   * Whether the pod is gone for good (deleted, or its phase `Succeeded` or
   * `Failed`); asked when a follow stream ends.
   */
  readonly isFinished?: () => boolean;
  /** The clock for notices, in epoch ms (default `Date.now`). */
  readonly now?: () => number;
  /** Runs a callback after a delay and returns its cancel (default `setTimeout`). */
  readonly setTimer?: SetTimer;
  /** Delays between retries (default a {@linkcode Backoff} of 250 ms to 10 s). */
  readonly backoff?: { next(): number; reset(): void };
  /** After the pod was deleted, how long an open stream may still deliver (default 5 s). */
  readonly goneGraceMs?: number;
  /** Reports retries and other events worth a line on stderr. */
  readonly onNotice?: (message: string) => void;
  /** Aborting it stops the stream as cancelling does (the reader sees it end). */
  readonly signal?: AbortSignal;
}

/** A kubelet answer that means "no logs yet, ask again later". */
const NOT_STARTED =
  /is waiting to start|ContainerCreating|PodInitializing|is not available|no logs yet|does not have a host/;

/** Kubelet timestamps (`RFC3339NanoFixed`) in UTC, with the fraction's trailing zeros trimmed. */
function toWireTimestamp(raw: string): string {
  if (raw.length === 30 && raw[19] === "." && raw[29] === "Z" && raw[10] === "T") {
    let end = 29;
    while (raw.charCodeAt(end - 1) === 48) end--;
    if (end === 20) end = 19;
    return end === 29 ? raw : raw.slice(0, end) + "Z";
  }
  return normalizeTimestamp(raw) ?? "";
}

function compare(a: Timestamp, b: Timestamp): number {
  return a.seconds - b.seconds || a.nanos - b.nanos;
}

/** The timestamp truncated to the second, in UTC: what `sinceTime` can carry. */
function sinceTimeParam(t: Timestamp): string {
  return formatTimestamp(t.seconds, 0);
}

/**
 * One pod's container log as `ReadableStream<LogBatch>`: each upstream
 * chunk becomes one batch of records (`name`, `namespace`, `instance` = the
 * pod, UTC `RFC3339Nano` timestamp, `text` without its newline). It reads
 * upstream only as its reader pulls; cancelling it aborts the request.
 *
 * Following, it asks again (after a pod change or a backoff delay) when the
 * container has not started (`204`, or `400` "waiting to start"), and when a
 * stream ends or is cut while the pod lives on (a restart): the new request
 * starts at the last line's second (`sinceTime`) and the lines already read
 * are skipped to the nanosecond. When the pod is gone (deleted, `404`, or
 * finished) the stream ends with a notice record
 * `[fnlogs] instance POD went away`.
 *
 * Errors that retrying cannot fix (401, 403, other 4xx) error the stream
 * with an `UpstreamError`; without `follow`, any error does.
 */
export class KubernetesPodLogs {
  /** The records. */
  readonly stream: ReadableStream<LogBatch>;
  readonly #o: KubernetesPodLogsOptions;
  readonly #abort = new AbortController();
  readonly #backoff: { next(): number; reset(): void };
  readonly #setTimer: (callback: () => void, delayMs: number) => () => void;
  #controller?: ReadableStreamDefaultController<LogBatch>;
  #connection?: AbortController;
  #detach?: () => void;
  #lines?: ReadableStreamDefaultReader<string[]>;
  #tailLines: number | undefined;
  #since: Timestamp | undefined;
  #resume: { at: Timestamp; skip: number } | undefined;
  #lastRaw = "";
  #lastCount = 0;
  #gone = false;
  #ended = false;
  /** The pod changed since the last request was made. */
  #changed = false;
  #wake?: () => void;
  #cancelGrace?: () => void;

  /** Prepares the stream; nothing is requested until it is read. */
  constructor(options: KubernetesPodLogsOptions) {
    this.#o = options;
    this.#tailLines = options.tailLines;
    this.#since = options.since;
    this.#backoff = options.backoff ?? new Backoff();
    this.#setTimer = options.setTimer ?? defaultSetTimer;
    if (options.resume !== undefined) this.#resumeAfter(options.resume);
    options.signal?.addEventListener("abort", () => this.#stop(), { once: true });
    this.stream = new ReadableStream<LogBatch>({
      start: (controller) => {
        this.#controller = controller;
      },
      pull: (controller) => this.#pull(controller),
      cancel: () => this.#shutdown(),
    }, { highWaterMark: 0 });
  }

  /** Where a new request would resume: after the last line read, if any. */
  get resumePoint(): PodLogResume | undefined {
    return this.#lastRaw === "" ? undefined : { timestamp: this.#lastRaw, count: this.#lastCount };
  }

  /** Whether the stream has ended (the pod went away, or it was cancelled). */
  get ended(): boolean {
    return this.#ended;
  }

  /** The pod changed: a waiting retry goes ahead now. */
  notify(): void {
    this.#changed = true;
    this.#wake?.();
  }

  /**
   * The pod was deleted. A waiting retry ends the stream at once; an open
   * stream may deliver its last lines for `goneGraceMs`, then is cut.
   */
  markGone(): void {
    if (this.#gone) return;
    this.#gone = true;
    this.#wake?.();
    this.#armGrace();
  }

  #armGrace(): void {
    const connection = this.#connection;
    if (!this.#gone || connection === undefined || this.#cancelGrace !== undefined) return;
    this.#cancelGrace = this.#setTimer(() => connection.abort(), this.#o.goneGraceMs ?? 5000);
  }

  #resumeAfter(resume: PodLogResume): void {
    const at = parseTimestamp(resume.timestamp);
    if (at === undefined) return;
    this.#resume = { at, skip: resume.count };
    this.#lastRaw = resume.timestamp;
    this.#lastCount = resume.count;
  }

  async #pull(controller: ReadableStreamDefaultController<LogBatch>): Promise<void> {
    for (;;) {
      if (this.#ended) return;
      if (this.#lines === undefined) {
        if (this.#gone) return this.#finish(controller, true);
        const outcome = await this.#connect();
        if (this.#ended) return;
        if (outcome === "end") return this.#finish(controller, this.#gone);
        if (outcome === "retry") {
          await this.#wait();
          continue;
        }
      }
      let result: ReadableStreamReadResult<string[]>;
      try {
        result = await this.#lines!.read();
      } catch (error) {
        if (this.#ended) return;
        this.#dropConnection();
        if (this.#gone) continue;
        if (!this.#o.follow) throw error;
        this.#o.onNotice?.(`logs of pod ${this.#o.pod} were cut, resuming: ${error}`);
        continue;
      }
      if (result.done) {
        this.#dropConnection();
        if (!this.#o.follow) return this.#finish(controller, false);
        if (this.#gone || this.#o.isFinished?.()) return this.#finish(controller, true);
        // The container stopped (it may restart) or the connection was cut.
        await this.#wait();
        continue;
      }
      const records = this.#toRecords(result.value);
      if (records.length > 0) {
        this.#backoff.reset();
        controller.enqueue(records);
        return;
      }
    }
  }

  async #connect(): Promise<"open" | "retry" | "end"> {
    const o = this.#o;
    this.#changed = false;
    const from = this.#resume?.at ?? this.#since;
    const connection = new AbortController();
    const abortConnection = () => connection.abort();
    this.#abort.signal.addEventListener("abort", abortConnection, { once: true });
    const path = `/api/v1/namespaces/${encodeURIComponent(o.namespace)}/pods/${
      encodeURIComponent(o.pod)
    }/log`;
    let response: Response;
    try {
      response = await o.api.get(path, {
        container: o.container,
        follow: o.follow ? "true" : undefined,
        timestamps: "true",
        tailLines: this.#tailLines === undefined ? undefined : String(this.#tailLines),
        sinceTime: from === undefined ? undefined : sinceTimeParam(from),
      }, {
        signal: connection.signal,
        headers: { "Accept": "*/*", "Accept-Encoding": "identity" },
      });
    } catch (error) {
      this.#abort.signal.removeEventListener("abort", abortConnection);
      if (this.#ended) return "end";
      if (!o.follow) throw error;
      o.onNotice?.(`${error instanceof Error ? error.message : error}; retrying`);
      return "retry";
    }
    this.#tailLines = undefined;
    if (response.status === 200 && response.body !== null) {
      this.#connection = connection;
      this.#detach = () => this.#abort.signal.removeEventListener("abort", abortConnection);
      this.#lines = response.body.pipeThrough(new TextDecoderStream())
        .pipeThrough(new LineBatchStream()).getReader();
      this.#armGrace(); // deleted while the request was on its way
      return "open";
    }
    this.#abort.signal.removeEventListener("abort", abortConnection);
    if (response.status === 200 || response.status === 204) {
      // 204: the pod has no node yet.
      await response.body?.cancel();
      return o.follow ? "retry" : "end";
    }
    if (response.status === 404) {
      await response.body?.cancel();
      this.#gone = true;
      return "end";
    }
    const status = await o.api.readStatus(response);
    if (response.status === 400 && NOT_STARTED.test(status.message)) {
      return o.follow ? "retry" : "end";
    }
    if (o.follow && response.status >= 500) {
      o.onNotice?.(`logs of pod ${o.pod}: ${response.status} ${status.message}; retrying`);
      return "retry";
    }
    return await o.api.fail(response, status);
  }

  #wait(): Promise<void> {
    if (this.#changed || this.#ended) return Promise.resolve();
    return new Promise((resolve) => {
      let cancelTimer = () => {};
      const done = () => {
        cancelTimer();
        this.#wake = undefined;
        this.#abort.signal.removeEventListener("abort", done);
        resolve();
      };
      this.#wake = done;
      this.#abort.signal.addEventListener("abort", done, { once: true });
      cancelTimer = this.#setTimer(done, this.#backoff.next());
    });
  }

  #toRecords(lines: readonly string[]): LogRecord[] {
    const { functionName: name, namespace, pod: instance } = this.#o;
    const out: LogRecord[] = [];
    for (const line of lines) {
      const space = line.indexOf(" ");
      const raw = space === -1 ? line : line.slice(0, space);
      if (this.#since !== undefined || this.#resume !== undefined) {
        const t = parseTimestamp(raw);
        if (t !== undefined && this.#skip(t)) continue;
      }
      const timestamp = toWireTimestamp(raw);
      // The resume point: the last line with a timestamp (one without cannot
      // be asked after, and would make the next request replay everything).
      if (timestamp !== "") {
        if (raw === this.#lastRaw) this.#lastCount++;
        else {
          this.#lastRaw = raw;
          this.#lastCount = 1;
        }
      }
      out.push({
        name,
        namespace,
        instance,
        timestamp,
        // A line without a timestamp keeps all of its text.
        text: timestamp === "" ? line : space === -1 ? "" : line.slice(space + 1),
      });
    }
    return out;
  }

  /** Whether a line at `t` was asked away (before `since`) or already read (resume). */
  #skip(t: Timestamp): boolean {
    const resume = this.#resume;
    if (resume !== undefined) {
      const c = compare(t, resume.at);
      if (c < 0) return true;
      if (c === 0 && resume.skip > 0) {
        resume.skip--;
        return true;
      }
      this.#resume = undefined;
    }
    if (this.#since !== undefined) {
      if (compare(t, this.#since) < 0) return true;
      // The kubelet writes in order: nothing later can be earlier.
      this.#since = undefined;
    }
    return false;
  }

  #dropConnection(): void {
    const lines = this.#lines;
    this.#lines = undefined;
    this.#connection?.abort();
    this.#connection = undefined;
    this.#detach?.();
    this.#detach = undefined;
    this.#cancelGrace?.();
    this.#cancelGrace = undefined;
    lines?.cancel().catch(() => {});
    // A new request starts after the last line passed on.
    if (this.#lastRaw !== "") {
      this.#resumeAfter({ timestamp: this.#lastRaw, count: this.#lastCount });
    }
  }

  #finish(controller: ReadableStreamDefaultController<LogBatch>, notice: boolean): void {
    this.#ended = true;
    this.#dropConnection();
    if (notice && this.#o.follow) {
      const now = (this.#o.now ?? Date.now)();
      controller.enqueue([{
        name: this.#o.functionName,
        namespace: this.#o.namespace,
        instance: this.#o.pod,
        timestamp: formatTimestamp(Math.floor(now / 1000), (now % 1000) * 1_000_000),
        text: `[fnlogs] instance ${this.#o.pod} went away`,
      }]);
    }
    controller.close();
  }

  #stop(): void {
    if (this.#ended) return;
    this.#shutdown();
    try {
      this.#controller?.close();
    } catch { /* already closed */ }
  }

  #shutdown(): void {
    this.#ended = true;
    this.#abort.abort();
    this.#wake?.();
    this.#dropConnection();
  }
}

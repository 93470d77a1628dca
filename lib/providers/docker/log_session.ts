/**
 * One `openLogs` call of the Docker provider: the history and the live logs
 * of every container of a function, merged, plus the containers that start
 * later.
 *
 * @module
 */

import type { DockerClient, DockerInstant } from "./client.ts";
import { type ContainerLogsEnd, openContainerLogs } from "./container_logs.ts";
import { DockerResumePoint, type DockerSkip } from "./resume_point.ts";
import { UpstreamError } from "../../errors.ts";
import { LineBatchStream } from "../../streams/line_batch_stream.ts";
import { LogStreamMerger } from "../../streams/merge_log_streams.ts";
import { parseTimestamp } from "../../time/timestamp.ts";
import type { LogBatch, LogQuery, LogRecord } from "../../types.ts";

/** A container of the function, as the session knows it. */
export interface SessionContainer {
  readonly id: string;
  readonly instance: string;
  readonly running: boolean;
}

/** A container that started while following; `undefined` from `accept`: not ours. */
export type AcceptStarted = (event: DockerEvent) => SessionContainer | undefined;

/** The parts of a Docker event the session reads. */
export interface DockerEvent {
  readonly Type?: string;
  readonly Action?: string;
  readonly status?: string;
  readonly id?: string;
  readonly Actor?: { readonly ID?: string; readonly Attributes?: Record<string, string> };
}

/** Everything a session needs. */
export interface DockerLogSessionInit {
  readonly client: DockerClient;
  readonly query: LogQuery;
  readonly namespace: string;
  /** The containers listed, oldest first, already filtered by instance. */
  readonly containers: readonly SessionContainer[];
  /**
   * The daemon's clock when it listed them, in ms since the epoch: history
   * and live lines are split there.
   */
  readonly listedAt: number;
  /** The event filters that select the function's containers. */
  readonly eventFilters: Readonly<Record<string, string[]>>;
  readonly accept: AcceptStarted;
  readonly reorderWindowMs?: number;
  readonly maxLineLength?: number;
  readonly onNotice?: (message: string) => void;
  readonly signal?: AbortSignal;
}

interface Tracked {
  readonly container: SessionContainer;
  readonly resume: DockerResumePoint;
  /** A logs request (or the check that precedes one) is running. */
  busy: boolean;
  /** A start event came while a request was running. */
  startSeen: boolean;
  /** Announced as running (so its stop is announced too). */
  live: boolean;
}

interface ContainerState {
  readonly Running?: boolean;
}

const MAX_HISTORY_BATCH = 4096;

function toInstant(text: string | undefined): DockerInstant | undefined {
  if (text === undefined) return undefined;
  const t = parseTimestamp(text);
  return t === undefined ? undefined : { seconds: t.seconds, nanos: t.nanos };
}

function later(a: DockerInstant | undefined, b: DockerInstant): DockerInstant {
  if (a === undefined) return b;
  return a.seconds > b.seconds || (a.seconds === b.seconds && a.nanos > b.nanos) ? a : b;
}

/** Sorts records of several containers by time, keeping each container's order. */
function lastOverall(lists: LogRecord[][], tail: number): LogRecord[] {
  const keyed: { key: number; nanos: number; list: number; index: number; record: LogRecord }[] =
    [];
  lists.forEach((records, list) =>
    records.forEach((record, index) => {
      const t = parseTimestamp(record.timestamp);
      keyed.push({ key: t?.seconds ?? -Infinity, nanos: t?.nanos ?? 0, list, index, record });
    })
  );
  keyed.sort((a, b) => a.key - b.key || a.nanos - b.nanos || a.list - b.list || a.index - b.index);
  return keyed.slice(Math.max(0, keyed.length - tail)).map((k) => k.record);
}

/**
 * Reads the logs of a function's containers as one stream of batches; see
 * {@linkcode DockerProvider} for the rules. Nothing is requested before the
 * first pull; cancelling the stream or aborting the signal aborts every
 * request at once.
 */
export class DockerLogSession {
  /** The merged records. */
  readonly stream: ReadableStream<LogBatch>;
  readonly #init: DockerLogSessionInit;
  readonly #abort = new AbortController();
  readonly #merger: LogStreamMerger;
  readonly #mergerReader: ReadableStreamDefaultReader<LogBatch>;
  readonly #tracked = new Map<string, Tracked>();
  readonly #since?: DockerInstant;
  readonly #listedAt: DockerInstant;
  #history: LogRecord[] = [];
  #started = false;
  #failure?: { error: unknown };
  #failed?: (error: unknown) => void;

  constructor(init: DockerLogSessionInit) {
    this.#init = init;
    this.#since = toInstant(init.query.since);
    const seconds = Math.floor(init.listedAt / 1000);
    this.#listedAt = { seconds, nanos: Math.round((init.listedAt - seconds * 1000) * 1e6) };
    this.#merger = new LogStreamMerger({ reorderWindowMs: init.reorderWindowMs });
    this.#mergerReader = this.#merger.stream.getReader();
    for (const container of init.containers) this.#track(container);
    init.signal?.addEventListener("abort", () => {
      const reason = init.signal!.reason;
      this.#failure ??= { error: reason };
      this.#close(reason);
    }, { once: true });
    this.stream = new ReadableStream<LogBatch>({
      pull: (controller) => this.#pull(controller),
      cancel: (reason) => this.#close(reason),
    }, { highWaterMark: 0 });
  }

  async #pull(controller: ReadableStreamDefaultController<LogBatch>): Promise<void> {
    try {
      if (!this.#started) {
        this.#started = true;
        await this.#start();
      }
      if (this.#failure !== undefined) throw this.#failure.error;
      if (this.#history.length > 0) {
        controller.enqueue(this.#history.splice(0, MAX_HISTORY_BATCH));
        return;
      }
      const failed = new Promise<never>((_, reject) => this.#failed = reject);
      try {
        const { done, value } = await Promise.race([this.#mergerReader.read(), failed]);
        if (done) {
          controller.close();
          this.#abort.abort();
        } else {
          controller.enqueue(value);
        }
      } finally {
        this.#failed = undefined;
      }
    } catch (error) {
      // Whatever failed, nothing of this session may keep running.
      this.#fail(error);
      throw error;
    }
  }

  /** Reads the history (for `tail`) and opens the containers' requests. */
  async #start(): Promise<void> {
    const { query } = this.#init;
    const tail = query.tail !== undefined && query.tail > 0 ? query.tail : undefined;
    const until = query.follow ? this.#listedAt : undefined;
    if (query.follow) this.#watch();
    const all = [...this.#tracked.values()];
    if (tail !== undefined) {
      const lists = await Promise.all(all.map(async (t) => {
        t.busy = true;
        const records = await Array.fromAsync(
          this.#open(t, { follow: false, tail, since: this.#since, until }),
        );
        return records.flat();
      }));
      this.#history = lastOverall(lists, tail);
      for (const t of all) {
        if (until !== undefined) t.resume.coverUntil(until);
        t.busy = false;
      }
    }
    for (const t of all) {
      if (t.busy) continue;
      if (query.follow && t.container.running) {
        this.#follow(t, false);
      } else if (tail !== undefined) {
        // It started while its history was read: look at it now.
        if (t.startSeen) this.#check(t);
      } else {
        t.busy = true;
        this.#merger.add(this.#open(t, { follow: false, since: this.#since, until }, (how) => {
          if (until !== undefined && how === "ended") t.resume.coverUntil(until);
          this.#ended(t, how);
        }));
      }
    }
    if (!query.follow) this.#merger.closeWhenDrained();
  }

  #track(container: SessionContainer): Tracked {
    const t: Tracked = {
      container,
      resume: new DockerResumePoint(this.#since),
      busy: false,
      startSeen: false,
      live: false,
    };
    this.#tracked.set(container.id, t);
    return t;
  }

  #open(
    t: Tracked,
    request: { follow: boolean; tail?: number; since?: DockerInstant; until?: DockerInstant },
    onEnd?: (how: ContainerLogsEnd) => void,
    options: { skip?: DockerSkip; announce?: boolean } = {},
  ): ReadableStream<LogBatch> {
    const { client, query, namespace, maxLineLength } = this.#init;
    const { id, instance } = t.container;
    const observe = (second: number, key: number) => {
      t.resume.observe(second, key);
      if (options.announce && !t.live) this.#announce(t, "started");
    };
    return openContainerLogs(client, {
      ...request,
      id,
      name: query.name,
      namespace,
      instance,
      skip: options.skip,
      observe: request.tail === undefined ? observe : undefined,
      maxLineLength,
      signal: this.#abort.signal,
      onSystemLine: (text) => this.#init.onNotice?.(`Container ${instance}: ${text}`),
    }, onEnd);
  }

  /** Says that a container started, restarted or stopped, and keeps track of which. */
  #announce(t: Tracked, what: "started" | "restarted" | "stopped" | "went away"): void {
    t.live = what === "started" || what === "restarted";
    this.#init.onNotice?.(`Container ${t.container.instance} ${what}`);
  }

  /** Follows a container from where its log was left. */
  #follow(t: Tracked, announce: boolean): void {
    t.busy = true;
    t.startSeen = false;
    if (announce) this.#announce(t, t.live ? "restarted" : "started");
    t.live = true;
    const { since, skip } = t.resume.next();
    this.#merger.add(
      this.#open(t, { follow: true, since }, (how) => this.#ended(t, how), { skip }),
    );
  }

  /** Reads, without following, what a run that already stopped wrote. */
  #catchUp(t: Tracked): void {
    t.busy = true;
    const { since, skip } = t.resume.next();
    this.#merger.add(
      this.#open(t, { follow: false, since }, (how) => this.#ended(t, how), {
        skip,
        announce: true,
      }),
    );
  }

  /** A container's request ended: it stopped, went away, or started again. */
  #ended(t: Tracked, how: ContainerLogsEnd): void {
    if (how === "cancelled" || this.#abort.signal.aborted) return;
    if (!this.#init.query.follow) {
      t.busy = false;
      return;
    }
    if (how === "not-found") {
      t.busy = false;
      this.#announce(t, "went away");
      return;
    }
    // A follow request ends when the container stops. If it started again
    // meanwhile (its start event came while the request ran), look at its
    // state; otherwise its next start event will.
    if (t.startSeen) {
      t.startSeen = false;
      this.#check(t);
      return;
    }
    t.busy = false;
    if (t.live) this.#announce(t, "stopped");
  }

  /**
   * After a start event: follows the container if it runs; if it already
   * stopped again (a short run, or a reader that was slow to take the end of
   * the previous request), reads what that run wrote without following.
   */
  #check(t: Tracked): void {
    t.busy = true;
    const { id } = t.container;
    this.#init.client.getJson<{ State?: ContainerState }>(
      `/containers/${encodeURIComponent(id)}/json`,
      {},
      this.#abort.signal,
    ).then(({ value }) => {
      if (this.#abort.signal.aborted) return;
      if (value.State?.Running === true) {
        this.#follow(t, true);
        return;
      }
      if (t.live) this.#announce(t, "stopped");
      this.#catchUp(t);
    }, (error: unknown) => {
      if (this.#abort.signal.aborted) return;
      t.busy = false;
      if (error instanceof UpstreamError && error.status === 404) {
        this.#announce(t, "went away");
        return;
      }
      this.#fail(error);
    });
  }

  /** Watches the daemon's events for containers of the function that start. */
  #watch(): void {
    const { client, eventFilters, accept } = this.#init;
    const signal = this.#abort.signal;
    // Events since a second before the listing are replayed, so that a
    // container that started around it is not missed; a start seen twice
    // is harmless (the state is checked before following).
    const since = this.#listedAt.seconds - 1;
    (async () => {
      const response = await client.get("/events", { since, filters: eventFilters }, signal);
      const lines = response.body!
        .pipeThrough(new TextDecoderStream())
        .pipeThrough(new LineBatchStream());
      for await (const batch of lines) {
        for (const line of batch) {
          if (line.trim() === "") continue;
          const event = JSON.parse(line) as DockerEvent;
          if (event.Type !== undefined && event.Type !== "container") continue;
          if ((event.Action ?? event.status) !== "start") continue;
          const id = event.Actor?.ID ?? event.id;
          if (id === undefined) continue;
          let t = this.#tracked.get(id);
          if (t === undefined) {
            const container = accept(event);
            if (container === undefined) continue;
            t = this.#track(container);
            t.resume.coverUntil(later(this.#since, this.#listedAt));
          }
          if (t.busy) t.startSeen = true;
          else this.#check(t);
        }
      }
      throw new UpstreamError("The Docker events stream ended");
    })().catch((error: unknown) => {
      if (signal.aborted) return;
      this.#fail(
        error instanceof UpstreamError
          ? error
          : new UpstreamError(`The Docker events stream failed: ${(error as Error).message}`, 0, {
            cause: error,
          }),
      );
    });
  }

  #fail(error: unknown): void {
    if (this.#failure !== undefined || this.#abort.signal.aborted) return;
    this.#failure = { error };
    this.#failed?.(error);
    this.#abort.abort(error);
    this.#mergerReader.cancel(error).catch(() => {});
  }

  async #close(reason: unknown): Promise<void> {
    if (this.#abort.signal.aborted) return;
    this.#abort.abort(reason);
    this.#failed?.(reason);
    await this.#mergerReader.cancel(reason).catch(() => {});
  }
}

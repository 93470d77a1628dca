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
import { describeError, UpstreamError } from "../../errors.ts";
import { Backoff } from "../../async/backoff.ts";
import { abortableSleep } from "../../async/abortable_sleep.ts";
import { InstanceFanIn } from "../fan_in.ts";
import { lastAcrossInstances } from "../last_across_instances.ts";
import { LineBatchStream } from "../../streams/line_batch_stream.ts";
import { parseTimestamp } from "../../time/timestamp.ts";
import type { LogBatch, LogQuery, LogRecord } from "../../types.ts";

/** An events stream up this long was healthy: its end starts the backoff over. */
const HEALTHY_EVENTS_MS = 10_000;

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
  /** When it happened, in seconds since the epoch. */
  readonly time?: number;
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
  /** Delays before following again after cuts (reset once lines come). */
  readonly backoff: Backoff;
}

interface ContainerState {
  readonly Running?: boolean;
}

function toInstant(text: string | undefined): DockerInstant | undefined {
  if (text === undefined) return undefined;
  const t = parseTimestamp(text);
  return t === undefined ? undefined : { seconds: t.seconds, nanos: t.nanos };
}

function later(a: DockerInstant | undefined, b: DockerInstant): DockerInstant {
  if (a === undefined) return b;
  return a.seconds > b.seconds || (a.seconds === b.seconds && a.nanos > b.nanos) ? a : b;
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
  readonly #fanIn: InstanceFanIn;
  readonly #tracked = new Map<string, Tracked>();
  readonly #since?: DockerInstant;
  readonly #listedAt: DockerInstant;

  constructor(init: DockerLogSessionInit) {
    this.#init = init;
    this.#since = toInstant(init.query.since);
    const seconds = Math.floor(init.listedAt / 1000);
    this.#listedAt = { seconds, nanos: Math.round((init.listedAt - seconds * 1000) * 1e6) };
    for (const container of init.containers) this.#track(container);
    this.#fanIn = new InstanceFanIn({
      // A history's sources all end: merged exactly, whichever answers first.
      reorderWindowMs: init.query.follow ? init.reorderWindowMs : Infinity,
      signal: init.signal,
      start: () => this.#start(),
    });
    this.stream = this.#fanIn.stream;
  }

  /** Aborted once the session stopped: every request takes it. */
  get #stopped(): AbortSignal {
    return this.#fanIn.signal;
  }

  /** Reads the history (for `tail`) and opens the containers' requests. */
  async #start(): Promise<LogRecord[]> {
    const { query } = this.#init;
    const tail = query.tail !== undefined && query.tail > 0 ? query.tail : undefined;
    const until = query.follow ? this.#listedAt : undefined;
    if (query.follow) this.#watch();
    const all = [...this.#tracked.values()];
    let history: LogRecord[] = [];
    if (tail !== undefined) {
      const lists = await Promise.all(all.map(async (t) => {
        t.busy = true;
        const records = await Array.fromAsync(
          this.#open(t, { follow: false, tail, since: this.#since, until }),
        );
        return records.flat();
      }));
      history = lastAcrossInstances(lists, tail);
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
        this.#fanIn.add(this.#open(t, { follow: false, since: this.#since, until }, (how) => {
          if (until !== undefined && how === "ended") t.resume.coverUntil(until);
          this.#caughtUp(t, how);
        }));
      }
    }
    if (!query.follow) this.#fanIn.closeWhenDrained();
    return history;
  }

  #track(container: SessionContainer): Tracked {
    const t: Tracked = {
      container,
      resume: new DockerResumePoint(this.#since),
      busy: false,
      startSeen: false,
      live: false,
      backoff: new Backoff({ initialMs: 100, capMs: 5_000 }),
    };
    this.#tracked.set(container.id, t);
    return t;
  }

  #open(
    t: Tracked,
    request: { follow: boolean; tail?: number; since?: DockerInstant; until?: DockerInstant },
    onEnd?: (how: ContainerLogsEnd, reason?: string) => void,
    options: { skip?: DockerSkip; announce?: boolean } = {},
  ): ReadableStream<LogBatch> {
    const { client, query, namespace, maxLineLength } = this.#init;
    const { id, instance } = t.container;
    const observe = (second: number, key: number) => {
      t.resume.observe(second, key);
      t.backoff.reset();
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
      signal: this.#stopped,
      onSystemLine: (text) => this.#init.onNotice?.(`Container ${instance}: ${text}`),
    }, onEnd);
  }

  /** Says that a container started, restarted or stopped, and keeps track of which. */
  #announce(t: Tracked, what: "started" | "restarted" | "stopped" | "went away"): void {
    t.live = what === "started" || what === "restarted";
    // Removed: forgotten (a function whose containers are replaced often would pile them up).
    if (what === "went away") this.#tracked.delete(t.container.id);
    this.#init.onNotice?.(`Container ${t.container.instance} ${what}`);
  }

  /** Follows a container from where its log was left. */
  #follow(t: Tracked, announce: boolean): void {
    t.busy = true;
    t.startSeen = false;
    if (announce) this.#announce(t, t.live ? "restarted" : "started");
    t.live = true;
    const { since, skip } = t.resume.next();
    this.#fanIn.add(
      this.#open(t, { follow: true, since }, (how, reason) => this.#ended(t, how, reason), {
        skip,
      }),
    );
  }

  /** Reads, without following, what a run that already stopped wrote. */
  #catchUp(t: Tracked): void {
    t.busy = true;
    const { since, skip } = t.resume.next();
    this.#fanIn.add(
      this.#open(t, { follow: false, since }, (how) => this.#caughtUp(t, how), {
        skip,
        announce: true,
      }),
    );
  }

  /**
   * A read of a run that already stopped ended: said stopped if its start
   * was said (a short run seen only by this read), then nothing more until
   * the container's next start.
   */
  #caughtUp(t: Tracked, how: ContainerLogsEnd): void {
    if (how === "cancelled" || this.#stopped.aborted) return;
    t.busy = false;
    if (!this.#init.query.follow) return;
    if (how === "not-found") return this.#announce(t, "went away");
    if (t.startSeen) {
      t.startSeen = false;
      this.#check(t);
    } else if (t.live) {
      this.#announce(t, "stopped");
    }
  }

  /** Looks at the container again after a backoff delay (a cut, a daemon away). */
  #checkLater(t: Tracked, why: string): void {
    t.busy = true;
    const delay = t.backoff.next();
    this.#init.onNotice?.(
      `Container ${t.container.instance}: ${why}; following again in ${delay} ms`,
    );
    abortableSleep(delay, this.#stopped).then(() => {
      if (!this.#stopped.aborted) this.#check(t);
    });
  }

  /** A container's follow request ended: it stopped, went away, was cut, or started again. */
  #ended(t: Tracked, how: ContainerLogsEnd, reason?: string): void {
    if (how === "cancelled" || this.#stopped.aborted) return;
    if (how === "not-found") {
      t.busy = false;
      this.#announce(t, "went away");
      return;
    }
    if (how === "cut") return this.#checkLater(t, `the logs connection broke (${reason})`);
    // A follow request ends when the container stops, but also when the
    // daemon lets it go (a restart with live-restore): its state says which,
    // and it is followed again if it runs, or what its run wrote is read.
    t.startSeen = false;
    this.#check(t);
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
      this.#stopped,
    ).then(({ value }) => {
      if (this.#stopped.aborted) return;
      if (value.State?.Running === true) {
        this.#follow(t, true);
        return;
      }
      if (t.live) this.#announce(t, "stopped");
      this.#catchUp(t);
    }, (error: unknown) => {
      if (this.#stopped.aborted) return;
      t.busy = false;
      if (error instanceof UpstreamError && error.status === 404) {
        this.#announce(t, "went away");
        return;
      }
      // No answer at all (the daemon restarting): ask again; an answer that refuses fails.
      if (!(error instanceof UpstreamError) || error.status === undefined) {
        return this.#checkLater(t, `the daemon did not answer (${describeError(error)})`);
      }
      this.#fanIn.fail(error);
    });
  }

  /**
   * Watches the daemon's events for containers of the function that start.
   * An events stream that ends (the daemon restarted, a proxy cut it) is
   * opened again from a second before the last event seen, after a short
   * backoff; a malformed event line is skipped. Only an answer that is not
   * 200 (the client's `UpstreamError`) fails the session.
   */
  #watch(): void {
    const { client, eventFilters, accept, onNotice } = this.#init;
    const signal = this.#stopped;
    // Events since a second before the listing are replayed, so that a
    // container that started around it is not missed; a start seen twice
    // is harmless (the state is checked before following).
    let since = this.#listedAt.seconds - 1;
    const onEvent = (event: DockerEvent) => {
      if (typeof event.time === "number") since = Math.max(since, event.time - 1);
      if (event.Type !== undefined && event.Type !== "container") return;
      if ((event.Action ?? event.status) !== "start") return;
      const id = event.Actor?.ID ?? event.id;
      if (id === undefined) return;
      let t = this.#tracked.get(id);
      if (t === undefined) {
        const container = accept(event);
        if (container === undefined) return;
        t = this.#track(container);
        t.resume.coverUntil(later(this.#since, this.#listedAt));
      }
      if (t.busy) t.startSeen = true;
      else this.#check(t);
    };
    (async () => {
      const backoff = new Backoff({ initialMs: 100, capMs: 5_000 });
      for (;;) {
        // What the daemon replays (events from a second before the last one
        // seen) is not news: only a later event, or a stream that stayed up
        // a while, shows it healthy again and starts the backoff over.
        const from = since;
        const opened = performance.now();
        let fresh = false;
        let ended: string;
        try {
          const response = await client.get("/events", { since, filters: eventFilters }, signal);
          const lines = response.body!
            .pipeThrough(new TextDecoderStream())
            .pipeThrough(new LineBatchStream());
          for await (const batch of lines) {
            for (const line of batch) {
              if (line.trim() === "") continue;
              let event: DockerEvent;
              try {
                event = JSON.parse(line) as DockerEvent;
              } catch {
                continue; // Not an event: skipped.
              }
              if (typeof event.time === "number" && event.time > from + 1) fresh = true;
              onEvent(event);
            }
          }
          if (signal.aborted) return;
          ended = "ended";
        } catch (error) {
          // A refusal (an answer that is not 200) fails; no answer (the daemon away) is waited out.
          if (signal.aborted || (error instanceof UpstreamError && error.status !== undefined)) {
            throw error;
          }
          ended = `failed (${(error as Error).message})`;
        }
        if (fresh || performance.now() - opened >= HEALTHY_EVENTS_MS) backoff.reset();
        const delay = backoff.next();
        onNotice?.(
          `The Docker events stream ${ended}; watching again in ${delay} ms (attempt ${backoff.attempt})`,
        );
        await abortableSleep(delay, signal);
        if (signal.aborted) return;
      }
    })().catch((error: unknown) => {
      if (signal.aborted) return;
      this.#fanIn.fail(
        error instanceof UpstreamError
          ? error
          : new UpstreamError(`The Docker events stream failed: ${(error as Error).message}`, 0, {
            cause: error,
          }),
      );
    });
  }
}

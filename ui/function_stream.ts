/**
 * Follows one function over `EventSource` on the log API's event stream.
 *
 * The browser reconnects by itself after a cut and sends `Last-Event-ID`, so
 * the server resumes exactly after the last line received; its `hello` says
 * whether it knew that id. When it did not (a server restarted without
 * `--data-dir`), or no line carried an id (providers without cursors:
 * Docker, Kubernetes), a reconnect would ask the first request again (its
 * `tail`), so this closes it and starts from the last line's time instead,
 * dropping the repeats. When the
 * `EventSource` gives up (an HTTP error, a wrong media type), this asks the
 * same URL once with `fetch` to learn why: a sign-in, a namespace or function
 * the server refuses, a proxy that relabels the stream (an OpenFaaS gateway
 * answers `text/plain`, which browsers refuse), or a passing failure, after
 * which it starts a new `EventSource` from the last line's time (a new
 * `EventSource` cannot send `Last-Event-ID`) and drops the repeats.
 *
 * @module
 */
import { OverlapFilter } from "./overlap_filter.ts";
import { timestampKey } from "./timestamp_key.ts";
import type { WireMessage } from "./log_entry.ts";

/** Where a stream stands. */
export type StreamState =
  | { readonly kind: "connecting" }
  | {
    readonly kind: "live";
    readonly resumed: "no" | "exactly" | "by time";
    /** When it went live (epoch ms). */
    readonly at: number;
  }
  | { readonly kind: "reconnecting"; readonly attempt: number }
  | {
    readonly kind: "failed";
    readonly message: string;
    /** When it tries again by itself (epoch ms), if it does. */
    readonly retryAt?: number;
    /** The server wants credentials. */
    readonly signIn?: boolean;
  };

/** What the stream reports. */
export interface StreamHandlers {
  /**
   * A log line, or a `gap` notice (its `missed` says how many lines were
   * lost), with its `timestampKey`.
   */
  onMessage(message: WireMessage, kind: "line" | "gap", key: string): void;
  /** Something the reader should see in the log itself (a cut, a resume). */
  onNotice(text: string): void;
  onState(state: StreamState): void;
}

/** What the stream is told to open. */
export interface StreamOptions {
  /** The first request (history, then follow). */
  readonly url: URL;
  /** The request that starts at a line's time, for a resume by time. */
  readonly resumeUrl: (timestamp: string) => URL;
  /** Longest wait between tries after a failure (default 30 s). */
  readonly maxRetryMs?: number;
  /**
   * How long a connection may stay unopened before the page asks why (default
   * 5 s). A `text/plain` answer (from a gateway) that is still short is held
   * by the browser while it sniffs the content, so no error ever comes.
   */
  readonly slowOpenMs?: number;
}

const EVENT_STREAM = /^text\/event-stream\b/i;

/** How long to wait before asking again after a cut (the server's `retry:`). */
const RECONNECT_MS = 1000;

/** The answer of the one-off request made when an `EventSource` gives up. */
type Diagnosis =
  | { readonly retry: true; readonly message: string }
  | {
    readonly retry: false;
    readonly message: string;
    readonly signIn?: boolean;
  };

async function diagnose(url: URL): Promise<Diagnosis> {
  const probe = new URL(url);
  probe.searchParams.set("follow", "false");
  probe.searchParams.set("tail", "1");
  probe.searchParams.delete("since");
  let response: Response;
  try {
    response = await fetch(probe, {
      headers: { accept: "text/event-stream" },
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    return {
      retry: true,
      message: `cannot reach the server (${(error as Error).message})`,
    };
  }
  const type = response.headers.get("content-type") ?? "";
  const body = response.ok ? "" : (await response.text()).trim().slice(0, 300);
  await response.body?.cancel().catch(() => {});
  if (response.ok && !EVENT_STREAM.test(type)) {
    return {
      retry: false,
      message: `the log stream arrived as "${type || "no media type"}", not ` +
        `"text/event-stream", and browsers refuse that. A proxy between this page and ` +
        `fnlogs relabels it: an OpenFaaS gateway does. Open the page on fnlogs serve ` +
        `itself, or route /system/logs to it (see the README, "The web page behind a ` +
        `proxy or gateway").`,
    };
  }
  if (response.ok) {
    return { retry: true, message: "the stream was refused, then answered" };
  }
  if (response.status === 401) {
    return { retry: false, message: "sign-in needed", signIn: true };
  }
  const reason = `${response.status}${body === "" ? "" : `: ${body}`}`;
  if ([403, 404, 405, 414, 422, 431].includes(response.status)) {
    return {
      retry: false,
      message: `the server refused the stream (${reason})`,
    };
  }
  return { retry: true, message: `the server answered ${reason}` };
}

/** Follows one function until `close()`. */
export class FunctionStream {
  readonly #options: StreamOptions;
  readonly #handlers: StreamHandlers;
  readonly #overlap = new OverlapFilter();
  #source: EventSource | undefined;
  #closed = false;
  #attempt = 0;
  #failures = 0;
  #lastTimestamp: string | undefined;
  #lastId = "";
  #ended = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #slowTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: StreamOptions, handlers: StreamHandlers) {
    this.#options = options;
    this.#handlers = handlers;
    this.#open(options.url, "no");
  }

  /** Stops following. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#slowTimer);
    this.#source?.close();
    this.#source = undefined;
  }

  /** Tries again now after a failure (the page's Retry button, or after a sign-in). */
  retry(): void {
    if (this.#closed || this.#source?.readyState === EventSource.OPEN) return;
    clearTimeout(this.#retryTimer);
    this.#reopen();
  }

  #open(url: URL, resumedAs: "no" | "by time"): void {
    this.#handlers.onState({ kind: "connecting" });
    const source = new EventSource(url);
    this.#source = source;
    this.#watchOpening(source, url);
    // The browser's own reconnect (with Last-Event-ID): the hello says how it resumed.
    let awaitingHello = false;
    const live = (resumed: "no" | "exactly" | "by time") =>
      this.#handlers.onState({ kind: "live", resumed, at: Date.now() });
    source.addEventListener("open", () => {
      clearTimeout(this.#slowTimer);
      const reconnected = this.#attempt > 0;
      this.#attempt = 0;
      this.#failures = 0;
      this.#ended = false;
      if (reconnected && resumedAs === "no") {
        awaitingHello = true;
        return;
      }
      if (reconnected) {
        this.#handlers.onNotice("reconnected: resumed from the last line's time");
      }
      live(resumedAs);
    });
    source.addEventListener("hello", (event) => {
      if (!awaitingHello || source !== this.#source) return;
      awaitingHello = false;
      let resume: unknown;
      try {
        resume = JSON.parse((event as MessageEvent).data).resume;
      } catch {
        resume = undefined;
      }
      if (resume === "cursor") {
        this.#overlap.disarm();
        this.#handlers.onNotice("reconnected: resumed after the last line received");
        live("exactly");
      } else if (this.#lastTimestamp !== undefined) {
        // The server did not know the last id: it answered the first request
        // again. Start from the last line's time instead.
        this.#handlers.onNotice("the server did not know the last line's id");
        this.#reopen();
      } else {
        live("no"); // Nothing arrived yet: the first request is the right one.
      }
    });
    source.addEventListener("message", (event) => {
      if (awaitingHello) {
        // No hello (not fnlogs' event stream): count it a resume by time.
        awaitingHello = false;
        this.#handlers.onNotice("reconnected: resumed from the last line's time");
        live("by time");
      }
      this.#onData(event, "line");
    });
    source.addEventListener(
      "gap",
      (event) => this.#onData(event as MessageEvent, "gap"),
    );
    source.addEventListener("end", () => {
      // Ended on purpose (the server's --max-stream-duration): the browser asks again.
      this.#ended = true;
      this.#handlers.onNotice("the server ended the stream; following again");
    });
    source.addEventListener("error", () => {
      if (this.#closed || source !== this.#source) return;
      if (source.readyState === EventSource.CONNECTING) {
        if (this.#attempt === 0 && !this.#ended) {
          this.#handlers.onNotice("connection lost");
        }
        this.#attempt++;
        this.#handlers.onState({
          kind: "reconnecting",
          attempt: this.#attempt,
        });
        this.#overlap.arm();
        if (this.#lastId === "" && this.#lastTimestamp !== undefined) {
          // No line had an id: the browser would ask the first request again
          // (its tail) and lose what came meanwhile. Ask from the last line's
          // time, after the server's retry delay.
          source.close();
          clearTimeout(this.#slowTimer);
          this.#retryTimer = setTimeout(() => this.#reopen(), RECONNECT_MS);
          return;
        }
        this.#watchOpening(source, url);
        return;
      }
      // CLOSED: the browser gave up; find out why.
      clearTimeout(this.#slowTimer);
      source.close();
      this.#attempt++;
      void this.#afterFailure(url);
    });
  }

  #onData(event: MessageEvent, kind: "line" | "gap"): void {
    let message: WireMessage;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    if (event.lastEventId !== "") this.#lastId = event.lastEventId;
    const key = timestampKey(message.timestamp);
    if (kind === "line") {
      if (!this.#overlap.accept({ instance: message.instance, key, text: message.text })) return;
      this.#lastTimestamp = message.timestamp;
    }
    this.#handlers.onMessage(message, kind, key);
  }

  /** Asks why if `source` has not opened within `slowOpenMs`; gives up on a lasting refusal. */
  #watchOpening(source: EventSource, url: URL): void {
    clearTimeout(this.#slowTimer);
    this.#slowTimer = setTimeout(async () => {
      const opening = () => source === this.#source && source.readyState === EventSource.CONNECTING;
      if (!opening()) return;
      const diagnosis = await diagnose(url);
      // A passing failure (a server restarting) is the browser's to retry.
      if (!opening() || this.#closed || diagnosis.retry) return;
      source.close();
      this.#handlers.onState({
        kind: "failed",
        message: diagnosis.message,
        ...(diagnosis.signIn ? { signIn: true } : {}),
      });
    }, this.#options.slowOpenMs ?? 5_000);
  }

  async #afterFailure(url: URL): Promise<void> {
    const diagnosis = await diagnose(url);
    if (this.#closed) return;
    if (!diagnosis.retry) {
      this.#handlers.onState({
        kind: "failed",
        message: diagnosis.message,
        ...(diagnosis.signIn ? { signIn: true } : {}),
      });
      return;
    }
    const cap = this.#options.maxRetryMs ?? 30_000;
    const delay = Math.min(cap, 1000 * 2 ** this.#failures++) *
      (0.5 + Math.random() / 2);
    this.#handlers.onState({
      kind: "failed",
      message: diagnosis.message,
      retryAt: Date.now() + delay,
    });
    this.#retryTimer = setTimeout(() => this.#reopen(), delay);
  }

  #reopen(): void {
    if (this.#closed) return;
    this.#source?.close();
    this.#overlap.arm();
    if (this.#lastTimestamp === undefined) this.#open(this.#options.url, "no");
    else this.#open(this.#options.resumeUrl(this.#lastTimestamp), "by time");
  }
}

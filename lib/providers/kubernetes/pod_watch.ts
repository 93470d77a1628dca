/**
 * A watch on the pods of one function that survives the API server ending
 * watches, cut connections and expired resource versions.
 *
 * @module
 */
import { abortableSleep, defaultSetTimer, type SetTimer } from "../../async/abortable_sleep.ts";
import { Backoff } from "../../async/backoff.ts";
import type { KubeList, KubePod, KubernetesApi } from "./api.ts";
import { LineBatchStream } from "../../streams/line_batch_stream.ts";
import { describeError, UpstreamError } from "../../errors.ts";

/** A change to one pod. */
export interface PodEvent {
  readonly type: "ADDED" | "MODIFIED" | "DELETED";
  readonly pod: KubePod;
}

/** Options for {@linkcode watchPods}. */
export interface WatchPodsOptions {
  readonly api: KubernetesApi;
  readonly namespace: string;
  /** For example `faas_function=env`. */
  readonly labelSelector: string;
  /** The `metadata.resourceVersion` of the list the caller started from. */
  readonly resourceVersion: string;
  /** Aborting it ends the watch and its request. */
  readonly signal: AbortSignal;
  /** Each `ADDED`, `MODIFIED` or `DELETED` event, in order. */
  readonly onEvent: (event: PodEvent) => void;
  /** After the resource version expired (410 Gone): every pod that exists now. */
  readonly onRelist: (pods: readonly KubePod[]) => void;
  /** Reports reconnects worth a line on stderr. */
  readonly onNotice?: (message: string) => void;
  /**
   * Each line that is not a watch event (not JSON, or a pod event without a
   * pod name), with a reason and its first 80 characters; the line is
   * skipped and the watch goes on. Default: a notice through `onNotice`.
   */
  readonly onSkip?: (reason: string, sample: string) => void;
  /** Delays between reconnects after errors (default 250 ms to 10 s). */
  readonly backoff?: { next(): number; reset(): void };
  /** Runs a callback after a delay and returns its cancel (default `setTimeout`). */
  readonly setTimer?: SetTimer;
}

interface WatchEvent {
  readonly type?: string;
  readonly object?: {
    readonly code?: number;
    readonly message?: string;
    readonly metadata?: { readonly resourceVersion?: string };
  };
}

/** A watch line as an event, or `undefined` when it is not one that can be used. */
function parseEvent(line: string): WatchEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObject(value) || typeof value.type !== "string") return undefined;
  const object = value.object;
  if (object !== undefined && !isObject(object)) return undefined;
  const metadata = object?.metadata;
  if (metadata !== undefined && !isObject(metadata)) return undefined;
  const version = metadata?.resourceVersion;
  if (version !== undefined && typeof version !== "string") return undefined;
  const type = value.type;
  const podEvent = type === "ADDED" || type === "MODIFIED" || type === "DELETED";
  if (podEvent && typeof metadata?.name !== "string") return undefined;
  return value as WatchEvent;
}

/** Whether a failed request is worth another try: no answer, 408, 429 or 5xx. */
function retryable(error: unknown): boolean {
  if (!(error instanceof UpstreamError) || error.status === undefined) return true;
  return error.status === 408 || error.status === 429 || error.status >= 500;
}

/**
 * The longest watch line read whole. An API object is at most about 1.5 MiB
 * (etcd's request limit), so no event is cut; a longer line is not an event.
 */
const MAX_EVENT_LENGTH = 8 * 1024 * 1024;

/**
 * How long the server keeps one watch open (`timeoutSeconds`), spread
 * between 5 and 10 minutes as client-go does: a connection that died
 * without a FIN (a NAT forgetting it) is replaced in that time at worst.
 */
function watchTimeoutSeconds(): string {
  return String(300 + Math.floor(Math.random() * 300));
}

/**
 * Watches `GET /api/v1/namespaces/NS/pods?labelSelector=...&watch=1
 * &resourceVersion=RV&allowWatchBookmarks=true` (one JSON event per line)
 * until `signal` aborts. A watch the server ends is resumed from the last
 * resource version seen (bookmarks included); the server ends each watch
 * after 5 to 10 minutes (`timeoutSeconds`); one cut or refused with 5xx is
 * resumed after a backoff delay; an expired resource version (`410`, as the
 * HTTP status or as an `ERROR` event) leads to a new list passed to
 * `onRelist` (asked again while it fails for a moment), then a watch from its
 * version. A line that is not a usable event is skipped and reported to
 * `onSkip` (lines up to 8 MiB are read whole, so no pod's event is cut into
 * one). 401, 403 and other 4xx reject the returned promise with an
 * `UpstreamError`; an abort resolves it.
 */
export async function watchPods(options: WatchPodsOptions): Promise<void> {
  const { api, signal, labelSelector } = options;
  const backoff = options.backoff ?? new Backoff();
  const setTimer = options.setTimer ?? defaultSetTimer;
  const onSkip = options.onSkip ??
    ((reason: string, sample: string) =>
      options.onNotice?.(`pod watch: skipped a line (${reason}): ${sample}`));
  const path = `/api/v1/namespaces/${encodeURIComponent(options.namespace)}/pods`;
  let resourceVersion = options.resourceVersion;

  // A list that fails for a moment (a cut, a 5xx, an API server restarting)
  // is asked again; only a refusal (401, 403, another 4xx) ends the watch.
  const relist = async () => {
    for (;;) {
      let list: KubeList<KubePod>;
      try {
        list = await api.getJson<KubeList<KubePod>>(path, { labelSelector }, signal);
      } catch (error) {
        if (signal.aborted || !retryable(error)) throw error;
        options.onNotice?.(
          `pod watch: listing pods again failed (${describeError(error)}); trying again`,
        );
        await abortableSleep(backoff.next(), signal, setTimer);
        if (signal.aborted) return;
        continue;
      }
      options.onRelist(list.items);
      resourceVersion = list.metadata.resourceVersion ?? "";
      return;
    }
  };

  try {
    await watchLoop();
  } catch (error) {
    if (!signal.aborted) throw error;
  }

  async function watchLoop(): Promise<void> {
    while (!signal.aborted) {
      let response: Response;
      try {
        response = await api.get(path, {
          labelSelector,
          watch: "1",
          resourceVersion,
          allowWatchBookmarks: "true",
          timeoutSeconds: watchTimeoutSeconds(),
        }, { signal });
      } catch (error) {
        if (signal.aborted) return;
        options.onNotice?.(`pod watch: ${error instanceof Error ? error.message : error}`);
        await abortableSleep(backoff.next(), signal, setTimer);
        continue;
      }
      if (response.status === 410) {
        await response.body?.cancel();
        await relist();
        continue;
      }
      if (!response.ok || response.body === null) {
        if (response.status >= 500) {
          const status = await api.readStatus(response);
          options.onNotice?.(`pod watch: ${response.status} ${status.message}`);
          await abortableSleep(backoff.next(), signal, setTimer);
          continue;
        }
        await api.fail(response);
      }
      const lines = response.body!.pipeThrough(new TextDecoderStream())
        .pipeThrough(new LineBatchStream({ maxLineLength: MAX_EVENT_LENGTH })).getReader();
      let outcome: "ended" | "expired" | "failed" = "ended";
      try {
        read: for (;;) {
          const { done, value } = await lines.read();
          if (done) break;
          for (const line of value) {
            if (line === "") continue;
            const event = parseEvent(line);
            if (event === undefined) {
              onSkip("not a watch event", line.slice(0, 80));
              continue;
            }
            if (event.type === "ERROR") {
              outcome = event.object?.code === 410 ? "expired" : "failed";
              if (outcome === "failed") {
                options.onNotice?.(`pod watch: ${event.object?.message ?? line}`);
              }
              break read;
            }
            resourceVersion = event.object?.metadata?.resourceVersion ?? resourceVersion;
            if (event.type === "ADDED" || event.type === "MODIFIED" || event.type === "DELETED") {
              options.onEvent({ type: event.type, pod: event.object as unknown as KubePod });
            }
            backoff.reset();
          }
        }
      } catch (error) {
        if (signal.aborted) return;
        outcome = "failed";
        options.onNotice?.(`pod watch cut: ${error instanceof Error ? error.message : error}`);
      } finally {
        await lines.cancel().catch(() => {});
      }
      if (outcome === "expired") await relist();
      else if (outcome === "failed") await abortableSleep(backoff.next(), signal, setTimer);
    }
  }
}

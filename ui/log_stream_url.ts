/**
 * The log API requests the page makes: history (`tail` or `since`) then
 * follow, and the same request resumed from a time.
 *
 * @module
 */
import { parseGoDuration } from "../lib/go/parse_go_duration.ts";
import type { FunctionRef, HistoryChoice } from "./view_state.ts";

function base(logsUrl: URL | string, ref: FunctionRef): URL {
  const url = new URL(logsUrl);
  url.search = "";
  url.searchParams.set("name", ref.name);
  if (ref.namespace !== undefined) {
    url.searchParams.set("namespace", ref.namespace);
  }
  url.searchParams.set("follow", "true");
  return url;
}

/**
 * `GET /system/logs?name=N[&namespace=NS]&follow=true&tail=T` (no `tail` for
 * all the history), or `&since=` the moment `history.since` before `now`.
 *
 * @example
 * ```ts ignore
 * logStreamUrl("http://h/system/logs", { name: "hello" }, { tail: 100 }, Date.now()).search;
 * // "?name=hello&follow=true&tail=100"
 * ```
 */
export function logStreamUrl(
  logsUrl: URL | string,
  ref: FunctionRef,
  history: HistoryChoice,
  now: number,
): URL {
  const url = base(logsUrl, ref);
  if ("since" in history) {
    url.searchParams.set(
      "since",
      new Date(now - parseGoDuration(history.since)).toISOString(),
    );
  } else if (history.tail !== "all") {
    url.searchParams.set("tail", String(history.tail));
  }
  return url;
}

/** The follow request that starts at `timestamp` (the last line shown), for a resume by time. */
export function resumeStreamUrl(
  logsUrl: URL | string,
  ref: FunctionRef,
  timestamp: string,
): URL {
  const url = base(logsUrl, ref);
  url.searchParams.set("since", timestamp);
  return url;
}

/**
 * The stderr line `fnlogs logs` prints for a stream-health event.
 *
 * @module
 */
import { formatGoDuration } from "../../lib/go/format_go_duration.ts";
import type { FollowEvent } from "../../lib/client/follow_logs.ts";
import type { LogsOptions } from "./options.ts";

/** The notice for `event` of function `name`, without the `fnlogs: ` prefix. */
export function notice(name: string, event: FollowEvent, options: LogsOptions): string {
  switch (event.event) {
    case "reconnecting":
      return `${name}: ${event.reason}; reconnecting in ${
        formatGoDuration(event.delayMs)
      } (attempt ${event.attempt})`;
    case "resumed":
      return `${name}: ${
        event.attempt === 0 ? "picked up where the last run stopped," : "resumed"
      } ${
        event.resume === "cursor"
          ? "exactly after the last line"
          : event.resume === "since"
          ? `from ${event.since}, overlap dropped`
          : "from the start (nothing had arrived yet)"
      }`;
    case "gap":
      return `${name}: ${event.missed} lines missed${
        event.instance ? ` from ${event.instance}` : ""
      } (this reader fell behind the server)`;
    case "ended":
      return `${name}: ${event.reason}; not reconnecting${
        options.reconnect ? ` after ${event.reconnects} attempts` : " (--no-reconnect)"
      }`;
    case "skipped":
      return `${name}: skipped a malformed line: ${event.reason}`;
  }
}

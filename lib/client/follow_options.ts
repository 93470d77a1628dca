/**
 * What {@linkcode followLogs} is asked (`FollowLogsOptions`) and what it
 * reports on the way (`FollowEvent`): types only.
 *
 * @module
 */
import type { BackoffOptions } from "../async/backoff.ts";
import type { GatewayAuth } from "../gateway/build_log_request.ts";
import type { LogProvider } from "../types.ts";
import type { LogLevel } from "../parse/log_level.ts";
import type { ResumeState } from "./resume_state.ts";

/** Stream-health events, in the shape `fnlogs logs --events` prints them. */
export type FollowEvent =
  | {
    readonly event: "reconnecting";
    /** Attempts since the last healthy connection, from 1. */
    readonly attempt: number;
    readonly delayMs: number;
    readonly reason: string;
  }
  | {
    readonly event: "resumed";
    /** 0: the first connection, resuming from {@linkcode FollowLogsOptions.resumeState}. */
    readonly attempt: number;
    /** `cursor`: exact; `since`: overlap dropped here; `replay`: nothing had arrived yet. */
    readonly resume: "cursor" | "since" | "replay";
    readonly since?: string;
    readonly cursor?: string;
  }
  | {
    readonly event: "gap";
    readonly missed: number;
    readonly instance: string;
    readonly timestamp: string;
  }
  | { readonly event: "ended"; readonly reason: string; readonly reconnects: number }
  | { readonly event: "skipped"; readonly reason: string; readonly sample: string };

/** What to follow and how. Give `gateway` or `provider`. */
export interface FollowLogsOptions {
  /** The gateway's base URL (`http://127.0.0.1:8080`). */
  readonly gateway?: string;
  /** Read a provider directly instead of a gateway. */
  readonly provider?: LogProvider;
  /** The function's name. */
  readonly name: string;
  /** Its namespace (default: the gateway's or provider's default). */
  readonly namespace?: string;
  /** Only this instance (sent as `instance`; real gateways ignore it). */
  readonly instance?: string;
  /** Keep following (default `true`). */
  readonly follow?: boolean;
  /** The last N lines of history first (`<= 0` or `undefined`: no limit). */
  readonly tail?: number;
  /** RFC3339: history from this moment, sent as given. */
  readonly since?: string;
  /** Default: `Authorization: Bearer` with an empty token. */
  readonly auth?: GatewayAuth;
  /** A `Deno.HttpClient` (its certificates, its proxy); the requests then go through `fetch`. */
  readonly client?: Deno.HttpClient;
  /** For `--cacert`: PEM root certificates added to the default ones. */
  readonly caCerts?: string[];
  /** Ask for fnlogs' event stream (default `true`). */
  readonly eventStream?: boolean;
  /** Reconnect after cuts and ends (default `true`). */
  readonly reconnect?: boolean;
  /**
   * Give up after this many reconnect attempts in a row that brought no
   * healthy connection (default: never).
   */
  readonly maxReconnects?: number;
  /** Reconnect delays: capped exponential backoff with jitter. */
  readonly backoff?: BackoffOptions;
  /** A connection up this long counts as healthy even without data (default 10 s). */
  readonly stableMs?: number;
  /**
   * Reconnect when no byte arrives for this long (ms). Default: 45 s for
   * fnlogs' event stream (3 × its heartbeat), never for NDJSON. 0: never.
   */
  readonly idleTimeoutMs?: number;
  /** See {@linkcode ResumeTracker.resumePoint} (default 60 s). */
  readonly resumeWindowMs?: number;
  /** Only lines of this level and above (see `parseLogLine`); lines without a level are dropped. */
  readonly level?: LogLevel;
  /** Conditions on JSON/logfmt fields, all of which must hold (`status>=500`, `user=ann`, `msg~^db`). */
  readonly where?: readonly string[];
  /** Only lines whose text matches one of these. */
  readonly grep?: readonly (RegExp | string)[];
  /** No line whose text matches one of these. */
  readonly exclude?: readonly (RegExp | string)[];
  /**
   * Start where this state says, and advance it with each message (each
   * batch for {@linkcode followLogBatches}) handed out: saved after handling
   * a line, a later run resumes right after it. Throws `ResumeStateError`
   * for a state read back for other gateways.
   */
  readonly resumeState?: ResumeState;
  /** Aborting it ends the iteration cleanly (no error). */
  readonly signal?: AbortSignal;
  /** Stream-health events. */
  readonly onEvent?: (event: FollowEvent) => void;
  /** Injectable for tests. */
  readonly fetch?: typeof fetch;
  /** Injectable for tests; must resolve early when the signal aborts. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** A clock in ms (default `performance.now`). */
  readonly now?: () => number;
}

/**
 * The types both HTTP engines share: the handler they call, their options,
 * and the running server they return. The engines know nothing of logs.
 *
 * `server/http/` holds the two engines that serve any such handler:
 * fnlogs' own HTTP/1.1 server (`http1_server.ts` and the parts beside it)
 * and `Deno.serve` with a header deadline (`guarded_serve.ts`). It may use
 * `lib/`'s generic parts (`lib/streams/` for the fast lane of a body that is
 * a `PollSourceStream`), never the log API (`server/*.ts`), `lib/providers/`
 * or `cli/`.
 *
 * @module
 */

/** Options both engines take (`serveHttp1` and `guardedServe`). */
export interface ServeOptions {
  readonly hostname: string;
  readonly port: number;
  /** PEM certificate and key: serve HTTPS (HTTP/2 and HTTP/1.1). */
  readonly cert?: string;
  readonly key?: string;
  /** Close a connection with no request in flight after this long (<= 0: never). */
  readonly headerTimeoutMs: number;
  /** Connections per peer address still waiting for their first request (<= 0: no cap). */
  readonly maxPendingPerPeer: number;
  readonly onListen?: (address: Deno.NetAddr) => void;
  readonly onError?: (error: unknown) => Response | Promise<Response>;
  /** Called for a connection closed by the deadline or the per-peer cap. */
  readonly onDrop?: (peer: string, why: "header-timeout" | "too-many-pending") => void;
  /** Called when accepting fails (for example out of file descriptors); accepting goes on. */
  readonly onAcceptError?: (error: unknown) => void;
}

/** Counts kept by a {@linkcode Server}. */
export interface GuardStats {
  /** Connections accepted. */
  readonly accepted: number;
  /** Connections closed because no request arrived in time. */
  readonly timedOut: number;
  /** Connections closed at once because their peer had too many pending. */
  readonly refused: number;
  /** Connections open now. */
  readonly open: number;
}

/** A running server. */
export interface Server {
  readonly addr: Deno.NetAddr;
  /** Whether the header deadline and the per-peer cap are in force. */
  readonly guarded: boolean;
  readonly stats: GuardStats;
  /** Resolves once the listener and every connection are closed. */
  readonly finished: Promise<void>;
  /**
   * Stops accepting and closes each connection once its in-flight requests
   * are answered (end open streams yourself to make that quick).
   */
  shutdown(): Promise<void>;
}

/** What both engines serve: the log API, or any `Deno.serve`-style handler. */
export type Handler = (request: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>) =>
  | Response
  | Promise<Response>;

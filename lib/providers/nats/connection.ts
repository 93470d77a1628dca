/**
 * Connecting to NATS: server URLs checked up front, reconnects forever with
 * capped exponential backoff and jitter, and every change of the
 * connection's state told as a notice. Broker failures become typed errors
 * with a message for people.
 *
 * @module
 */
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { UpstreamError } from "../../errors.ts";
import { parseNatsServers } from "./servers.ts";
import { Backoff } from "../../async/backoff.ts";
import { abortableSleep } from "../../async/abortable_sleep.ts";

/** Where and how to connect. */
export interface NatsConnectOptions {
  /** Server URLs (`nats://host:port`, `tls://host:port`, `host:port`), checked with {@linkcode parseNatsServers}. */
  readonly servers: readonly string[];
  /** The connection's name, as the broker shows it (`fnlogs ship`, `fnlogs serve`). */
  readonly name: string;
  /** A token (`--nats-token`), when the URLs carry no user. */
  readonly token?: string;
  /** Told each change of state: unreachable, disconnected, reconnected. */
  readonly onNotice?: (message: string) => void;
  /** Aborting stops waiting for the first connection. */
  readonly signal?: AbortSignal;
  /** Longest wait between two attempts, in ms (default 5000); the first waits 100 ms. */
  readonly maxBackoffMs?: number;
}

/** A broker error in words for people. */
export function describeNatsError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  if (/authorization violation|authentication/i.test(text)) {
    return `NATS refused the credentials (${text})`;
  }
  if (/permissions violation/i.test(text)) return `NATS denied permission: ${text}`;
  return text;
}

/**
 * Connects, waiting (with backoff, forever, noticing each failure) until a
 * server answers; then reconnects by itself forever. Rejects with
 * {@linkcode UpstreamError} when credentials are refused, and with the
 * signal's reason when it aborts first.
 */
export async function connectNats(options: NatsConnectOptions): Promise<NatsConnection> {
  const { servers, user, pass } = parseNatsServers(options.servers);
  const capMs = options.maxBackoffMs ?? 5000;
  const notice = options.onNotice ?? (() => {});
  const first = new Backoff({ initialMs: 100, capMs });
  for (let attempt = 0;; attempt++) {
    options.signal?.throwIfAborted();
    const reconnects = new Backoff({ initialMs: 100, capMs });
    try {
      const nc = await connect({
        servers,
        name: options.name,
        user,
        pass,
        token: options.token,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 100,
        reconnectJitter: 0,
        reconnectDelayHandler: () => reconnects.next(),
        pingInterval: 2000,
        maxPingOut: 2,
        timeout: 2000,
        ignoreClusterUpdates: false,
      });
      if (attempt > 0) notice(`connected to NATS at ${nc.getServer()}`);
      (async () => {
        let lastError = "";
        for await (const status of nc.status()) {
          if (status.type === "disconnect") {
            notice(`lost NATS server ${status.server}; reconnecting with backoff`);
          } else if (status.type === "reconnect") {
            reconnects.reset();
            notice(`reconnected to NATS at ${status.server}`);
          } else if (status.type === "error") {
            const text = describeNatsError(status.error);
            if (text !== lastError) notice(`NATS error: ${text}`);
            lastError = text;
          }
        }
      })().catch(() => {});
      return nc;
    } catch (error) {
      const text = describeNatsError(error);
      if (/refused the credentials|authorization/i.test(text)) {
        throw new UpstreamError(`Cannot connect to NATS at ${servers.join(",")}: ${text}`);
      }
      const delay = first.next();
      notice(
        `cannot reach NATS at ${servers.join(",")} (${text}); retrying in ${
          (delay / 1000).toFixed(1)
        } s`,
      );
      await abortableSleep(delay, options.signal);
    }
  }
}

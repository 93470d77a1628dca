/**
 * Pipelined JetStream publishing with a bounded number of messages awaiting
 * their acknowledgement: the caller publishes while there is room and waits
 * for room otherwise, so a slow or absent broker slows the reader that feeds
 * it. Every message carries its `Nats-Msg-Id`; a message not
 * acknowledged in time, refused for want of a stream leader, or in flight
 * when the connection dropped is sent again with the same id, and the
 * broker's duplicate window drops the copies.
 *
 * @module
 */
import {
  createInbox,
  headers,
  type MsgHdrs,
  type NatsConnection,
  type Subscription,
} from "@nats-io/transport-node";
import { UpstreamError } from "../errors.ts";
import { parseTimestamp } from "../time/timestamp.ts";
import { MSG_ID_HEADER, SOURCE_CURSOR_HEADER } from "../providers/nats/record_codec.ts";

/** Options for {@linkcode JetStreamPublisher}. */
export interface JetStreamPublisherOptions {
  /** Most messages awaiting an acknowledgement (default 4096). */
  readonly maxInFlight?: number;
  /** Sent again when not acknowledged within this (default 5000 ms). */
  readonly ackTimeoutMs?: number;
  /** Told about retries and refusals, at most once a second. */
  readonly onNotice?: (message: string) => void;
  /** Told once when the publisher fails for good (refused, denied): later publishes throw it. */
  readonly onFailure?: (error: Error) => void;
}

/** One message to publish. */
export interface OutgoingMessage {
  readonly subject: string;
  readonly payload: Uint8Array;
  readonly msgId: string;
  /** The source provider's cursor, stored in `Fnlogs-Cursor`. */
  readonly sourceCursor?: string;
  /** When the line was written (RFC3339), for the lag. */
  readonly timestamp: string;
}

interface Entry {
  readonly message: OutgoingMessage;
  readonly headers: MsgHdrs;
  /** When to send it again if no acknowledgement came (performance.now() ms). */
  retryAt: number;
  attempts: number;
}

/** What the publisher counts. */
export interface PublisherStats {
  /** Messages the broker stored. */
  readonly acked: number;
  /** Messages the broker had already (dropped by their id). */
  readonly duplicates: number;
  /** Sends after the first. */
  readonly retries: number;
  /** Waiting for their acknowledgement now. */
  readonly inFlight: number;
  /** Age of the oldest line not yet acknowledged (ms; 0 with none). */
  readonly lagMs: number;
}

const decoder = new TextDecoder();
const ERROR = new TextEncoder().encode('"error"');
const DUPLICATE = new TextEncoder().encode('"duplicate"');

/** Whether `bytes` holds `part`. */
function includes(bytes: Uint8Array, part: Uint8Array): boolean {
  outer: for (let i = 0; i + part.length <= bytes.length; i++) {
    for (let j = 0; j < part.length; j++) if (bytes[i + j] !== part[j]) continue outer;
    return true;
  }
  return false;
}

/** Publishes {@linkcode OutgoingMessage}s to JetStream, each exactly once in the stream. */
export class JetStreamPublisher {
  readonly #nc: NatsConnection;
  readonly #max: number;
  readonly #timeoutMs: number;
  readonly #onNotice: (message: string) => void;
  #onFailure?: (error: Error) => void;
  readonly #inbox = createInbox();
  readonly #sub: Subscription;
  readonly #entries = new Map<number, Entry>();
  #next = 1;
  #acked = 0;
  #duplicates = 0;
  #retries = 0;
  #connected = true;
  #failure?: Error;
  #waiters: (() => void)[] = [];
  readonly #lowWater: number;
  #monitor: ReturnType<typeof setInterval>;
  #lastNotice = 0;
  #statusLoop: { stop?(): void };

  constructor(nc: NatsConnection, options: JetStreamPublisherOptions = {}) {
    this.#nc = nc;
    this.#max = options.maxInFlight ?? 4096;
    this.#lowWater = Math.floor(this.#max * 3 / 4);
    this.#timeoutMs = options.ackTimeoutMs ?? 5000;
    this.#onNotice = options.onNotice ?? (() => {});
    this.#onFailure = options.onFailure;
    this.#sub = nc.subscribe(`${this.#inbox}.*`, {
      callback: (_error, msg) => this.#onAck(msg.subject, msg.data, msg.headers),
    });
    this.#monitor = setInterval(() => this.#resendLate(), Math.min(250, this.#timeoutMs / 2));
    const status: ReturnType<NatsConnection["status"]> & { stop?(): void } = nc.status();
    this.#statusLoop = status;
    (async () => {
      for await (const s of status) {
        if (s.type === "disconnect") this.#connected = false;
        else if (s.type === "reconnect") {
          this.#connected = true;
          this.#resendAll("the connection came back");
          this.#wakeAll();
        } else if (s.type === "error" && /permissions violation/i.test(s.error.message)) {
          this.#fail(new UpstreamError(`NATS denied permission: ${s.error.message}`));
        }
      }
    })().catch(() => {});
  }

  /** The counters. */
  get stats(): PublisherStats {
    let oldest = Infinity;
    for (const entry of this.#entries.values()) {
      // Map order is publish order: the first is the oldest.
      const t = parseTimestamp(entry.message.timestamp);
      if (t !== undefined) oldest = t.seconds * 1000 + t.nanos / 1e6;
      break;
    }
    return {
      acked: this.#acked,
      duplicates: this.#duplicates,
      retries: this.#retries,
      inFlight: this.#entries.size,
      lagMs: oldest === Infinity ? 0 : Math.max(0, Math.round(Date.now() - oldest)),
    };
  }

  /**
   * Whether {@linkcode publish} may be called now: connected, and fewer than
   * `maxInFlight` await their acknowledgement. While disconnected nothing new
   * is sent, so that after a reconnect the unacknowledged lines go out again
   * before any newer one (the order of an instance's lines is kept).
   */
  get hasRoom(): boolean {
    return this.#connected && this.#entries.size < this.#max;
  }

  /**
   * Resolves once there is room, the publisher failed, or `signal` aborted
   * (a shipper told to stop while the broker is away must not wait for it).
   */
  async waitForRoom(signal?: AbortSignal): Promise<void> {
    // Woken at three quarters, so that sends go out in runs, not one per ack.
    while (
      (!this.#connected || this.#entries.size > this.#lowWater) && this.#failure === undefined &&
      !signal?.aborted
    ) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          signal?.removeEventListener("abort", wake);
          resolve();
        };
        this.#waiters.push(wake);
        signal?.addEventListener("abort", wake, { once: true });
      });
    }
  }

  /**
   * Sends one message, synchronously, so that a batch published in one go
   * leaves in one socket write. Call it only with {@linkcode hasRoom}
   * (beyond it, messages still go out but the bound is not kept). Throws
   * once the publisher failed.
   */
  publish(message: OutgoingMessage): void {
    if (this.#failure !== undefined) throw this.#failure;
    const h = headers();
    h.set(MSG_ID_HEADER, message.msgId);
    if (message.sourceCursor !== undefined) h.set(SOURCE_CURSOR_HEADER, message.sourceCursor);
    const token = this.#next++;
    const entry: Entry = { message, headers: h, retryAt: 0, attempts: 0 };
    this.#entries.set(token, entry);
    this.#send(token, entry);
  }

  /** Whether the connection to the broker is up (false between a disconnect and a reconnect). */
  get connected(): boolean {
    return this.#connected;
  }

  /** Resolves once every message published so far is acknowledged; rejects on failure. */
  async flush(): Promise<void> {
    while (this.#entries.size > 0 && this.#failure === undefined) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    if (this.#failure !== undefined) throw this.#failure;
  }

  #send(token: number, entry: Entry): void {
    entry.retryAt = performance.now() + this.#timeoutMs;
    if (entry.attempts++ > 0) this.#retries++;
    try {
      this.#nc.publish(entry.message.subject, entry.message.payload, {
        reply: `${this.#inbox}.${token}`,
        headers: entry.headers,
      });
    } catch (error) {
      // Closed or draining: the monitor tries again while the publisher lives.
      this.#notice(`cannot publish (${error instanceof Error ? error.message : error})`);
    }
  }

  #onAck(subject: string, data: Uint8Array, hdrs?: MsgHdrs): void {
    const token = Number(subject.slice(this.#inbox.length + 1));
    const entry = this.#entries.get(token);
    if (entry === undefined) return; // A late copy of an acknowledgement already counted.
    if (hdrs?.code === 503 || data.length === 0) {
      this.#notice(
        `no JetStream stream answered for ${entry.message.subject} (no leader yet, or no stream ` +
          `holds that subject); sending again`,
      );
      this.#retrySoon(entry);
      return;
    }
    // Most acknowledgements are `{"stream":"S","seq":N}`: read only those that say more.
    if (!includes(data, ERROR) && !includes(data, DUPLICATE)) {
      this.#settle(token, false);
      return;
    }
    let ack: { seq?: number; duplicate?: boolean; error?: { code?: number; description?: string } };
    try {
      ack = JSON.parse(decoder.decode(data));
    } catch {
      return;
    }
    if (ack.error !== undefined) {
      const { code, description } = ack.error;
      if (code !== undefined && code >= 500) {
        this.#notice(`JetStream refused a message for now (${code} ${description}); sending again`);
        this.#retrySoon(entry);
        return;
      }
      this.#fail(
        new UpstreamError(
          `JetStream refused a message on ${entry.message.subject}: ${description} (${code})`,
        ),
      );
      return;
    }
    this.#settle(token, ack.duplicate === true);
  }

  #settle(token: number, duplicate: boolean): void {
    this.#entries.delete(token);
    this.#acked++;
    if (duplicate) this.#duplicates++;
    const size = this.#entries.size;
    if (size === 0 || size === this.#lowWater) this.#wakeAll();
  }

  /** Refused for now (no leader yet): again after 250 ms, doubling per attempt up to 5 s. */
  #retrySoon(entry: Entry): void {
    entry.retryAt = performance.now() + Math.min(5000, 250 * 2 ** Math.min(entry.attempts - 1, 5));
  }

  #resendLate(): void {
    if (!this.#connected || this.#failure !== undefined) return;
    const now = performance.now();
    let count = 0;
    for (const [token, entry] of this.#entries) {
      if (entry.retryAt <= now) {
        this.#send(token, entry);
        count++;
      }
    }
    if (count > 0) this.#notice(`sending ${count} unacknowledged message(s) again`);
  }

  #resendAll(why: string): void {
    if (this.#entries.size === 0) return;
    this.#onNotice(`sending ${this.#entries.size} unacknowledged message(s) again: ${why}`);
    for (const [token, entry] of this.#entries) this.#send(token, entry);
  }

  #notice(message: string): void {
    const now = performance.now();
    if (now - this.#lastNotice < 1000) return;
    this.#lastNotice = now;
    this.#onNotice(message);
  }

  #fail(error: Error): void {
    if (this.#failure === undefined) this.#onFailure?.(error);
    this.#failure ??= error;
    this.#wakeAll();
  }

  #wakeAll(): void {
    const waiters = this.#waiters;
    if (waiters.length === 0) return;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  /** Stops the timers and the acknowledgement subscription (call after {@linkcode flush}). */
  close(): void {
    this.#onFailure = undefined;
    clearInterval(this.#monitor);
    this.#statusLoop.stop?.();
    this.#sub.unsubscribe();
    this.#fail(new UpstreamError("The publisher is closed"));
  }
}

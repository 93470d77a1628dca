/**
 * Reads one subject filter of a JetStream stream in stream order through an
 * ephemeral push consumer that fnlogs keeps ordered itself: it checks every
 * delivery sequence, and when one is missing, heartbeats stop, or the
 * connection came back, it deletes the consumer and makes a new one right
 * after the last stream sequence it delivered. Flow control is answered
 * only while fewer than `maxQueued` messages wait, so a slow reader stalls
 * the broker, not this process's memory. {@linkcode OrderedReader.close}
 * deletes the consumer at once.
 *
 * @module
 */
import {
  createInbox,
  type Msg,
  type NatsConnection,
  type Subscription,
} from "@nats-io/transport-node";
import { AckPolicy, DeliverPolicy, type JetStreamManager } from "@nats-io/jetstream";
import { Backoff } from "../../async/backoff.ts";

/** Where the reader starts. */
export type ReaderStart =
  | { readonly seq: number }
  | { readonly time: string };

/** One stored message, or (with `missed`) a notice that retention dropped messages before it. */
export interface StoredMessage {
  readonly seq: number;
  readonly subject: string;
  readonly data: Uint8Array;
  /** Set on a notice: at most this many messages were dropped unread (every subject counted). */
  readonly missed?: number;
}

/** Options for {@linkcode OrderedReader}. */
export interface OrderedReaderOptions {
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
  readonly stream: string;
  readonly filter: string;
  readonly start: ReaderStart;
  /** Ends after the message with this sequence (or a later one); `undefined`: follows. */
  readonly endSeq?: number;
  /** Flow control is answered only while fewer messages than this wait (default 20,000). */
  readonly maxQueued?: number;
  /** The consumer's idle heartbeat (default 1000 ms); silence for 3 of them resets it. */
  readonly heartbeatMs?: number;
  /** Told when the consumer is made again, and why. */
  readonly onNotice?: (message: string) => void;
}

const NANOS_PER_MS = 1_000_000;

/** `$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<dseq>.<ts>.<pending>` (v1) or the v2 form. */
function deliveryOf(reply: string): { sseq: number; dseq: number } | undefined {
  const tokens = reply.split(".");
  if (tokens[0] !== "$JS" || tokens[1] !== "ACK") return undefined;
  const at = tokens.length === 9 ? 2 : tokens.length >= 11 ? 4 : -1;
  if (at < 0) return undefined;
  return { sseq: Number(tokens[at + 3]), dseq: Number(tokens[at + 4]) };
}

/**
 * Pull-style access to an ordered consumer: {@linkcode take} returns what
 * arrived, {@linkcode wait} resolves when more did (or the reader ended).
 */
export class OrderedReader {
  readonly #o: OrderedReaderOptions;
  readonly #maxQueued: number;
  readonly #hbMs: number;
  #queue: StoredMessage[] = [];
  /** The last sequence queued, and the last that arrived (held ones included). */
  #lastSeq = 0;
  #arrivedSeq = 0;
  /** Deliveries held while the stream's first sequence is looked up. */
  #held?: StoredMessage[];
  #firstSeq = 0;
  #firstSeqAt = -Infinity;
  #dseq = 0;
  #deliver = "";
  #sub?: Subscription;
  #consumer?: string;
  #pendingFlow?: Msg;
  #waker?: () => void;
  #lastActivity = performance.now();
  #monitor?: ReturnType<typeof setInterval>;
  #resetting = false;
  #closed = false;
  #ended = false;
  #backoff = new Backoff({ initialMs: 100, capMs: 2000 });
  #status?: AsyncIterable<{ type: string }> & { stop?: () => void };

  private constructor(options: OrderedReaderOptions) {
    this.#o = options;
    this.#maxQueued = options.maxQueued ?? 20_000;
    this.#hbMs = options.heartbeatMs ?? 1000;
  }

  /**
   * Makes the consumer and starts reading. A consumer that cannot be made
   * (a cluster electing a leader answers nothing for a while) is asked for
   * again with backoff, up to `attempts` times; then it rejects.
   */
  static async open(options: OrderedReaderOptions, attempts = 5): Promise<OrderedReader> {
    const reader = new OrderedReader(options);
    for (let attempt = 1;; attempt++) {
      try {
        await reader.#create();
        break;
      } catch (error) {
        if (attempt >= attempts) throw error;
        const delay = reader.#backoff.next();
        options.onNotice?.(
          `nats: cannot make a consumer on ${options.stream} (${
            error instanceof Error ? error.message : error
          }); retrying in ${delay} ms`,
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
    reader.#backoff.reset();
    reader.#watch();
    return reader;
  }

  /** The stream sequence of the last message taken or queued. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Whether every message up to `endSeq` was queued (history read to its end). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Everything queued now (possibly nothing). */
  take(): StoredMessage[] {
    const out = this.#queue;
    this.#queue = [];
    const flow = this.#pendingFlow;
    if (flow !== undefined) {
      this.#pendingFlow = undefined;
      flow.respond();
    }
    return out;
  }

  /** Resolves once something is queued, the reader ended, or it was closed. */
  wait(): Promise<void> {
    if (this.#queue.length > 0 || this.#ended || this.#closed) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waker = resolve);
  }

  #wake(): void {
    const waker = this.#waker;
    this.#waker = undefined;
    waker?.();
  }

  #startConfig() {
    const o = this.#o;
    if (this.#arrivedSeq > 0) {
      return { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: this.#arrivedSeq + 1 };
    }
    if ("seq" in o.start) {
      return {
        deliver_policy: DeliverPolicy.StartSequence,
        opt_start_seq: Math.max(1, o.start.seq),
      };
    }
    return { deliver_policy: DeliverPolicy.StartTime, opt_start_time: o.start.time };
  }

  async #create(): Promise<void> {
    const o = this.#o;
    this.#deliver = createInbox();
    this.#dseq = 0;
    const sub: Subscription = o.nc.subscribe(this.#deliver, {
      callback: (_error, msg) => this.#onMessage(sub, msg),
    });
    this.#sub = sub;
    try {
      const info = await o.jsm.consumers.add(o.stream, {
        deliver_subject: this.#deliver,
        ack_policy: AckPolicy.None,
        filter_subject: o.filter,
        flow_control: true,
        idle_heartbeat: this.#hbMs * NANOS_PER_MS,
        mem_storage: true,
        inactive_threshold: 10_000 * NANOS_PER_MS,
        ...this.#startConfig(),
      });
      if (this.#closed || this.#sub !== sub) {
        o.jsm.consumers.delete(o.stream, info.name).catch(() => {});
        return;
      }
      this.#consumer = info.name;
      this.#lastActivity = performance.now();
    } catch (error) {
      sub.unsubscribe();
      if (this.#sub === sub) this.#sub = undefined;
      throw error;
    }
  }

  #onMessage(sub: Subscription, msg: Msg): void {
    // Deliveries carry the stored subject; status messages the deliver subject.
    if (this.#closed || sub !== this.#sub) return;
    this.#lastActivity = performance.now();
    const reply = msg.reply ?? "";
    if (reply.startsWith("$JS.ACK.")) {
      const delivery = deliveryOf(reply);
      if (delivery === undefined) return;
      if (delivery.dseq !== this.#dseq + 1) {
        this.#reset(`a delivery was missed (${this.#dseq + 1} expected, ${delivery.dseq} came)`);
        return;
      }
      this.#dseq = delivery.dseq;
      if (delivery.sseq <= this.#arrivedSeq) return;
      this.#arrivedSeq = delivery.sseq;
      const message = { seq: delivery.sseq, subject: msg.subject, data: msg.data };
      if (this.#held !== undefined) {
        this.#held.push(message);
      } else if (
        message.seq > this.#lastSeq + 1 && this.#lastSeq > 0 &&
        performance.now() - this.#firstSeqAt > 1000
      ) {
        // A jump: other subjects, or messages retention dropped. Ask (at most once a second).
        this.#held = [message];
        this.#refreshFirstSeq().finally(() => {
          const held = this.#held ?? [];
          this.#held = undefined;
          for (const m of held) this.#accept(m);
        });
      } else {
        this.#accept(message);
      }
      return;
    }
    // A status message: idle heartbeat (maybe saying the consumer stalled) or flow control.
    const stalled = msg.headers?.get("Nats-Consumer-Stalled");
    if (reply !== "") {
      if (this.#queue.length < this.#maxQueued) msg.respond();
      else this.#pendingFlow = msg;
    } else if (stalled && this.#queue.length < this.#maxQueued) {
      this.#o.nc.publish(stalled);
    }
  }

  /** Queues a delivery, after a gap notice when retention dropped what came before it. */
  #accept(message: StoredMessage): void {
    if (this.#closed || this.#ended) return;
    const after = this.#lastSeq + 1;
    if (message.seq > after && this.#lastSeq > 0 && this.#firstSeq > after) {
      const missed = Math.min(this.#firstSeq, message.seq) - after;
      this.#queue.push({ seq: this.#lastSeq, subject: "", data: new Uint8Array(), missed });
    }
    this.#lastSeq = message.seq;
    this.#queue.push(message);
    if (this.#o.endSeq !== undefined && message.seq >= this.#o.endSeq) this.#end();
    this.#wake();
  }

  async #refreshFirstSeq(): Promise<void> {
    try {
      const info = await this.#o.jsm.streams.info(this.#o.stream);
      this.#firstSeq = info.state.first_seq;
    } catch {
      // Unknown for now: no gap is told.
    }
    this.#firstSeqAt = performance.now();
  }

  #end(): void {
    this.#ended = true;
    this.#release();
  }

  /** Unsubscribes and deletes the current consumer (not waiting for the answer). */
  #release(): Promise<void> {
    this.#sub?.unsubscribe();
    this.#sub = undefined;
    this.#pendingFlow = undefined;
    const name = this.#consumer;
    this.#consumer = undefined;
    if (name === undefined) return Promise.resolve();
    return this.#o.jsm.consumers.delete(this.#o.stream, name).then(() => {}, () => {});
  }

  /** Makes the consumer again after the last delivered sequence, with backoff until it works. */
  #reset(why: string): void {
    if (this.#resetting || this.#closed || this.#ended) return;
    this.#resetting = true;
    this.#release();
    (async () => {
      this.#o.onNotice?.(`nats: reading ${this.#o.filter} again after ${this.#arrivedSeq}: ${why}`);
      while (!this.#closed) {
        try {
          await this.#create();
          this.#backoff.reset();
          break;
        } catch (error) {
          const delay = this.#backoff.next();
          this.#o.onNotice?.(
            `nats: cannot make a consumer on ${this.#o.stream} (${
              error instanceof Error ? error.message : error
            }); retrying in ${delay} ms`,
          );
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
      this.#resetting = false;
    })();
  }

  /** Resets on silence (3 heartbeats) and on every reconnect of the connection. */
  #watch(): void {
    this.#monitor = setInterval(() => {
      if (this.#resetting || this.#closed || this.#ended) return;
      if (performance.now() - this.#lastActivity > 3 * this.#hbMs) {
        this.#reset("no heartbeat");
      }
    }, this.#hbMs);
    const status = this.#o.nc.status();
    this.#status = status;
    (async () => {
      for await (const s of status) {
        if (s.type === "reconnect") this.#reset("the connection came back");
      }
    })().catch(() => {});
  }

  /** Stops reading and deletes the consumer; resolves once the broker answered (or failed). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#monitor);
    this.#status?.stop?.();
    this.#queue = [];
    this.#wake();
    await this.#release();
  }
}

/**
 * Caps on concurrent log streams, in total and per client address, so one
 * client (or a crowd) cannot take all of a server's memory: each open
 * stream costs about 30 KB of RSS on fnlogs' HTTP engine (about 70 KB on
 * `Deno.serve`), measured with Deno 2.9.6.
 *
 * @module
 */
import { textResponse } from "./http/text_response.ts";

/** The default cap on concurrent streams (about 400 MB of RSS on fnlogs' engine). */
export const DEFAULT_MAX_STREAMS = 10_000;
/** The default cap on concurrent streams from one client address. */
export const DEFAULT_MAX_STREAMS_PER_CLIENT = 100;

/** Limits for {@linkcode StreamLimiter}. */
export interface StreamLimits {
  readonly maxStreams?: number;
  readonly maxStreamsPerClient?: number;
}

/**
 * Hands out stream slots. `acquire` answers a release function (call it
 * once, when the stream is over) or the response that refuses the request:
 * 503 when the server is full, 429 when that client has too many.
 *
 * @example
 * ```ts
 * import { StreamLimiter } from "./stream_limiter.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const limiter = new StreamLimiter({ maxStreams: 1 });
 * const release = limiter.acquire("10.0.0.1");
 * assertEquals(typeof release, "function");
 * assertEquals((limiter.acquire("10.0.0.2") as Response).status, 503);
 * (release as () => void)();
 * assertEquals(typeof limiter.acquire("10.0.0.2"), "function");
 * ```
 */
export class StreamLimiter {
  readonly #max: number;
  readonly #perClient: number;
  readonly #byClient = new Map<string, number>();
  #total = 0;

  constructor(limits: StreamLimits = {}) {
    this.#max = limits.maxStreams ?? DEFAULT_MAX_STREAMS;
    this.#perClient = limits.maxStreamsPerClient ?? DEFAULT_MAX_STREAMS_PER_CLIENT;
  }

  /** Streams open now. */
  get total(): number {
    return this.#total;
  }

  acquire(client: string): (() => void) | Response {
    if (this.#total >= this.#max) {
      return textResponse(
        503,
        `too many log streams on this server (${this.#max}); try again later`,
        {
          "retry-after": "5",
        },
      );
    }
    const mine = this.#byClient.get(client) ?? 0;
    if (mine >= this.#perClient) {
      return textResponse(
        429,
        `too many log streams from ${client} (${this.#perClient}); close some or try again later`,
        { "retry-after": "1" },
      );
    }
    this.#total++;
    this.#byClient.set(client, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#total--;
      const left = (this.#byClient.get(client) ?? 1) - 1;
      if (left === 0) this.#byClient.delete(client);
      else this.#byClient.set(client, left);
    };
  }
}

/**
 * Turns the lines of a Docker logs body asked for with `timestamps=1`
 * (`TIMESTAMP TEXT`) into {@linkcode LogRecord}s.
 *
 * @module
 */

import type { DockerInstant } from "./client.ts";
import { normalizeTimestamp, parseTimestamp } from "../../time/timestamp.ts";
import type { LogRecord } from "../../types.ts";

/** The fields every record of one container shares. */
export interface DockerRecordFields {
  readonly name: string;
  readonly namespace: string;
  readonly instance: string;
}

/**
 * Turns the `TIMESTAMP TEXT` lines of `timestamps=1` into records, with the
 * timestamp in UTC `RFC3339Nano` form (trailing zeros of the fraction
 * trimmed). A line without a timestamp keeps the previous line's timestamp
 * (or `""`). With `since`, lines before it map to `undefined`; a timestamp
 * written in whole seconds (Podman 4 truncates them in its Docker-compatible
 * API) stands for any instant of its second and passes when its second does.
 *
 * @example
 * ```ts
 * import { DockerRecordMapper } from "./record_mapper.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const mapper = new DockerRecordMapper(
 *   { name: "fn", namespace: "openfaas-fn", instance: "fn-1" },
 *   { seconds: 1714979289, nanos: 500_000_000 },
 * );
 * assertEquals(mapper.map("2024-05-06T07:08:09.100000000Z too early"), undefined);
 * assertEquals(mapper.map("2024-05-06T07:08:09.600000000Z hello")?.timestamp, "2024-05-06T07:08:09.6Z");
 * assertEquals(mapper.map("2024-05-06T07:08:09Z whole second")?.text, "whole second");
 * ```
 */
export class DockerRecordMapper {
  #lastPrefix = "";
  #lastPrefixSeconds = NaN;
  #lastTimestamp = "";
  #lastSeconds = -Infinity;
  #lastNanos = 0;
  #lastPrecise = true;
  readonly #since?: DockerInstant;

  readonly #name: string;
  readonly #namespace: string;
  readonly #instance: string;

  constructor(fields: DockerRecordFields, since?: DockerInstant) {
    this.#name = fields.name;
    this.#namespace = fields.namespace;
    this.#instance = fields.instance;
    this.#since = since;
  }

  /** The whole seconds of the last timestamp read (`-Infinity` before the first). */
  get lastSeconds(): number {
    return this.#lastSeconds;
  }

  /** The record for one line, or `undefined` when it is before `since`. */
  map(line: string): LogRecord | undefined {
    const space = line.indexOf(" ");
    let text = line;
    if (space >= 20 && space <= 40 && line.charCodeAt(4) === 45 && line.charCodeAt(10) === 84) {
      if (this.#read(line.slice(0, space))) text = line.slice(space + 1);
    }
    const since = this.#since;
    if (since !== undefined) {
      const before = this.#lastSeconds < since.seconds ||
        (this.#lastPrecise && this.#lastSeconds === since.seconds &&
          this.#lastNanos < since.nanos);
      if (before) return undefined;
    }
    return {
      name: this.#name,
      namespace: this.#namespace,
      instance: this.#instance,
      timestamp: this.#lastTimestamp,
      text,
    };
  }

  /** Reads a timestamp; false when it is not one. */
  #read(raw: string): boolean {
    const n = raw.length;
    // Fast path for the UTC forms daemons write: `...:SSZ` and `...:SS.fffffffffZ`.
    if (raw.charCodeAt(n - 1) === 90 && (n === 20 || (n > 21 && raw.charCodeAt(19) === 46))) {
      const prefix = raw.slice(0, 19);
      if (prefix !== this.#lastPrefix) {
        this.#lastPrefix = prefix;
        this.#lastPrefixSeconds = parseTimestamp(prefix + "Z")?.seconds ?? NaN;
      }
      let ok = !Number.isNaN(this.#lastPrefixSeconds);
      let nanos = 0, scale = 100_000_000, last = 19;
      for (let i = 20; ok && i < n - 1; i++) {
        const d = raw.charCodeAt(i) - 48;
        if (d < 0 || d > 9) ok = false;
        else if (i < 29) {
          nanos += d * scale;
          scale /= 10;
          if (d !== 0) last = i + 1;
        }
      }
      if (ok) {
        this.#lastTimestamp = raw.slice(0, last) + "Z";
        this.#lastSeconds = this.#lastPrefixSeconds;
        this.#lastNanos = nanos;
        this.#lastPrecise = n > 20;
        return true;
      }
    }
    const parsed = parseTimestamp(raw);
    if (parsed === undefined) return false;
    this.#lastTimestamp = normalizeTimestamp(raw)!;
    this.#lastSeconds = parsed.seconds;
    this.#lastNanos = parsed.nanos;
    this.#lastPrecise = raw.includes(".");
    return true;
  }
}

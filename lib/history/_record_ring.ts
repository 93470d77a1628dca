/**
 * The store under `LogHistory`: a ring of records numbered by sequence,
 * bounded by a count and by the text held, with a time index beside it
 * (each record's seconds and nanoseconds in typed arrays) for finding
 * `since` by binary search.
 *
 * @module
 */
import type { LogBatch, LogRecord } from "../types.ts";

/**
 * Records `[start, end)` by sequence number, slot `sequence % maxLines`.
 * Adding past `maxLines` records or `maxBytes` of text drops the oldest;
 * the newest is always kept.
 */
export class RecordRing {
  readonly #maxLines: number;
  readonly #maxBytes: number;
  #records: (LogRecord | undefined)[] = [];
  #secs: Float64Array;
  #nanos: Int32Array;
  #start = 0;
  #end = 0;
  #bytes = 0;
  #cacheFrom = -1;
  #cacheTo = -1;
  #cacheBatch: LogBatch = [];

  constructor(maxLines: number, maxBytes: number) {
    this.#maxLines = maxLines;
    this.#maxBytes = maxBytes;
    const initial = Math.min(maxLines, 1024);
    this.#secs = new Float64Array(initial);
    this.#nanos = new Int32Array(initial);
  }

  /** The sequence number of the oldest record held. */
  get start(): number {
    return this.#start;
  }
  /** The sequence number the next record gets. */
  get end(): number {
    return this.#end;
  }
  /** The text held, in UTF-16 code units. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Empties a ring that holds nothing yet so that its next record is `sequence`. */
  startAt(sequence: number): void {
    this.#start = this.#end = sequence;
  }

  /** Stores `record` (stamped `seconds`, `nanos`) as sequence `end`, dropping the oldest past the limits. */
  push(record: LogRecord, seconds: number, nanos: number): void {
    const seq = this.#end;
    if (seq - this.#start === this.#maxLines) this.#evict();
    const index = seq % this.#maxLines;
    while (index >= this.#secs.length) this.#grow();
    this.#secs[index] = seconds;
    this.#nanos[index] = nanos;
    this.#records[index] = record;
    this.#bytes += record.text.length;
    this.#end = seq + 1;
    while (this.#bytes > this.#maxBytes && this.#end - this.#start > 1) this.#evict();
  }

  /** The record with this sequence number, if held. */
  at(sequence: number): LogRecord | undefined {
    if (sequence < this.#start || sequence >= this.#end) return undefined;
    return this.#records[sequence % this.#maxLines];
  }

  /**
   * The records with sequence numbers in `[from, to)` that are held, as one
   * array (at most two `Array.prototype.slice` calls); the same array again
   * for the same range asked twice in a row, so followers in step share it.
   */
  slice(from: number, to: number = this.#end): LogBatch {
    from = Math.max(from, this.#start);
    to = Math.min(to, this.#end);
    if (from >= to) return [];
    if (from === this.#cacheFrom && to === this.#cacheTo) return this.#cacheBatch;
    const cap = this.#maxLines, count = to - from, i = from % cap;
    const held = this.#records as LogRecord[];
    const batch = i + count <= cap
      ? held.slice(i, i + count)
      : held.slice(i).concat(held.slice(0, count - (cap - i)));
    this.#cacheFrom = from;
    this.#cacheTo = to;
    this.#cacheBatch = batch;
    return batch;
  }

  /**
   * Up to `max` records of `instance` from `from` on (`from` held), scanning
   * at most `scanLimit` records; `setPos` gets the sequence number after the
   * last one scanned.
   */
  filtered(
    from: number,
    instance: string,
    max: number,
    scanLimit: number,
    setPos: (next: number) => void,
  ): LogRecord[] {
    const out: LogRecord[] = [];
    const end = Math.min(this.#end, from + scanLimit);
    let seq = from;
    for (; seq < end && out.length < max; seq++) {
      const record = this.#records[seq % this.#maxLines]!;
      if (record.instance === instance) out.push(record);
    }
    setPos(seq);
    return out;
  }

  /**
   * Where the last `count` records of `instance` at or after `from` begin:
   * the sequence number of the first of them, or `from` when there are fewer.
   */
  lastOf(instance: string, from: number, count: number): number {
    let found = 0, seq = this.#end;
    while (seq > from && found < count) {
      seq--;
      if (this.#records[seq % this.#maxLines]!.instance === instance) found++;
    }
    return seq;
  }

  /** The sequence number of the first record stamped at or after `sec`, `nano` (`end` if none). */
  lowerBound(sec: number, nano: number): number {
    let lo = this.#start, hi = this.#end;
    while (lo < hi) {
      const mid = lo + Math.floor((hi - lo) / 2);
      const i = mid % this.#maxLines;
      const s = this.#secs[i];
      if (s < sec || (s === sec && this.#nanos[i] < nano)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #evict(): void {
    const index = this.#start % this.#maxLines;
    this.#bytes -= this.#records[index]!.text.length;
    this.#records[index] = undefined;
    this.#start++;
  }

  #grow(): void {
    const size = Math.min(this.#maxLines, this.#secs.length * 2);
    const secs = new Float64Array(size), nanos = new Int32Array(size);
    secs.set(this.#secs);
    nanos.set(this.#nanos);
    this.#secs = secs;
    this.#nanos = nanos;
  }
}

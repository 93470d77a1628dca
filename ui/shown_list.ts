/**
 * The rows the view shows, in order, and where each sits: the held lines
 * that match the filters, with their heights (measured once drawn, estimated
 * before) and tops. New rows go at the end (a late line in its place); the
 * oldest leave from the front as the store drops them. Appending and
 * dropping cost O(1) each; only a changed height moves the tops after it.
 *
 * @module
 */
import type { Ordered } from "./log_store.ts";

function before(a: Ordered, b: Ordered): boolean {
  return a.key < b.key || (a.key === b.key && a.seq < b.seq);
}

/**
 * An ordered list of rows with their layout.
 *
 * @example
 * ```ts ignore
 * const list = new ShownList<Entry>(() => 18);
 * list.add([b, a]); // [a, b]
 * list.top(1); // 18
 * list.indexAt(20); // 1
 * ```
 */
export class ShownList<T extends Ordered> {
  #items: T[] = [];
  #heights: number[] = [];
  /** Each row's top, from an origin that stays put as rows leave the front. */
  #tops: number[] = [];
  #start = 0;
  readonly #heightOf: (row: T) => number;

  /** `heightOf` gives a row's height until `setHeights` says otherwise. */
  constructor(heightOf: (row: T) => number) {
    this.#heightOf = heightOf;
  }

  /** How many rows. */
  get length(): number {
    return this.#items.length - this.#start;
  }

  /** The row at `index` (0 is the oldest). */
  at(index: number): T {
    return this.#items[this.#start + index];
  }

  /** The newest row. */
  get last(): T | undefined {
    return this.length === 0 ? undefined : this.#items[this.#items.length - 1];
  }

  /** The top of row `index` (`length`: the bottom of the last), from the top of the first. */
  top(index: number): number {
    if (this.length === 0) return 0;
    const origin = this.#tops[this.#start];
    if (index >= this.length) {
      const end = this.#items.length - 1;
      return this.#tops[end] + this.#heights[end] - origin;
    }
    return this.#tops[this.#start + index] - origin;
  }

  /** The height of row `index`, as last given or estimated. */
  heightAt(index: number): number {
    return this.#heights[this.#start + index];
  }

  /** The height of all rows. */
  get height(): number {
    return this.top(this.length);
  }

  /** The row under `y` (the last whose top is at or above it); 0 when empty. */
  indexAt(y: number): number {
    let low = 0, high = this.length - 1;
    if (high < 0) return 0;
    const target = y + this.#tops[this.#start];
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (this.#tops[this.#start + mid] <= target) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  /** Puts rows in their places; returns how many went after all that was there. */
  add(rows: readonly T[]): number {
    const sorted = [...rows].sort((a, b) => (before(a, b) ? -1 : 1));
    let appended = 0, firstMoved = Infinity;
    for (const row of sorted) {
      const last = this.last;
      const height = this.#heightOf(row);
      if (last === undefined || !before(row, last)) {
        const end = this.#items.length - 1;
        this.#tops.push(end < this.#start ? 0 : this.#tops[end] + this.#heights[end]);
        this.#items.push(row);
        this.#heights.push(height);
        appended++;
      } else {
        const at = this.#start + this.#search(row);
        this.#items.splice(at, 0, row);
        this.#heights.splice(at, 0, height);
        this.#tops.splice(at, 0, 0);
        firstMoved = Math.min(firstMoved, at);
      }
    }
    if (firstMoved !== Infinity) this.#retop(firstMoved);
    return appended;
  }

  /** Drops rows from the front while `gone` says so; returns how many. */
  dropFront(gone: (row: T) => boolean): number {
    let dropped = 0;
    while (this.length > 0 && gone(this.#items[this.#start])) {
      this.#items[this.#start++] = undefined as unknown as T;
      dropped++;
    }
    if (this.#start > 1024 && this.#start * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#start);
      this.#heights = this.#heights.slice(this.#start);
      this.#tops = this.#tops.slice(this.#start);
      this.#start = 0;
    }
    return dropped;
  }

  /** New heights of rows (by index), measured; the tops after the first one move. */
  setHeights(heights: ReadonlyMap<number, number>): void {
    let first = Infinity;
    for (const [index, height] of heights) {
      this.#heights[this.#start + index] = height;
      first = Math.min(first, this.#start + index);
    }
    if (first !== Infinity) this.#retop(first);
  }

  /** Forgets the heights given and asks `heightOf` again for every row (a new width, font, wrap). */
  relayout(): void {
    for (let i = this.#start; i < this.#items.length; i++) {
      this.#heights[i] = this.#heightOf(this.#items[i]);
    }
    this.#retop(this.#start);
  }

  /** The index of `row`, or -1. */
  indexOf(row: T): number {
    const index = this.#search(row);
    return index < this.length && this.at(index) === row ? index : -1;
  }

  /** Replaces every row (already in order). */
  reset(rows: T[]): void {
    this.#items = rows;
    this.#heights = rows.map((row) => this.#heightOf(row));
    this.#tops = new Array(rows.length);
    this.#start = 0;
    this.#retop(0);
  }

  /** Recomputes the tops from absolute index `from` on. */
  #retop(from: number): void {
    for (let i = Math.max(from, this.#start); i < this.#items.length; i++) {
      this.#tops[i] = i === this.#start
        ? (this.#tops[i] ?? 0)
        : this.#tops[i - 1] + this.#heights[i - 1];
    }
  }

  /** The index of the first row not before `row`. */
  #search(row: T): number {
    let low = 0, high = this.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (before(this.at(mid), row)) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

/**
 * The page's lines, in time order, bounded by count and by characters: the
 * oldest go first when either bound is passed, and the store counts them so
 * that the page can say so.
 *
 * @module
 */

/** What the store needs of an item. */
export interface Ordered {
  /** Sorts the items (a normalised UTC timestamp); ties keep arrival order. */
  readonly key: string;
  /** Arrival order, unique. */
  readonly seq: number;
  /** Its weight against `maxChars`. */
  readonly size: number;
}

/** The store's bounds. */
export interface StoreLimits {
  readonly maxItems: number;
  readonly maxChars: number;
}

function before(a: Ordered, b: Ordered): boolean {
  return a.key < b.key || (a.key === b.key && a.seq < b.seq);
}

/**
 * A bounded list sorted by `(key, seq)`. Appending in order costs O(1); an
 * item older than the newest is put in its place with a binary search.
 *
 * @example
 * ```ts ignore
 * const store = new LogStore<Item>({ maxItems: 2, maxChars: 1e6 });
 * store.insert(a); store.insert(b);
 * store.insert(c); // returns [a]: the oldest went
 * ```
 */
export class LogStore<T extends Ordered> {
  #items: T[] = [];
  /** Index of the first live item in `#items` (evicted ones before it, not yet compacted). */
  #start = 0;
  #chars = 0;
  #dropped = 0;
  readonly #limits: StoreLimits;

  constructor(limits: StoreLimits) {
    this.#limits = limits;
  }

  /** Items held. */
  get size(): number {
    return this.#items.length - this.#start;
  }

  /** Items dropped to keep within the bounds since the last `clear()`. */
  get dropped(): number {
    return this.#dropped;
  }

  /** The newest item. */
  get last(): T | undefined {
    return this.size === 0 ? undefined : this.#items[this.#items.length - 1];
  }

  /**
   * Adds an item in its place and returns the items dropped to make room (the
   * oldest; possibly the new one itself, when it is older than all that stays).
   */
  insert(item: T): T[] {
    const items = this.#items;
    const last = items.length > this.#start ? items[items.length - 1] : undefined;
    if (last === undefined || !before(item, last)) {
      items.push(item);
    } else {
      let low = this.#start, high = items.length - 1;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (before(item, items[mid])) high = mid;
        else low = mid + 1;
      }
      items.splice(low, 0, item);
    }
    this.#chars += item.size;
    const evicted: T[] = [];
    while (
      this.size > 0 &&
      (this.size > this.#limits.maxItems || this.#chars > this.#limits.maxChars)
    ) {
      const oldest = items[this.#start];
      items[this.#start++] = undefined as unknown as T;
      this.#chars -= oldest.size;
      this.#dropped++;
      evicted.push(oldest);
    }
    if (this.#start > 1024 && this.#start * 2 > items.length) {
      this.#items = items.slice(this.#start);
      this.#start = 0;
    }
    return evicted;
  }

  /** The item after `item` in order that satisfies `predicate`, searching at most `limit` items. */
  nextAfter(
    item: T,
    predicate: (candidate: T) => boolean,
    limit = Infinity,
  ): T | undefined {
    const items = this.#items;
    let low = this.#start, high = items.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (before(item, items[mid]) || items[mid] === item) high = mid;
      else low = mid + 1;
    }
    // `low` is the item's own index when it is held; start after it.
    if (items[low] === item) low++;
    for (let i = low, n = 0; i < items.length && n < limit; i++, n++) {
      if (predicate(items[i])) return items[i];
    }
    return undefined;
  }

  /** Every item, oldest first. */
  *[Symbol.iterator](): IterableIterator<T> {
    const items = this.#items;
    for (let i = this.#start; i < items.length; i++) yield items[i];
  }

  /** Removes the items `gone` says and returns them (the dropped count stays). */
  remove(gone: (item: T) => boolean): T[] {
    const removed: T[] = [];
    const kept: T[] = [];
    for (const item of this) (gone(item) ? removed : kept).push(item);
    if (removed.length === 0) return removed;
    this.#items = kept;
    this.#start = 0;
    for (const item of removed) this.#chars -= item.size;
    return removed;
  }

  /** Forgets every item and the dropped count. */
  clear(): void {
    this.#items = [];
    this.#start = 0;
    this.#chars = 0;
    this.#dropped = 0;
  }
}

/**
 * Drops what a reconnected stream sends again. A stream that resumes by its
 * cursor sends nothing twice and this filter passes everything; one that had
 * to start again from a time (an unknown cursor, a new `EventSource` after a
 * failure) sends again the lines at and after that time, and the filter drops
 * those, per instance, until the first line newer than the last one shown.
 *
 * @module
 */

/** What the filter reads of a line. */
export interface Stamped {
  readonly instance: string;
  /** A key that sorts as time does (see `timestampKey`). */
  readonly key: string;
  readonly text: string;
}

interface Last {
  key: string;
  /** The texts already shown at `key` (reused: no allocation per line). */
  readonly texts: string[];
  /**
   * Since `arm()`: the texts shown at `key` not yet seen again, one per
   * line shown (two lines alike at one instant are two).
   */
  unseen?: string[];
}

/**
 * Remembers, per instance, the newest line shown; after `arm()`, drops lines
 * that are not newer, and at the same instant as many lines of each text
 * as were shown.
 *
 * @example
 * ```ts ignore
 * const filter = new OverlapFilter();
 * filter.accept(a); filter.arm();
 * filter.accept(a); // false: seen
 * ```
 */
export class OverlapFilter {
  #last = new Map<string, Last>();
  #armed = false;
  /** Instances found in step since `arm()`. */
  #synced = new Set<string>();

  /** From now on, drop repeats until each instance is past what was shown. */
  arm(): void {
    this.#armed = true;
    this.#synced.clear();
    for (const last of this.#last.values()) last.unseen = [...last.texts];
  }

  /** The stream resumed exactly (by its cursor): nothing comes twice, drop nothing. */
  disarm(): void {
    this.#armed = false;
    for (const last of this.#last.values()) last.unseen = undefined;
  }

  /** Whether to show this line (and if so, it is remembered). */
  accept(line: Stamped): boolean {
    const last = this.#last.get(line.instance);
    if (last === undefined) {
      this.#last.set(line.instance, { key: line.key, texts: [line.text] });
      if (this.#armed) this.#synced.add(line.instance);
      return true;
    }
    if (line.key > last.key) {
      last.key = line.key;
      last.texts.length = 0;
      last.texts.push(line.text);
      last.unseen = undefined;
      if (this.#armed) this.#synced.add(line.instance);
      return true;
    }
    const inOverlap = this.#armed && !this.#synced.has(line.instance);
    if (line.key === last.key) {
      // Each line shown at this instant is dropped once when it comes again.
      const at = inOverlap && last.unseen !== undefined ? last.unseen.indexOf(line.text) : -1;
      if (at >= 0) {
        last.unseen!.splice(at, 1);
        return false;
      }
      // Many lines of one instant (a coarse clock) are not remembered without end.
      if (last.texts.length < 10_000) last.texts.push(line.text);
      return true;
    }
    // Older than the newest shown: a repeat while in overlap, else a late line.
    return !inOverlap;
  }
}

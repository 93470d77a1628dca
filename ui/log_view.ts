/**
 * The log itself: a bounded, time-ordered list of rows drawn once per
 * animation frame. It follows the newest line until the reader scrolls up,
 * then counts what arrives below ("N new lines, jump to latest"); paused, it
 * draws nothing but keeps counting; filters and display changes redraw it.
 *
 * @module
 */
import type { Entry } from "./log_entry.ts";
import { LogStore, type StoreLimits } from "./log_store.ts";
import { prettyJson, renderRow } from "./render_row.ts";
import { type RowFilter, rowMatches } from "./row_filter.ts";
import type { TextFilter } from "./text_filter.ts";

/** The elements the view draws into. */
export interface LogViewElements {
  /** The scrolling box. */
  readonly scroller: HTMLElement;
  /** The rows' parent, inside the scroller. */
  readonly rows: HTMLElement;
}

/** What the page reports about the log (the footer and the buttons read it). */
export interface LogCounts {
  /** Lines received since the page opened (or was cleared). */
  readonly received: number;
  /** Lines held (at most the store's bound). */
  readonly held: number;
  /** Rows matching the filters among those held. */
  readonly matching: number;
  /** Old lines dropped to stay within the bound. */
  readonly dropped: number;
  /** Rows drawn below the reader's position while they were scrolled up. */
  readonly unseen: number;
  /** Lines that arrived while paused. */
  readonly whilePaused: number;
  readonly paused: boolean;
  readonly following: boolean;
  /** Rows drawn since the page opened (for the benchmark). */
  readonly rendered: number;
}

/** How close to the bottom (in pixels) still counts as following. */
const NEAR_BOTTOM = 24;

const EMPTY_FILTER: RowFilter = { levels: new Set(), instances: new Set() };

function before(a: Entry, b: Entry): boolean {
  return a.key < b.key || (a.key === b.key && a.seq < b.seq);
}

/** The log view. */
export class LogView {
  readonly #elements: LogViewElements;
  readonly #store: LogStore<Entry>;
  readonly #onCounts: (counts: LogCounts) => void;
  readonly #rows = new Map<Entry, HTMLElement>();
  readonly #entryOf = new WeakMap<Element, Entry>();
  readonly #matching = new Set<Entry>();
  readonly #expanded = new WeakSet<Entry>();
  readonly #gone = new WeakSet<Entry>();
  /** Entries added since the last draw, in arrival order. */
  #pending: Entry[] = [];
  /** Rows of dropped entries still to take out of the DOM (kept while paused). */
  #toRemove: HTMLElement[] = [];
  /** The entry whose row is last in the DOM. */
  #lastDrawn: Entry | undefined;
  #filter: RowFilter = EMPTY_FILTER;
  #highlight: TextFilter | undefined;
  #utc = false;
  #frame = 0;
  #paused = false;
  #following = true;
  #unseen = 0;
  #received = 0;
  #whilePaused = 0;
  #rendered = 0;

  constructor(
    elements: LogViewElements,
    limits: StoreLimits,
    onCounts: (counts: LogCounts) => void,
  ) {
    this.#elements = elements;
    this.#store = new LogStore(limits);
    this.#onCounts = onCounts;
    const scroller = elements.scroller;
    scroller.addEventListener("scroll", () => {
      const following = this.#nearBottom();
      if (following !== this.#following || (following && this.#unseen > 0)) {
        this.#following = following;
        if (following) this.#unseen = 0;
        this.#report();
      }
    }, { passive: true });
    // A reader's move up stops following at once, before the next frame can scroll back down.
    scroller.addEventListener("wheel", (event) => {
      if (event.deltaY < 0) this.#stopFollowing();
    }, { passive: true });
    scroller.addEventListener("keydown", (event) => {
      if (["ArrowUp", "PageUp", "Home"].includes(event.key)) this.#stopFollowing();
    });
    scroller.addEventListener("touchmove", () => {
      if (!this.#nearBottom()) this.#stopFollowing();
    }, { passive: true });
    elements.rows.addEventListener("click", (event) => this.#onClick(event));
  }

  /** Adds a line; it is drawn at the next frame (or on resume). */
  add(entry: Entry): void {
    this.#received++;
    if (this.#paused) this.#whilePaused++;
    for (const old of this.#store.insert(entry)) this.#drop(old);
    if (this.#gone.has(entry)) return;
    if (rowMatches(entry, this.#filter)) this.#matching.add(entry);
    this.#pending.push(entry);
    // While paused nothing is drawn: keep the queue to what can still be drawn.
    if (this.#pending.length > 2 * this.#store.size + 1024) {
      this.#pending = this.#pending.filter((e) => !this.#gone.has(e));
    }
    this.#schedule();
  }

  /** The filters and highlight changed: redraw every held line. */
  setFilter(filter: RowFilter, highlight: TextFilter | undefined): void {
    this.#filter = filter;
    this.#highlight = highlight;
    this.#matching.clear();
    for (const entry of this.#store) if (rowMatches(entry, filter)) this.#matching.add(entry);
    this.#redraw();
  }

  /** Times in UTC or local: redraw. */
  setUtc(utc: boolean): void {
    if (utc === this.#utc) return;
    this.#utc = utc;
    this.#redraw();
  }

  /** Stops drawing; lines go on arriving and are counted. */
  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#whilePaused = 0;
    this.#report();
  }

  /** Draws what arrived while paused. */
  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#whilePaused = 0;
    this.#schedule();
    this.#report();
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** Scrolls to the newest line and follows again. */
  jumpToLatest(): void {
    this.#following = true;
    this.#unseen = 0;
    this.#scrollToBottom();
    this.#report();
  }

  /** Forgets every line. */
  clear(): void {
    this.#store.clear();
    this.#matching.clear();
    this.#received = 0;
    this.#whilePaused = 0;
    this.#redraw();
  }

  /** The rows shown, oldest first (what a download saves). */
  shown(): Entry[] {
    return [...this.#store].filter((e) => this.#matching.has(e));
  }

  /** Draws every held line again (after a filter or display change, or a clear). */
  #redraw(): void {
    this.#rows.clear();
    this.#pending = [];
    this.#toRemove = [];
    this.#lastDrawn = undefined;
    this.#unseen = 0;
    const fragment = document.createDocumentFragment();
    for (const entry of this.#store) {
      if (!this.#matching.has(entry)) continue;
      const row = this.#render(entry);
      fragment.append(row);
      this.#lastDrawn = entry;
    }
    this.#elements.rows.replaceChildren(fragment);
    if (this.#following) this.#scrollToBottom();
    this.#report();
  }

  #render(entry: Entry): HTMLElement {
    const row = renderRow(entry, {
      utc: this.#utc,
      highlight: this.#highlight,
      expanded: this.#expanded.has(entry),
    });
    this.#rows.set(entry, row);
    this.#entryOf.set(row, entry);
    this.#rendered++;
    return row;
  }

  #drop(entry: Entry): void {
    this.#gone.add(entry);
    this.#matching.delete(entry);
    const row = this.#rows.get(entry);
    if (row === undefined) return;
    this.#rows.delete(entry);
    if (this.#paused) this.#toRemove.push(row);
    else row.remove();
    if (this.#lastDrawn === entry) this.#lastDrawn = undefined;
  }

  #schedule(): void {
    if (this.#frame === 0) this.#frame = requestAnimationFrame(() => this.#draw());
  }

  /** Once a frame: draws what arrived (paused: only says how much). */
  #draw(): void {
    this.#frame = 0;
    if (this.#paused) return this.#report();
    for (const row of this.#toRemove) row.remove();
    this.#toRemove = [];
    const batch = this.#pending.filter((e) => !this.#gone.has(e) && this.#matching.has(e));
    this.#pending = [];
    batch.sort((a, b) => (before(a, b) ? -1 : 1));
    const last = this.#lastDrawn;
    const fragment = document.createDocumentFragment();
    let appended = 0;
    for (const entry of batch) {
      const row = this.#render(entry);
      if (last === undefined || !before(entry, last)) {
        fragment.append(row);
        appended++;
        this.#lastDrawn = entry;
        continue;
      }
      // Older than what is drawn (a slower stream's line): put it in its place.
      const next = this.#store.nextAfter(entry, (e) => this.#rows.get(e)?.isConnected === true);
      const nextRow = next === undefined ? undefined : this.#rows.get(next);
      if (nextRow !== undefined && nextRow.isConnected) nextRow.before(row);
      else fragment.prepend(row);
    }
    this.#elements.rows.append(fragment);
    if (this.#following) this.#scrollToBottom();
    else this.#unseen += appended;
    this.#report();
  }

  #onClick(event: Event): void {
    const target = event.target;
    if (!(target instanceof HTMLElement) || !target.classList.contains("json-toggle")) return;
    const row = target.closest(".row");
    const entry = row === null ? undefined : this.#entryOf.get(row);
    if (entry === undefined || row === null) return;
    const open = !this.#expanded.has(entry);
    if (open) this.#expanded.add(entry);
    else this.#expanded.delete(entry);
    target.textContent = open ? "{ - }" : "{ + }";
    target.title = open ? "Collapse the JSON" : "Show the JSON pretty-printed";
    target.setAttribute("aria-expanded", String(open));
    if (open) row.append(prettyJson(entry));
    else row.querySelector(".json-pretty")?.remove();
  }

  #nearBottom(): boolean {
    const s = this.#elements.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight <= NEAR_BOTTOM;
  }

  #stopFollowing(): void {
    if (!this.#following) return;
    this.#following = false;
    this.#report();
  }

  #scrollToBottom(): void {
    const s = this.#elements.scroller;
    s.scrollTop = s.scrollHeight;
  }

  #report(): void {
    this.#onCounts({
      received: this.#received,
      held: this.#store.size,
      matching: this.#matching.size,
      dropped: this.#store.dropped,
      unseen: this.#unseen,
      whilePaused: this.#whilePaused,
      paused: this.#paused,
      following: this.#following,
      rendered: this.#rendered,
    });
  }
}

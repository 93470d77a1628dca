/**
 * The log itself: a bounded, time-ordered list of rows of which only those
 * on screen (and a screen's worth around them) are in the DOM, drawn once
 * per animation frame. A function writing 10,000 lines a second then costs
 * the page a screenful of rows per frame, not 10,000 elements a second.
 *
 * It follows the newest line until the reader scrolls up, then keeps their
 * place and counts what arrives below ("N new lines, jump to latest");
 * paused, the rows shown stay as they are (scrolling still works) while new
 * lines are counted; filters and display changes redraw it.
 *
 * @module
 */
import type { Entry } from "./log_entry.ts";
import { LogStore, type StoreLimits } from "./log_store.ts";
import { prettyJson, renderRow } from "./render_row.ts";
import { estimateHeight, type RowMetrics } from "./row_heights.ts";
import { type RowFilter, rowMatches } from "./row_filter.ts";
import { ShownList } from "./shown_list.ts";
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
  /** Rows added below the reader's position while they were scrolled up. */
  readonly unseen: number;
  /** Lines that arrived while paused. */
  readonly whilePaused: number;
  readonly paused: boolean;
  readonly following: boolean;
  /** Rows added to the view since the page opened. */
  readonly shown: number;
  /** Row elements built since the page opened (only rows on screen are built). */
  readonly built: number;
}

/** How close to the bottom (in pixels) still counts as following. */
const NEAR_BOTTOM = 24;
/** Pixels drawn above and below the screen. */
const OVERSCAN = 600;
/** Characters the time and badge take before the message (for estimates). */
const PREFIX_CHARS = 24;

const EMPTY_FILTER: RowFilter = { levels: new Set(), instances: new Set() };

/** The log view. */
export class LogView {
  readonly #elements: LogViewElements;
  readonly #store: LogStore<Entry>;
  readonly #onCounts: (counts: LogCounts) => void;
  readonly #shown = new ShownList<Entry>((entry) => this.#heightOf(entry));
  /** Rows in the DOM now. */
  #drawn = new Map<Entry, HTMLElement>();
  readonly #entryOf = new WeakMap<Element, Entry>();
  readonly #matching = new Set<Entry>();
  readonly #expanded = new WeakSet<Entry>();
  readonly #gone = new WeakSet<Entry>();
  /** Entries added since the last frame, in arrival order. */
  #pending: Entry[] = [];
  #metrics: RowMetrics = {
    lineHeight: 18,
    charWidth: 7.5,
    width: 800,
    wrap: true,
  };
  #timestamps = true;
  #filter: RowFilter = EMPTY_FILTER;
  #highlight: TextFilter | undefined;
  #utc = false;
  #frame = 0;
  /** A draw that the reader asked for (a scroll, a button) waits for nothing. */
  #urgent = false;
  /** New lines alone are not drawn again before this (see `#onFrame`). */
  #calmUntil = 0;
  #paused = false;
  #following = true;
  #unseen = 0;
  #received = 0;
  #whilePaused = 0;
  /** The newest arrival (`seq`) applied to the view: while paused, nothing after it shows. */
  #appliedSeq = -1;
  #shownCount = 0;
  #built = 0;

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
      if (following !== this.#following) {
        this.#following = following;
        if (following) this.#unseen = 0;
      }
      this.#schedule(true);
    }, { passive: true });
    // A reader's move up stops following at once, before the next frame can scroll back down.
    scroller.addEventListener("wheel", (event) => {
      if (event.deltaY < 0) this.#stopFollowing();
    }, { passive: true });
    scroller.addEventListener("keydown", (event) => {
      if (["ArrowUp", "PageUp", "Home"].includes(event.key)) {
        this.#stopFollowing();
      }
    });
    scroller.addEventListener("touchmove", () => {
      if (!this.#nearBottom()) this.#stopFollowing();
    }, { passive: true });
    elements.rows.addEventListener("click", (event) => this.#onClick(event));
    new ResizeObserver(() => this.#measureMetrics()).observe(scroller);
    this.#measureMetrics();
  }

  /** Adds a line; it is shown at the next frame (or on resume). */
  add(entry: Entry): void {
    this.#received++;
    for (const old of this.#store.insert(entry)) {
      this.#gone.add(old);
      this.#matching.delete(old);
    }
    if (this.#gone.has(entry)) return;
    if (rowMatches(entry, this.#filter)) {
      this.#matching.add(entry);
      // What resuming will show: lines the filters let through.
      if (this.#paused && entry.kind !== "notice") this.#whilePaused++;
    }
    this.#pending.push(entry);
    // While paused nothing is applied: keep the queue to what can still be shown.
    if (this.#pending.length > 2 * this.#store.size + 1024) {
      this.#pending = this.#pending.filter((e) => !this.#gone.has(e));
    }
    this.#schedule();
  }

  /** The filters and highlight changed: every held line is sorted again. */
  setFilter(filter: RowFilter, highlight: TextFilter | undefined): void {
    this.#filter = filter;
    this.#highlight = highlight;
    this.#matching.clear();
    for (const entry of this.#store) {
      if (rowMatches(entry, filter)) this.#matching.add(entry);
    }
    this.#rebuild();
    if (this.#paused) this.#report();
  }

  /** Forgets the lines `gone` says (a function no longer followed). */
  removeWhere(gone: (entry: Entry) => boolean): void {
    for (const entry of this.#store.remove(gone)) {
      this.#gone.add(entry);
      this.#matching.delete(entry);
    }
    this.#rebuild();
    this.#report();
  }

  /** Times in UTC or local. */
  setUtc(utc: boolean): void {
    if (utc === this.#utc) return;
    this.#utc = utc;
    this.#rebuild();
  }

  /** Wrapping and timestamps change every row's size. */
  setDisplay(wrap: boolean, timestamps: boolean): void {
    this.#elements.scroller.classList.toggle("nowrap", !wrap);
    this.#elements.scroller.classList.toggle("hide-ts", !timestamps);
    this.#timestamps = timestamps;
    this.#metrics = { ...this.#metrics, wrap };
    this.#shown.relayout();
    this.#schedule(true);
  }

  /** Stops applying new lines; they go on arriving and are counted. */
  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#whilePaused = 0;
    this.#report();
  }

  /** Applies what arrived while paused. */
  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#whilePaused = 0;
    this.#schedule(true);
    this.#report();
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** Scrolls to the newest line and follows again. */
  jumpToLatest(): void {
    this.#following = true;
    this.#unseen = 0;
    this.#schedule(true);
    this.#report();
  }

  /** Forgets every line. */
  clear(): void {
    this.#store.clear();
    this.#matching.clear();
    this.#received = 0;
    this.#whilePaused = 0;
    this.#rebuild();
  }

  /** The rows shown, oldest first (what a download saves). */
  shown(): Entry[] {
    return Array.from(
      { length: this.#shown.length },
      (_, i) => this.#shown.at(i),
    );
  }

  /**
   * Sorts every held line into the view again (a filter or display change, a
   * clear). While paused, only what was applied before the pause: the rest
   * waits for the resume.
   */
  #rebuild(): void {
    const anchor = this.#anchor();
    const held = [...this.#store];
    if (this.#paused) {
      const applied = this.#appliedSeq;
      this.#shown.reset(held.filter((e) => e.seq <= applied && this.#matching.has(e)));
      this.#pending = held.filter((e) => e.seq > applied).sort((a, b) => a.seq - b.seq);
      this.#whilePaused = this.#pending.filter((e) =>
        this.#matching.has(e) && e.kind !== "notice"
      ).length;
    } else {
      this.#shown.reset(held.filter((e) => this.#matching.has(e)));
      this.#pending = [];
      for (const e of held) if (e.seq > this.#appliedSeq) this.#appliedSeq = e.seq;
    }
    this.#unseen = 0;
    this.#drawn = new Map();
    this.#elements.rows.replaceChildren();
    this.#draw(anchor);
  }

  #schedule(urgent = false): void {
    if (urgent) this.#urgent = true;
    if (this.#frame === 0) this.#frame = requestAnimationFrame((now) => this.#onFrame(now));
  }

  /**
   * Draws at most once a frame, and when only new lines ask for it, no sooner
   * than three times the last draw's cost after it: under a flood the draws
   * take at most about a quarter of the main thread, and input stays quick.
   */
  #onFrame(now: number): void {
    this.#frame = 0;
    if (!this.#urgent && now < this.#calmUntil) return this.#schedule();
    this.#urgent = false;
    const started = performance.now();
    this.#draw();
    this.#calmUntil = now + Math.min(100, (performance.now() - started) * 3);
  }

  /** The row at the top of the screen and how far into it the screen starts. */
  #anchor(): { entry: Entry; delta: number } | undefined {
    if (this.#following || this.#shown.length === 0) return undefined;
    const y = this.#elements.scroller.scrollTop - this.#elements.rows.offsetTop;
    const index = this.#shown.indexAt(Math.max(0, y));
    return { entry: this.#shown.at(index), delta: y - this.#shown.top(index) };
  }

  /** Once a frame: applies what arrived (unless paused) and draws the rows on screen. */
  #draw(anchor = this.#anchor()): void {
    cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    const shown = this.#shown;
    if (!this.#paused) {
      shown.dropFront((e) => this.#gone.has(e));
      for (const e of this.#pending) if (e.seq > this.#appliedSeq) this.#appliedSeq = e.seq;
      const fresh = this.#pending.filter((e) => !this.#gone.has(e) && this.#matching.has(e));
      this.#pending = [];
      const appended = shown.add(fresh);
      this.#shownCount += fresh.length;
      if (!this.#following) this.#unseen += appended;
    }
    const scroller = this.#elements.scroller, rows = this.#elements.rows;
    const base = rows.offsetTop;
    const topOf = () => {
      if (this.#following) return Math.max(0, shown.height - scroller.clientHeight);
      if (anchor === undefined) return Math.max(0, scroller.scrollTop - base);
      const index = shown.indexOf(anchor.entry);
      return index < 0 ? 0 : shown.top(index) + anchor.delta;
    };
    const top = topOf();
    const from = shown.indexAt(Math.max(0, top - OVERSCAN));
    const to = Math.min(shown.length, shown.indexAt(top + scroller.clientHeight + OVERSCAN) + 1);
    const drawn = new Map<Entry, HTMLElement>();
    const children: HTMLElement[] = [];
    for (let i = from; i < to; i++) {
      const entry = shown.at(i);
      const row = this.#drawn.get(entry) ?? this.#render(entry);
      drawn.set(entry, row);
      children.push(row);
    }
    this.#drawn = drawn;
    rows.replaceChildren(...children);
    // Measure what was drawn; estimates give way to real heights.
    const measured = new Map<number, number>();
    for (let i = from; i < to; i++) {
      const height = children[i - from].getBoundingClientRect().height;
      if (height > 0 && Math.abs(height - shown.heightAt(i)) > 0.01) measured.set(i, height);
    }
    shown.setHeights(measured);
    rows.style.paddingTop = `${shown.top(from)}px`;
    rows.style.paddingBottom = `${shown.height - shown.top(to)}px`;
    // Following: to the very end (the browser clamps), whatever rounding the heights carry.
    scroller.scrollTop = this.#following ? scroller.scrollHeight : base + topOf();
    // Heights that were off may leave the screen short of rows: draw once more.
    if (measured.size > 0) this.#schedule(true);
    this.#report();
  }

  /** A row's height before it is measured: estimated from its text and the box. */
  #heightOf(entry: Entry): number {
    // The text's length, not the shown form's: that would build every JSON line's compact text.
    const chars = entry.message.text.length + entry.source.length +
      (this.#timestamps ? PREFIX_CHARS : 1);
    const extra = this.#expanded.has(entry)
      ? JSON.stringify(entry.json, null, 2).split("\n").length + 1
      : 0;
    return estimateHeight(chars, this.#metrics, extra);
  }

  #render(entry: Entry): HTMLElement {
    const row = renderRow(entry, {
      utc: this.#utc,
      highlight: this.#highlight,
      expanded: this.#expanded.has(entry),
    });
    this.#entryOf.set(row, entry);
    this.#built++;
    return row;
  }

  /** The line height and character width of the log's font, and the width rows wrap at. */
  #measureMetrics(): void {
    const rows = this.#elements.rows;
    const probe = document.createElement("div");
    probe.className = "row";
    probe.style.position = "absolute";
    probe.style.visibility = "hidden";
    probe.style.whiteSpace = "pre";
    probe.textContent = "0".repeat(100);
    rows.append(probe);
    const box = probe.getBoundingClientRect();
    probe.remove();
    const width = rows.clientWidth - 24;
    if (box.height > 0 && width > 0) {
      const old = this.#metrics;
      this.#metrics = { ...old, lineHeight: box.height, charWidth: box.width / 100, width };
      if (width !== old.width || box.height !== old.lineHeight) this.#shown.relayout();
    }
    this.#schedule();
  }

  #onClick(event: Event): void {
    const target = event.target;
    if (
      !(target instanceof HTMLElement) ||
      !target.classList.contains("json-toggle")
    ) return;
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
    this.#schedule(true);
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
      shown: this.#shownCount,
      built: this.#built,
    });
  }
}

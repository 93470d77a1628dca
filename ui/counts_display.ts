/**
 * The counts around the log: matches, lines shown and received, the dropped
 * marker, the pause button's count, "N new lines, jump to latest", and what
 * to say when nothing shows. At once when what a reader acts on changes
 * (paused, new lines below, nothing to show); otherwise at most four times a
 * second, so that a flood of lines does not re-lay the page out every frame.
 *
 * @module
 */
import type { Elements } from "./elements.ts";
import type { LogCounts } from "./log_view.ts";

/** What the texts depend on besides the counts. */
export interface CountsContext {
  /** The search box holds something (a match count is shown). */
  readonly searching: boolean;
  /** Some filter is on ("N of M lines shown"). */
  readonly filtered: boolean;
  /** A function is followed (else the page says to choose one). */
  readonly following: boolean;
}

const number = new Intl.NumberFormat("en-US");

/** Sets an element's text only when it changes (a write re-lays the page out). */
function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

/** The counts' elements, kept up to date. */
export class CountsDisplay {
  readonly #el: Elements;
  readonly #maxRows: number;
  #state = "";
  #shownAt = -Infinity;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #latest: [LogCounts, CountsContext] | undefined;

  constructor(elements: Elements, maxRows: number) {
    this.#el = elements;
    this.#maxRows = maxRows;
  }

  /** Shows the counts now or soon (see the module's note). */
  show(counts: LogCounts, context: CountsContext): void {
    this.#latest = [counts, context];
    const state = [
      counts.paused,
      counts.following,
      counts.unseen > 0,
      counts.matching > 0,
      counts.dropped > 0,
      context.searching,
      context.filtered,
      context.following,
    ].join();
    const now = performance.now();
    if (state === this.#state && now - this.#shownAt < 250) {
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        this.#shownAt = -Infinity;
        this.show(...this.#latest!);
      }, 250);
      return;
    }
    this.#state = state;
    this.#shownAt = now;
    this.#write(counts, context);
  }

  #write(counts: LogCounts, context: CountsContext): void {
    const el = this.#el;
    setText(
      el.matchCount,
      context.searching
        ? `${number.format(counts.matching)} ${counts.matching === 1 ? "match" : "matches"}`
        : "",
    );
    setText(
      el.counts,
      `${number.format(context.filtered ? counts.matching : counts.held)}${
        context.filtered ? ` of ${number.format(counts.held)}` : ""
      } lines shown · ${number.format(counts.received)} received`,
    );
    Object.assign(el.counts.dataset, {
      received: String(counts.received),
      shown: String(counts.shown),
      built: String(counts.built),
      held: String(counts.held),
    });
    el.dropped.hidden = counts.dropped === 0;
    setText(
      el.dropped,
      `${number.format(counts.dropped)} older lines dropped: ` +
        `this page keeps the latest ${number.format(this.#maxRows)}.`,
    );
    setText(
      el.pause,
      counts.paused ? `Resume (${number.format(counts.whilePaused)} new)` : "Pause",
    );
    el.pause.setAttribute("aria-pressed", String(counts.paused));
    el.jump.hidden = counts.following || counts.unseen === 0 || counts.paused;
    setText(
      el.jump,
      `${number.format(counts.unseen)} new ${counts.unseen === 1 ? "line" : "lines"}, ` +
        "jump to latest",
    );
    el.empty.hidden = counts.matching > 0;
    setText(
      el.empty,
      !context.following
        ? "Choose a function to follow its logs."
        : counts.held === 0
        ? "No lines yet."
        : "No line matches the filters.",
    );
  }
}

/**
 * The status light at the top: the followed functions' states summed up
 * (see `summarizeStreams`), or a page-wide state such as "sign-in needed",
 * with the Retry button when a failure waits for the reader.
 *
 * @module
 */
import type { StreamState } from "./function_stream.ts";
import { type Light, summarizeStreams } from "./stream_status.ts";

/** The light's elements. */
export interface StatusElements {
  readonly status: HTMLElement;
  readonly statusText: HTMLElement;
  readonly retry: HTMLButtonElement;
}

/** The status light. */
export class StatusLight {
  readonly #el: StatusElements;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(elements: StatusElements) {
    this.#el = elements;
  }

  /** Shows a page-wide state. */
  set(light: Light, text: string, canRetry = false): void {
    clearTimeout(this.#timer);
    this.#el.status.dataset.light = light;
    this.#el.statusText.textContent = text;
    this.#el.retry.hidden = !canRetry;
  }

  /** Shows the streams' states, again each second while "resumed" or a retry countdown shows. */
  show(states: ReadonlyMap<string, StreamState>): void {
    const summary = summarizeStreams(states, Date.now());
    this.set(summary.light, summary.text, summary.canRetry);
    if (summary.light === "resumed" || summary.light === "failed") {
      this.#timer = setTimeout(() => this.show(states), 1000);
    }
  }
}

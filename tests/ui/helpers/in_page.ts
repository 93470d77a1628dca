/**
 * The little of the DOM that the tests' in-page callbacks use. Playwright runs
 * those callbacks in the browser, but the tests are type-checked with Deno's
 * types, which have no DOM (and the DOM's types clash with Deno's in one
 * program), so a callback starts with
 * `const page = globalThis as unknown as InPage;` and uses `page.document`.
 */

/** A rectangle on screen. */
export interface PageRect {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
  readonly width: number;
  readonly height: number;
}

/** An element, as the callbacks read it. */
export interface PageElement {
  readonly id: string;
  readonly textContent: string | null;
  readonly clientWidth: number;
  readonly clientHeight: number;
  readonly scrollWidth: number;
  readonly scrollHeight: number;
  readonly scrollTop: number;
  getBoundingClientRect(): PageRect;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement> & { readonly length: number };
}

/** The document. */
export interface PageDocument extends PageElement {
  title: string;
  readonly documentElement: PageElement;
  readonly body: PageElement;
  readonly activeElement: PageElement | null;
  addEventListener(
    type: "securitypolicyviolation",
    listener: (event: { readonly violatedDirective: string; readonly blockedURI: string }) => void,
  ): void;
}

/** The page's global scope. */
export interface InPage {
  readonly document: PageDocument;
  readonly innerWidth: number;
  readonly frames: { readonly length: number };
  getComputedStyle(element: PageElement): { readonly color: string };
  /** Set by a hostile line if one ever ran. */
  __pwned?: string;
  /** The CSP violations seen (the hostile-text test records them). */
  __violations?: string[];
}

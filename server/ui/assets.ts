/**
 * The web page's files, built into the program: Deno's text imports put them
 * in the module graph, so `deno run`, `deno bundle` and `deno compile` all
 * carry them and nothing is looked up next to the program at run time.
 * `assets/app.js` is generated from `ui/` by `deno task build:ui` (a test
 * fails when it is stale).
 *
 * @module
 */
import appCss from "./assets/app.css" with { type: "text" };
import appJs from "./assets/app.js" with { type: "text" };
import iconSvg from "./assets/icon.svg" with { type: "text" };
import indexHtml from "./assets/index.html" with { type: "text" };

/** One file of the page, ready to send. */
export interface UiAsset {
  readonly body: Uint8Array<ArrayBuffer>;
  readonly contentType: string;
  /** A strong validator of the body (`"sha256-prefix"`). */
  readonly etag: string;
}

const encoder = new TextEncoder();

async function asset(text: string, contentType: string): Promise<UiAsset> {
  const body = encoder.encode(text);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body));
  const hex = [...digest.subarray(0, 12)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return { body, contentType, etag: `"${hex}"` };
}

/** The page's files by their name under `/ui/` (`""` is the page itself). */
export async function loadUiAssets(): Promise<ReadonlyMap<string, UiAsset>> {
  return new Map([
    ["", await asset(indexHtml, "text/html; charset=utf-8")],
    ["app.js", await asset(appJs, "text/javascript; charset=utf-8")],
    ["app.css", await asset(appCss, "text/css; charset=utf-8")],
    ["icon.svg", await asset(iconSvg, "image/svg+xml")],
  ]);
}

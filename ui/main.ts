/**
 * The web page's entry point (bundled into `server/ui/assets/app.js` by
 * `deno task build:ui`).
 *
 * Lines are read by the shared parser, `parseLogLine` of `lib/parse/`, which
 * is written on the `structured` branch. Until that branch is merged here,
 * the page reads JSON objects only and tells no levels; once merged, this
 * becomes:
 *
 * ```ts ignore
 * import { parseLogLine } from "../lib/parse/mod.ts";
 * import { lineReader } from "./line_reader.ts";
 * const app = new App(findElements(document), lineReader(parseLogLine));
 * ```
 *
 * @module
 */
import { App } from "./app.ts";
import { findElements } from "./elements.ts";
import type { LineInfo } from "./line_reader.ts";

/** Until `lib/parse` is merged: a JSON object's fields, no level. */
function readJsonOnly(text: string): LineInfo {
  if (text.trimStart()[0] !== "{") return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? { json: value as Record<string, unknown> }
      : {};
  } catch {
    return {};
  }
}

const app = new App(findElements(document), readJsonOnly);
void app.start();

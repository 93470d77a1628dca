/**
 * The web page's entry point (bundled into `server/ui/assets/app.js` by
 * `deno task build:ui`). Lines are read by the shared parser,
 * `parseLogLine` of `lib/parse/`, the same that `fnlogs logs --level` and
 * the server's filters use.
 *
 * @module
 */
import { parseLogLine } from "../lib/parse/mod.ts";
import { App } from "./app.ts";
import { findElements } from "./elements.ts";
import { lineReader } from "./line_reader.ts";

const app = new App(findElements(document), lineReader(parseLogLine));
void app.start();

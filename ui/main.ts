/**
 * The web page's entry point (bundled into `server/ui/assets/app.js` by
 * `deno task build:ui`).
 *
 * @module
 */
import { App } from "./app.ts";
import { findElements } from "./elements.ts";

const app = new App(findElements(document), () => undefined);
void app.start();

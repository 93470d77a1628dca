/**
 * The page's main views, light and dark, wide and narrow, as screenshots.
 * They are written to a temporary directory and checked (PNG, the viewport's
 * size); with `FNLOGS_UPDATE_SCREENSHOTS=1` they replace `docs/screenshots/`.
 */
import { assertEquals } from "@std/assert";
import type { Page } from "playwright-core";
import { browserTest, openPage } from "./helpers/browser.ts";
import { printing, startUiServer } from "./helpers/ui_server.ts";

const UPDATE = Deno.env.get("FNLOGS_UPDATE_SCREENSHOTS") === "1";
const DOCS = new URL("../../docs/screenshots/", import.meta.url).pathname;

const API = [
  "INFO  listening on :8080 (pid 7)",
  '{"level":"info","msg":"request","method":"GET","path":"/api/orders/1042","status":200,"ms":12}',
  'level=warn msg="slow query" table=orders rows=18233 ms=1240',
  '{"level":"info","msg":"request","method":"POST","path":"/api/orders","status":201,"ms":48}',
  "ERROR payment provider timed out after 2000 ms (order 1043)",
  '{"level":"error","msg":"retry failed","attempt":3,"err":"connection reset by peer"}',
  "DEBUG cache hit key=order:1042 age=3s",
  '{"level":"info","msg":"request","method":"GET","path":"/api/orders/1043","status":502,"ms":2003}',
  "WARN  circuit breaker open for payments (5 failures in 30s)",
  "INFO  circuit breaker half-open, probing payments",
  '{"level":"info","msg":"request","method":"GET","path":"/healthz","status":200,"ms":1}',
  "INFO  circuit breaker closed",
];
const WORKER = Array.from(
  { length: 14 },
  (_, i) =>
    i % 5 === 4
      ? `WARN  batch ${17 + i} retried: 2 items failed validation`
      : `INFO  processed batch ${17 + i} (250 items) in ${30 + (i * 7) % 40} ms`,
);

/** Checks the PNG and keeps it where it belongs. */
async function shoot(page: Page, name: string, dir: string): Promise<void> {
  const png = await page.screenshot();
  const view = page.viewportSize()!;
  const header = new DataView(png.buffer, png.byteOffset, 24);
  assertEquals([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(""), "PNG");
  assertEquals([header.getUint32(16), header.getUint32(20)], [view.width, view.height], name);
  await Deno.writeFile(`${UPDATE ? DOCS : dir}/${name}.png`, png);
}

browserTest(
  "page: screenshots of the main views, light and dark, wide and narrow",
  async (browser) => {
    await using ui = await startUiServer(async (dir) => ({
      api: await printing(dir, "api", API, 60),
      worker: await printing(dir, "worker", WORKER, 40, 2),
    }));
    const out = await Deno.makeTempDir({ prefix: "fnlogs-screenshots-" });
    if (UPDATE) await Deno.mkdir(DOCS, { recursive: true });
    try {
      const views: [string, string, "light" | "dark", { width: number; height: number }][] = [
        ["wide-light", "?fn=api&fn=worker&tail=1000", "light", { width: 1280, height: 720 }],
        ["wide-dark-search", "?fn=api&fn=worker&q=%2Ferror%7Cfailed%2Fi", "dark", {
          width: 1280,
          height: 720,
        }],
        ["narrow-light", "?fn=api&fn=worker&ts=1", "light", { width: 390, height: 760 }],
        ["narrow-dark", "?fn=api&fn=worker", "dark", { width: 390, height: 760 }],
      ];
      for (const [name, search, colorScheme, viewport] of views) {
        const { page, context, errors } = await openPage(browser, { colorScheme, viewport });
        await page.goto(`${ui.server.url}/ui/${search}`);
        await page.locator('#status[data-light="live"]').waitFor();
        await page.locator("#counts", { hasText: /· 40 received$/ }).waitFor();
        if (name === "wide-light") {
          await page.locator(".row", { hasText: "retry failed" }).locator(".json-toggle").click();
        }
        await shoot(page, name, out);
        if (name === "narrow-light") {
          await page.click("#menu");
          await page.locator("#sidebar.open").waitFor();
          await shoot(page, "narrow-light-menu", out);
        }
        assertEquals(errors, []);
        await context.close();
      }
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
);

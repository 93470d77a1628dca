/**
 * Log text is text: lines that would be markup, script, links, bidi tricks or
 * simply huge reach the page as text nodes. Nothing runs, no element appears,
 * the Content-Security-Policy is never even tested, and the layout holds.
 */
import { assert, assertEquals } from "@std/assert";
import { browserTest, openPage } from "./helpers/browser.ts";
import type { InPage } from "./helpers/in_page.ts";
import { printing, startUiServer } from "./helpers/ui_server.ts";

const HUGE = "W".repeat(65_536);
const HOSTILE = [
  `<img src=x onerror="window.__pwned='img';document.title='pwned'">`,
  "<script>window.__pwned='script'</script>",
  "<svg onload=\"window.__pwned='svg'\"><circle r=9></svg>",
  `<a href="javascript:window.__pwned='link'">click me</a>`,
  "javascript:window.__pwned='url'",
  "[docs](javascript:alert(1)) and http://example.com/?q=<b>x</b>",
  "<iframe srcdoc=\"<script>parent.__pwned='frame'</script>\"></iframe>",
  "{{constructor.constructor('window.__pwned=1')()}} ${window.__pwned='tpl'}",
  "\u202Eevil reversed text\u202C then normal",
  "\u2067isolate opened and never closed",
  "tabs\tand\u0007bell and \u001b[31mansi red\u001b[0m and nul\u0000byte",
  '{"level":"error","msg":"<img src=x onerror=window.__pwned=\'json\'>"}',
  HUGE,
  "the last line",
];

browserTest(
  "page: hostile log lines stay text, nothing runs, the layout holds",
  async (browser) => {
    await using ui = await startUiServer(async (dir) => ({
      evil: await printing(dir, "evil", HOSTILE),
    }));
    const { context, page, errors } = await openPage(browser, { acceptDownloads: true });
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    // Count CSP violations from the start: a hostile line that became markup would trip it.
    await context.addInitScript(() => {
      const page = globalThis as unknown as InPage;
      const violations: string[] = page.__violations = [];
      page.document.addEventListener("securitypolicyviolation", (e) => {
        violations.push(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    // Unwrapped first: every row is one line high, so all of them are on screen (in the DOM).
    await page.goto(`${ui.server.url}/ui/?fn=evil&wrap=0`);
    await page.locator(".row", { hasText: "the last line" }).waitFor();

    // Every line shows exactly as written (the JSON one compact), in order, each once.
    const shown = await page.locator(".row .msg").allTextContents();
    assertEquals(shown.length, HOSTILE.length);
    HOSTILE.forEach((line, i) => {
      const expected = line.startsWith(`{"`) ? JSON.stringify(JSON.parse(line)) : line;
      assertEquals(shown[i], expected, `line ${i}`);
    });
    const state = () =>
      page.evaluate(() => {
        const { document, __pwned, __violations, frames } = globalThis as unknown as InPage;
        return {
          elements: document.querySelectorAll(
            "#rows img, #rows script, #rows svg, #rows a, #rows iframe, #rows b, #rows circle",
          ).length,
          pwned: __pwned ?? null,
          title: document.title,
          violations: __violations,
          frames: frames.length,
        };
      });
    assertEquals(await state(), {
      elements: 0,
      pwned: null,
      title: "fnlogs",
      violations: [],
      frames: 0,
    });

    // The layout holds: nothing wider than the window, the toolbar in place.
    const layout = () =>
      page.evaluate(() => {
        const { document, innerWidth } = globalThis as unknown as InPage;
        const box = (selector: string) => document.querySelector(selector)!.getBoundingClientRect();
        const huge = [...document.querySelectorAll(".row")].find((r) =>
          r.textContent!.includes("WWWWWWWW")
        )!;
        return {
          pageWidth: document.documentElement.scrollWidth,
          windowWidth: innerWidth,
          search: box("#query"),
          logWidth: document.querySelector("#log")!.clientWidth,
          logScrollWidth: document.querySelector("#log")!.scrollWidth,
          hugeWidth: huge.getBoundingClientRect().width,
          hugeHeight: huge.getBoundingClientRect().height,
        };
      });
    // The right-to-left override reverses only its own message: time, badge, text stay in order.
    const order = await page.evaluate(() => {
      const { document } = globalThis as unknown as InPage;
      return [...document.querySelectorAll(".row")].filter((r) =>
        r.textContent!.includes("evil reversed") || r.textContent!.includes("isolate opened") ||
        r.textContent!.includes("tabs")
      ).map((row) => {
        const x = (s: string) => row.querySelector(s)!.getBoundingClientRect().left;
        return x(".ts") < x(".src") && x(".src") < x(".msg");
      });
    });
    assertEquals(order, [true, true, true]);

    // Unwrapped, the huge line scrolls inside the log, not the page.
    const unwrapped = await layout();
    assert(unwrapped.pageWidth <= unwrapped.windowWidth, JSON.stringify(unwrapped));
    assert(unwrapped.logScrollWidth > unwrapped.logWidth * 10, JSON.stringify(unwrapped));
    assert(unwrapped.search.top >= 0 && unwrapped.search.right <= unwrapped.windowWidth);

    // Searching for markup finds it as text, highlighted.
    await page.fill("#query", "<script>");
    await page.locator("#match-count", { hasText: "2 matches" }).waitFor();
    assertEquals(await page.locator(".row mark").allTextContents(), ["<script>", "<script>"]);
    await page.fill("#query", "");

    // The JSON line pretty-printed is text too.
    await page.locator(".row", { hasText: "onerror=window" }).locator(".json-toggle").click();
    assertEquals(
      await page.locator(".json-pretty").textContent(),
      JSON.stringify(JSON.parse(HOSTILE[11]), null, 2),
    );

    // Wrapped, it wraps inside the log's width over many lines.
    await page.check("#wrap");
    await page.locator(".row", { hasText: "the last line" }).waitFor();
    const wrapped = await layout();
    assert(wrapped.pageWidth <= wrapped.windowWidth, JSON.stringify(wrapped));
    assert(wrapped.search.top >= 0 && wrapped.search.right <= wrapped.windowWidth);
    assert(wrapped.hugeWidth <= wrapped.logWidth + 1, JSON.stringify(wrapped));
    assert(wrapped.hugeHeight > 100, "the 64 KiB line wraps over many lines");

    assertEquals(wrapped.search, unwrapped.search);

    // The download holds the lines verbatim.
    await page.uncheck("#timestamps");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click("#download-ndjson"),
    ]);
    const saved = (await Deno.readTextFile((await download.path())!)).trimEnd().split("\n")
      .map((l) => JSON.parse(l).text);
    assertEquals(saved, HOSTILE);

    assertEquals(await state(), {
      elements: 0,
      pwned: null,
      title: "fnlogs",
      violations: [],
      frames: 0,
    });
    assertEquals(dialogs, []);
    assertEquals(errors, []);
  },
);

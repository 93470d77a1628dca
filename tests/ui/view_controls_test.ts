/**
 * The page's controls in a real browser: the view in the URL, pause and
 * resume, following and "jump to latest", the keys, clear, downloads and
 * JSON lines.
 */
import { assert, assertEquals, assertMatch } from "@std/assert";
import { browserTest, openPage } from "./helpers/browser.ts";
import type { InPage } from "./helpers/in_page.ts";
import { counting, printing, startUiServer } from "./helpers/ui_server.ts";

const rowCount = (page: import("playwright-core").Page) => page.locator(".row").count();

browserTest("page: the view round-trips through the URL", async (browser) => {
  await using ui = await startUiServer(async (dir) => ({
    hello: await printing(dir, "hello", ["hello 1", "hello 2", "hello 3 ok"]),
  }));
  const { page, errors } = await openPage(browser);
  const shared = "?fn=hello&q=hello&x=ok&tail=1000&utc=1&wrap=0&theme=dark";
  await page.goto(`${ui.server.url}/ui/${shared}`);
  await page.locator(".row", { hasText: "hello 2" }).waitFor();
  // The controls show the shared view, and it applies.
  assertEquals(await page.inputValue("#query"), "hello");
  assertEquals(await page.inputValue("#exclude"), "ok");
  assertEquals(await page.inputValue("#history"), "tail=1000");
  assertEquals(await page.isChecked("#utc"), true);
  assertEquals(await page.isChecked("#wrap"), false);
  assertEquals(await page.getAttribute("html", "data-theme"), "dark");
  assertEquals(await page.locator(".row .msg").allTextContents(), ["hello 1", "hello 2"]);
  assertMatch((await page.locator(".row .ts").first().textContent())!, /\d\d:\d\d:\d\d\.\d{3}Z $/);
  assertEquals(new URL(page.url()).search, shared);

  // Changes go into the URL at once...
  await page.fill("#exclude", "");
  await page.locator("button.level[data-level=error]").click();
  await page.uncheck("#timestamps");
  await page.selectOption("#history", "since=1h");
  await page.locator("#theme").click();
  const search = new URL(page.url()).search;
  assertEquals(search, "?fn=hello&q=hello&level=error&since=1h&ts=0&utc=1&wrap=0");
  // ...and a page opened on that URL shows the same view.
  const other = (await openPage(browser)).page;
  await other.goto(page.url());
  await other.locator('#status[data-light="live"]').waitFor();
  assertEquals(await other.inputValue("#query"), "hello");
  assertEquals(await other.inputValue("#exclude"), "");
  assertEquals(await other.getAttribute("button.level[data-level=error]", "aria-pressed"), "true");
  assertEquals(await other.inputValue("#history"), "since=1h");
  assertEquals(await other.isChecked("#timestamps"), false);
  assertEquals(await other.getAttribute("html", "data-theme"), null);
  assertEquals(new URL(other.url()).search, search);
  assertEquals(errors, []);
});

browserTest(
  "page: pause counts what arrives, scrolling up stops following, G and the button jump back, / and space",
  async (browser) => {
    const first = Array.from({ length: 300 }, (_, i) => `history line ${i}`);
    await using ui = await startUiServer(async (dir) => ({
      bulk: await printing(dir, "bulk", first),
      ticker: counting(40),
    }));
    const { page, errors } = await openPage(browser);
    await page.goto(`${ui.server.url}/ui/?fn=bulk&fn=ticker&tail=all`);
    const held = () => page.$eval("#counts", (e) => Number(e.getAttribute("data-held")));
    await page.waitForFunction(() => {
      const { document } = globalThis as unknown as InPage;
      return Number(document.querySelector("#counts")?.getAttribute("data-held")) >= 304;
    });
    // Only the rows on screen (and a screen's worth around) are in the DOM.
    assert(await rowCount(page) < 150, `${await rowCount(page)} rows in the DOM`);

    // `/` focuses the search; Escape leaves it.
    await page.keyboard.press("/");
    const focused = () =>
      page.evaluate(() => {
        const { document } = globalThis as unknown as InPage;
        return document.activeElement === document.body ? "body" : document.activeElement?.id;
      });
    assertEquals(await focused(), "query");
    await page.keyboard.press("Escape");
    assertEquals(await focused(), "body");

    // Space pauses: the rows stay as they are, what arrives is counted on the button.
    const newest = () => page.locator(".row .msg").last().textContent();
    await page.keyboard.press(" ");
    assertEquals(await page.getAttribute("#pause", "aria-pressed"), "true");
    const frozen = await newest();
    await page.locator("#pause", { hasText: /Resume \(([1-9]\d+) new\)/ }).waitFor();
    assertEquals(await newest(), frozen);
    // Paused, the reader can still scroll through what is shown.
    await page.$eval("#log", (log) => log.scrollTop = 0);
    await page.locator(".row .msg", { hasText: /^history line 0$/ }).waitFor();
    await page.keyboard.press("G");
    await page.locator(".row .msg", { hasText: frozen! }).waitFor();
    assertEquals(await newest(), frozen);
    // A search typed while paused sorts what is shown, and lets nothing new in.
    const searched = async (query: string) => {
      await page.fill("#query", query);
      await page.locator("#query").blur(); // (so that G below is a shortcut, not typing)
      // Applied (after the box's short debounce): the match count shows, or goes.
      await page.locator("#match-count", { hasText: query === "" ? /^$/ : /\d+ match/ })
        .waitFor({ state: "attached" });
      await page.keyboard.press("G");
    };
    await searched("n=");
    assertEquals(await page.locator(".row .msg", { hasText: "history line" }).count(), 0);
    assertEquals(await newest(), frozen);
    await searched("");
    assertEquals(await newest(), frozen);
    await page.keyboard.press(" ");
    assertEquals(await page.locator("#pause").textContent(), "Pause");
    await page.waitForFunction(
      (before) => {
        const { document } = globalThis as unknown as InPage;
        const rows = [...document.querySelectorAll(".row .msg")];
        const n = (t: string | null) => Number(/n=(\d+)$/.exec(t ?? "")?.[1] ?? -1);
        return n(rows[rows.length - 1]?.textContent ?? null) > n(before) + 10;
      },
      frozen,
    );

    // Following: the newest row is in view. A wheel up stops it; new rows are counted.
    const atBottom = () =>
      page.$eval("#log", (log) => log.scrollHeight - log.scrollTop - log.clientHeight < 30);
    assert(await atBottom());
    await page.mouse.move(600, 400);
    await page.mouse.wheel(0, -2000);
    await page.locator("#jump", { hasText: /^\d+ new lines?, jump to latest$/ }).waitFor();
    assertEquals(await atBottom(), false);
    await page.keyboard.press("G");
    await page.locator("#jump").waitFor({ state: "hidden" });
    assert(await atBottom());
    // The button does the same.
    await page.mouse.wheel(0, -2000);
    await page.locator("#jump").click();
    await page.locator("#jump").waitFor({ state: "hidden" });
    assert(await atBottom());

    // Clear empties the view; new lines come again.
    await page.locator("#clear").click();
    const after = await page.locator(".row .msg").first().textContent();
    assert(after === null || after.startsWith("run="), String(after));
    await page.locator(".row").nth(3).waitFor();
    assertEquals(await page.locator(".row", { hasText: "history line" }).count(), 0);
    assert(await held() < 100, `${await held()} lines held after a clear`);
    assertEquals(errors, []);
  },
);

browserTest(
  "page: downloads save the rows shown, as rendered (.log) and as sent (.ndjson)",
  async (browser) => {
    await using ui = await startUiServer(async (dir) => ({
      hello: await printing(dir, "hello", ["one", "two <b>", "three"]),
    }));
    const { page, errors } = await openPage(browser, { acceptDownloads: true });
    await page.goto(`${ui.server.url}/ui/?fn=hello&x=two&ts=0`);
    await page.locator(".row", { hasText: "three" }).waitFor();
    const save = async (button: string) => {
      const [download] = await Promise.all([page.waitForEvent("download"), page.click(button)]);
      return {
        name: download.suggestedFilename(),
        text: await Deno.readTextFile((await download.path())!),
      };
    };
    const log = await save("#download-log");
    assertMatch(log.name, /^hello-.+\.log$/);
    // What a reader copies from the page is what the file holds.
    const rows = await page.locator(".row").allInnerTexts();
    assertEquals(log.text, rows.map((r) => r + "\n").join(""));
    assertMatch(log.text, /^hello \(hello-\w+\) one\nhello \(hello-\w+\) three\n$/);

    const ndjson = await save("#download-ndjson");
    assertMatch(ndjson.name, /^hello-.+\.ndjson$/);
    const messages = ndjson.text.trimEnd().split("\n").map((l) => JSON.parse(l));
    assertEquals(messages.map((m) => Object.keys(m)), [
      ["name", "namespace", "instance", "timestamp", "text"],
      ["name", "namespace", "instance", "timestamp", "text"],
    ]);
    assertEquals(messages.map((m) => [m.name, m.namespace, m.text]), [
      ["hello", "openfaas-fn", "one"],
      ["hello", "openfaas-fn", "three"],
    ]);
    assertEquals(errors, []);
  },
);

browserTest(
  "page: a JSON line shows compact and expands pretty-printed on a click",
  async (browser) => {
    const object = {
      level: "info",
      msg: "user <b>signed in</b>",
      user: { id: 7, roles: ["a", "b"] },
    };
    await using ui = await startUiServer(async (dir) => ({
      api: await printing(dir, "api", [
        JSON.stringify(object, null, 0).replace(/,/g, ", "),
        "plain",
      ]),
    }));
    const { page, errors } = await openPage(browser);
    await page.goto(`${ui.server.url}/ui/?fn=api`);
    await page.locator(".row", { hasText: "plain" }).waitFor();
    const row = page.locator(".row", { hasText: "signed in" });
    assertEquals(await row.locator(".msg").textContent(), JSON.stringify(object));
    assertEquals(
      await page.locator(".row", { hasText: "plain" }).locator(".json-toggle").count(),
      0,
    );
    await row.locator(".json-toggle").click();
    assertEquals(await row.locator(".json-pretty").textContent(), JSON.stringify(object, null, 2));
    assertEquals(await row.locator(".json-toggle").getAttribute("aria-expanded"), "true");
    await row.locator(".json-toggle").click();
    assertEquals(await row.locator(".json-pretty").count(), 0);
    assertEquals(errors, []);
  },
);

browserTest(
  "page: with nothing arriving, the page does no work (no redraw, no layout)",
  async (browser) => {
    const lines = Array.from({ length: 300 }, (_, i) => `line ${i} ${"word ".repeat(i % 40)}`);
    await using ui = await startUiServer(async (dir) => ({
      quiet: await printing(dir, "quiet", lines),
    }));
    const { context, page, errors } = await openPage(browser);
    const cdp = await context.newCDPSession(page);
    await cdp.send("Performance.enable");
    await page.goto(`${ui.server.url}/ui/?fn=quiet&tail=all`);
    await page.locator("#counts", { hasText: "300 received" }).waitFor();
    await page.locator(".row .msg", { hasText: /^line 299 / }).waitFor();
    const metrics = async () => {
      const { metrics } = await cdp.send("Performance.getMetrics");
      const get = (name: string) => metrics.find((m) => m.name === name)!.value;
      return { layouts: get("LayoutCount"), tasks: get("TaskDuration") };
    };
    // Let the last measured heights settle (a few frames), then watch a quiet second.
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500)));
    const before = await metrics();
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 1000)));
    const after = await metrics();
    assertEquals(after.layouts - before.layouts, 0);
    assert(after.tasks - before.tasks < 0.05, `${after.tasks - before.tasks} s of tasks`);
    assertEquals(errors, []);
  },
);

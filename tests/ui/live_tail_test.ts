/**
 * The page in a real browser against a real `fnlogs serve`: the function
 * picker, lines arriving live from several functions into one view with a
 * badge and a colour per instance, and the instance filter.
 */
import { assert, assertEquals, assertMatch } from "@std/assert";
import { browserTest, openPage } from "./helpers/browser.ts";
import type { InPage } from "./helpers/in_page.ts";
import { counting, printing, startUiServer } from "./helpers/ui_server.ts";

browserTest(
  "page: two functions followed live in one view, a badge and a stable colour per instance",
  async (browser) => {
    await using ui = await startUiServer(async (dir) => ({
      hello: await printing(dir, "hello", ["hello 1", "hello 2", "hello 3"], 300),
      // Slow enough that the hello lines stay among the rows drawn (only those near the
      // screen are in the DOM), however long a busy machine takes to open the page.
      ticker: counting(400, 2),
    }));
    const { page, errors } = await openPage(browser);
    await page.goto(`${ui.server.url}/ui/?fn=hello&fn=ticker`);
    await page.locator('#status[data-light="live"]').waitFor();
    await page.locator(".row", { hasText: "hello 3" }).waitFor();

    // Both replicas of ticker show, each with its own badge.
    await page.waitForFunction(() => {
      const { document } = globalThis as unknown as InPage;
      return new Set([...document.querySelectorAll(".row .src")].map((e) => e.textContent))
        .size >= 3;
    });
    const badges = await page.evaluate(() => {
      const { document, getComputedStyle } = globalThis as unknown as InPage;
      return [...document.querySelectorAll(".row .src")].map((e) => ({
        text: e.textContent!,
        color: getComputedStyle(e).color,
      }));
    });
    const byText = new Map<string, Set<string>>();
    for (const { text, color } of badges) {
      byText.set(text, (byText.get(text) ?? new Set()).add(color));
    }
    const names = [...byText.keys()].sort();
    assertEquals(names.length, 3, names.join(", "));
    assertMatch(names[0], /^hello \(hello-[a-z0-9]+\)$/);
    assertMatch(names[1], /^ticker \(ticker-[a-z0-9]+\)$/);
    assertMatch(names[2], /^ticker \(ticker-[a-z0-9]+\)$/);
    // One colour per instance, and the two replicas' colours differ.
    for (const colors of byText.values()) assertEquals(colors.size, 1);
    assert([...byText.get(names[1])!][0] !== [...byText.get(names[2])!][0]);

    // Live: a line written after the page opened shows up.
    const newest = async () =>
      Math.max(
        ...(await page.locator(".row .msg").allTextContents())
          .map((t) => Number(/^run=\w+ n=(\d+)$/.exec(t)?.[1] ?? -1)),
      );
    const seen = await newest();
    await page.waitForFunction((n) => {
      const { document } = globalThis as unknown as InPage;
      return [...document.querySelectorAll(".row .msg")].some((e) =>
        Number(/^run=\w+ n=(\d+)$/.exec(e.textContent!)?.[1] ?? -1) > n + 3
      );
    }, seen);
    // The hello lines are in order, each once.
    await page.fill("#query", "hello");
    await page.locator("#match-count", { hasText: "3 matches" }).waitFor();
    assertEquals(await page.locator(".row .msg").allTextContents(), [
      "hello 1",
      "hello 2",
      "hello 3",
    ]);
    await page.fill("#query", "");

    // The instance filter: tick one ticker replica, only its rows (and no hello) remain.
    const instance = names[1].slice("ticker (".length, -1);
    await page.locator("#instances label", { hasText: instance }).click();
    await page.waitForFunction((name) => {
      const { document } = globalThis as unknown as InPage;
      return [...document.querySelectorAll(".row .src")].every((e) => e.textContent === name);
    }, names[1]);
    assertEquals(new URL(page.url()).searchParams.getAll("inst"), [instance]);
    assertEquals(errors, []);
  },
);

browserTest(
  "page: the picker lists functions with their ready replicas, finds one, and follows what is ticked",
  async (browser) => {
    await using ui = await startUiServer(async (dir) => ({
      alpha: await printing(dir, "alpha", ["alpha says hi"]),
      beta: await printing(dir, "beta", ["beta says hi"]),
      gamma: counting(1000, 2),
    }));
    const { page, errors } = await openPage(browser);
    await page.goto(`${ui.server.url}/`);
    assertEquals(new URL(page.url()).pathname, "/ui/");
    await page.locator("#functions li", { hasText: "gamma" }).waitFor();
    assertEquals(await page.locator("#status-text").textContent(), "no function chosen");
    assertEquals(
      await page.locator("#empty").textContent(),
      "Choose a function to follow its logs.",
    );
    const rows = await page.locator("#functions li").allTextContents();
    assertEquals(rows.map((r) => r.split("openfaas-fn")[0].trim()), ["alpha", "beta", "gamma"]);
    // Ready replicas come from /system/functions and are refreshed: gamma reaches 2/2.
    await page.locator("#functions li", { hasText: "gamma" }).locator(".fn-ready", {
      hasText: "2/2",
    }).waitFor();

    await page.fill("#function-find", "bet");
    assertEquals(await page.locator("#functions li").allTextContents(), ["betaopenfaas-fn1/1"]);
    await page.locator("#functions label", { hasText: "beta" }).click();
    await page.locator(".row", { hasText: "beta says hi" }).waitFor();
    assertEquals(new URL(page.url()).searchParams.getAll("fn"), ["beta"]);

    // Unticking stops following and hides its lines.
    await page.fill("#function-find", "");
    await page.locator("#functions label", { hasText: "alpha" }).click();
    await page.locator(".row", { hasText: "alpha says hi" }).waitFor();
    await page.locator("#functions label", { hasText: "beta" }).click();
    await page.locator(".row", { hasText: "beta says hi" }).waitFor({ state: "detached" });
    assertEquals(new URL(page.url()).searchParams.getAll("fn"), ["alpha"]);
    // Ticked again: its history once, not a second copy beside hidden rows.
    await page.locator("#functions label", { hasText: "beta" }).click();
    await page.locator(".row", { hasText: "beta says hi" }).waitFor();
    await page.locator("#functions label", { hasText: "gamma" }).click();
    await page.locator(".row .msg", { hasText: /^run=/ }).first().waitFor();
    assertEquals(await page.locator(".row", { hasText: "beta says hi" }).count(), 1);
    assertEquals(errors, []);
  },
);

browserTest(
  "page: a function named in the URL without its namespace unticks and ticks again in the picker",
  async (browser) => {
    await using ui = await startUiServer(
      () => Promise.resolve({ numbers: counting(50) }),
      ["--namespaces", "openfaas-fn"],
    );
    const { page, errors } = await openPage(browser);
    const requests: string[] = [];
    page.on("request", (r) => {
      if (r.url().includes("/system/logs")) requests.push(r.url());
    });
    await page.goto(`${ui.server.url}/ui/?fn=numbers`);
    await page.locator(".row[data-kind=line]").first().waitFor();
    await page.locator("#functions label", { hasText: "numbers" }).click();
    // Unticked: no longer followed (it went on before), and its rows are gone.
    await page.locator("#status-text", { hasText: "no function chosen" }).waitFor();
    await page.locator(".row[data-kind=line]").first().waitFor({ state: "detached" });
    await page.locator("#functions label", { hasText: "numbers" }).click();
    await page.locator(".row .msg", { hasText: / n=\d+$/ }).nth(5).waitFor();
    // One stream, so every line once.
    const texts = await page.locator(".row[data-kind=line] .msg").allTextContents();
    assertEquals(new Set(texts).size, texts.length, texts.join("\n"));
    assertEquals(requests.length, 2, requests.join("\n"));
    assertEquals(errors, []);
  },
);

browserTest(
  "page: over HTTP/1.1 it follows at most 5 functions, says why, and keeps working",
  async (browser) => {
    const names = ["f1", "f2", "f3", "f4", "f5", "f6"];
    await using ui = await startUiServer(async (dir) =>
      Object.fromEntries(
        await Promise.all(names.map(async (n) => [n, await printing(dir, n, [`${n} says hi`])])),
      )
    );
    const { page, errors } = await openPage(browser);
    await page.goto(`${ui.server.url}/ui/?${names.map((n) => `fn=${n}`).join("&")}`);
    for (const n of names.slice(0, 5)) {
      await page.locator(".row", { hasText: `${n} says hi` })
        .waitFor();
    }
    await page.locator("#functions-note", { hasText: "at most 5 functions at once" }).waitFor();
    assertEquals(new URL(page.url()).searchParams.getAll("fn"), names.slice(0, 5));
    assertEquals(await page.locator('#functions input[data-ref="f6"]').isChecked(), false);
    // Ticking a sixth is refused; the page still answers (a connection is left for it).
    await page.locator("#functions label", { hasText: "f6" }).click();
    assertEquals(await page.locator('#functions input[data-ref="f6"]').isChecked(), false);
    await page.locator("#functions label", { hasText: "f1" }).click();
    await page.locator("#functions label", { hasText: "f6" }).click();
    await page.locator(".row", { hasText: "f6 says hi" }).waitFor();
    assertEquals(await page.locator("#functions-note").textContent(), "");
    assertEquals(errors, []);
  },
);

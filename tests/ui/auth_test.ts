/**
 * The page with auth on, in a real browser: basic auth through the browser's
 * own credentials, a token traded once for an HttpOnly, SameSite=Strict
 * cookie that the log endpoints accept, credentials never in a URL or the
 * server's log, and `--namespaces` applied to the page.
 */
import { assert, assertEquals } from "@std/assert";
import { browserTest, openPage } from "./helpers/browser.ts";
import type { InPage } from "./helpers/in_page.ts";
import { counting, printing, startUiServer } from "./helpers/ui_server.ts";

const PASSWORD = "pa55-w0rd-for-the-test";
const TOKEN = "t0ken-for-the-page-test";

browserTest("page: basic auth through the browser's own prompt", async (browser) => {
  await using ui = await startUiServer(async (dir) => ({
    hello: await printing(dir, "hello", ["hello with basic auth"]),
  }), ["--basic-auth-user", "admin", "--basic-auth-password", PASSWORD]);

  // Without credentials the page itself asks (the browser shows its prompt); the 401's
  // body is still the page, for a reader who cancels the prompt.
  const anonymous = await fetch(`${ui.server.url}/ui/`);
  assertEquals(anonymous.status, 401);
  assertEquals(anonymous.headers.get("www-authenticate"), 'Basic realm="Restricted"');
  assert((await anonymous.text()).includes("<title>fnlogs</title>"));

  // With them (what the browser's prompt gives), the page works, the event stream too.
  const { page, errors } = await openPage(browser, {
    httpCredentials: { username: "admin", password: PASSWORD },
  });
  const urls: string[] = [];
  page.on("request", (request) => urls.push(request.url()));
  await page.goto(`${ui.server.url}/ui/?fn=hello`);
  await page.locator(".row", { hasText: "hello with basic auth" }).waitFor();
  await page.locator('#status[data-light="live"]').waitFor();
  assertEquals(await page.locator("#sign-out").isVisible(), false);
  assert(urls.some((u) => u.includes("/system/logs?")), urls.join("\n"));
  for (const url of urls) assert(!url.includes(PASSWORD) && !url.includes("admin@"), url);
  await ui.server.stop();
  for (const { line } of ui.server.log) assert(!line.includes(PASSWORD), line);
  assertEquals(errors, []);
});

browserTest(
  "page: a token traded for an HttpOnly SameSite=Strict cookie that the log endpoints accept",
  async (browser) => {
    await using ui = await startUiServer(async (dir) => ({
      hello: await printing(dir, "hello", ["hello with a token"]),
    }), ["--token", TOKEN]);
    const { context, page, errors } = await openPage(browser);
    const urls: string[] = [];
    page.on("request", (request) => urls.push(request.url()));
    const response = await page.goto(`${ui.server.url}/ui/?fn=hello`);
    assertEquals(response?.status(), 200);
    await page.locator("#sign-in-form").waitFor();
    assertEquals(await page.locator("#status-text").textContent(), "sign-in needed");
    const inPage = () =>
      page.evaluate(() => {
        const { document } = globalThis as unknown as InPage & { document: { cookie: string } };
        return { focused: document.activeElement?.id, cookie: document.cookie };
      });
    assertEquals((await inPage()).focused, "token");

    await page.fill("#token", "not-the-token");
    await page.click("#sign-in-form button[type=submit]");
    await page.locator("#sign-in-error", { hasText: "That token is not accepted." }).waitFor();
    assertEquals(await context.cookies(), []);

    await page.fill("#token", TOKEN);
    await Promise.all([page.waitForEvent("load"), page.click("#sign-in-form button[type=submit]")]);
    await page.locator(".row", { hasText: "hello with a token" }).waitFor();
    await page.locator('#status[data-light="live"]').waitFor();
    assertEquals(await page.locator("#sign-in").isVisible(), false);
    const cookies = await context.cookies();
    assertEquals(cookies.length, 1);
    assertEquals(
      [cookies[0].name, cookies[0].httpOnly, cookies[0].sameSite, cookies[0].path],
      ["fnlogs_session", true, "Strict", "/"],
    );
    assert(!cookies[0].value.includes(TOKEN));
    // The page's script cannot read it.
    assertEquals((await inPage()).cookie, "");
    // The token went only in the sign-in's POST body: never in a URL, never in the server's log.
    for (const url of urls) assert(!url.includes(TOKEN), url);
    assert(urls.some((u) => u.includes("/system/logs?name=hello")), urls.join("\n"));

    // Signing out removes the cookie; the page asks again.
    await Promise.all([page.waitForEvent("load"), page.click("#sign-out")]);
    await page.locator("#sign-in-form").waitFor();
    assertEquals(await context.cookies(), []);
    await ui.server.stop();
    for (const { line } of ui.server.log) assert(!line.includes(TOKEN), line);
    assertEquals(errors.filter((e) => !e.includes("401")), []);
  },
);

browserTest(
  "page: --namespaces applies to the page: only those functions, others refused",
  async (browser) => {
    await using ui = await startUiServer(
      async (dir) => ({
        api: await printing(dir, "api", ["api in team-a"]),
        worker: counting(1000),
      }),
      ["--namespaces", "team-a"],
      { namespace: "team-a" },
    );
    const { page } = await openPage(browser);
    await page.goto(`${ui.server.url}/ui/?fn=api.team-a&fn=api.team-b`);
    await page.locator(".row", { hasText: "api in team-a" }).waitFor();
    assertEquals(
      (await page.locator("#functions li").allTextContents()).map((t) =>
        t.replace(/\d+\/\d+$/, "")
      ),
      ["apiteam-bnot listed", "apiteam-a", "workerteam-a"],
    );
    await page.locator("#status-text", {
      hasText: 'api.team-b: the server refused the stream (403: Namespace "team-b" is not allowed)',
    }).waitFor();
    assertEquals(await page.locator('#status[data-light="failed"]').count(), 1);
    assertEquals(await page.locator("#retry").isVisible(), true);
  },
);

/**
 * `fnlogs serve` as users start it: the page is on by default and says where;
 * `--no-ui` turns it off (and the redirect from `/`), the log API unchanged.
 */
import { assertEquals, assertMatch } from "@std/assert";
import { printing, startUiServer } from "./helpers/ui_server.ts";

Deno.test("fnlogs serve: the page by default, none with --no-ui", async () => {
  {
    await using ui = await startUiServer(async (dir) => ({ fn: await printing(dir, "fn", []) }));
    assertMatch(
      await ui.server.waitForLog(/listening on/),
      /listening on http:\/\/[\d.]+:\d+\/ \(.*page \/ui\/\)$/,
    );
    const page = await fetch(`${ui.server.url}/`, { redirect: "manual" });
    assertEquals([page.status, page.headers.get("location")], [302, "ui/"]);
    await page.body?.cancel();
  }
  await using ui = await startUiServer(
    async (dir) => ({ fn: await printing(dir, "fn", []) }),
    ["--no-ui"],
  );
  assertMatch(await ui.server.waitForLog(/listening on/), /\(.*page off\)$/);
  for (const path of ["/", "/ui/", "/ui/app.js"]) {
    const response = await fetch(`${ui.server.url}${path}`, { redirect: "manual" });
    assertEquals([response.status, await response.text()], [404, `no route for ${path}\n`]);
  }
  const functions = await fetch(`${ui.server.url}/system/functions`);
  assertEquals(functions.status, 200);
  await functions.body?.cancel();
});

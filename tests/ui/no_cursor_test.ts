/**
 * The page against a provider that gives no cursors (Docker, Kubernetes):
 * no event carries an `id:`, so the browser's own reconnect would ask the
 * first request again (its `tail`) and lose what came during the cut. A
 * proxy in front of a real `fnlogs serve` drops the ids and cuts the first
 * stream once the page shows lines; the rows must be every line once, in
 * order.
 */
import { assert, assertEquals } from "@std/assert";
import { browserTest, openPage } from "./helpers/browser.ts";
import type { InPage } from "./helpers/in_page.ts";
import { counting, startUiServer } from "./helpers/ui_server.ts";

/** A proxy to `upstream` whose log streams carry no ids; `cut()` breaks the first one. */
function cursorlessProxy(upstream: string) {
  const requests: URL[] = [];
  let cutFirst: (() => void) | undefined;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const url = new URL(request.url);
    const target = new URL(url.pathname + url.search, upstream);
    const answer = await fetch(target, { headers: request.headers, signal: request.signal });
    if (url.pathname !== "/system/logs" || answer.body === null) return answer;
    requests.push(url);
    const first = requests.length === 1;
    let pending = "";
    const encoder = new TextEncoder();
    const body = answer.body.pipeThrough(new TextDecoderStream()).pipeThrough(
      new TransformStream<string, Uint8Array>({
        start(controller) {
          if (first) cutFirst = () => controller.error(new Error("cut by the proxy"));
        },
        transform(chunk, controller) {
          pending += chunk;
          const events = pending.split("\n\n");
          pending = events.pop()!;
          for (const event of events) {
            const kept = event.split("\n").filter((l) => !l.startsWith("id:")).join("\n");
            if (kept !== "") controller.enqueue(encoder.encode(kept + "\n\n"));
          }
        },
      }),
    );
    return new Response(body, { status: answer.status, headers: answer.headers });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, requests, server, cut: () => cutFirst?.() };
}

/** Waits until the page holds at least `count` rows. */
async function rowsHeld(page: import("playwright-core").Page, count: number) {
  await page.waitForFunction((n) => {
    const { document } = globalThis as unknown as InPage;
    return Number(document.querySelector("#counts")?.getAttribute("data-held")) >= n;
  }, count);
}

browserTest(
  "page: a provider without cursors, the stream cut mid-follow: every line once, in order",
  async (browser) => {
    // 200 lines a second: the one-second reconnect spans more than the first
    // request's tail of 100.
    await using ui = await startUiServer(() => Promise.resolve({ numbers: counting(5) }));
    const proxy = cursorlessProxy(ui.server.url);
    const { page, errors } = await openPage(browser, { acceptDownloads: true });
    try {
      await page.goto(`${proxy.url}/ui/?fn=numbers&tail=100`);
      // Live lines are on screen: now the connection breaks.
      await rowsHeld(page, 150);
      proxy.cut();
      await page.locator(".row .msg", { hasText: "connection lost" }).waitFor();
      // Well past what a tail of 100 would give again.
      await rowsHeld(page, 1000);
      const [file] = await Promise.all([
        page.waitForEvent("download"),
        page.click("#download-ndjson"),
      ]);
      const shown = (await Deno.readTextFile((await file.path())!)).trimEnd().split("\n")
        .map((l) => JSON.parse(l)).filter((m) => m.instance !== "").map((m) => m.text);
      const numbers = shown.map((t) => Number(/n=(\d+)$/.exec(t)![1]));
      // One run, from the first line shown on, no line missing or twice.
      assert(numbers.length >= 900, `${numbers.length} lines`);
      assertEquals(numbers, numbers.map((_, i) => numbers[0] + i));
      // The second request asked from the last line's time, not the first request's tail.
      assertEquals(proxy.requests.length >= 2, true);
      assertEquals(proxy.requests[1].searchParams.has("since"), true, String(proxy.requests[1]));
      assertEquals(proxy.requests[1].searchParams.has("tail"), false, String(proxy.requests[1]));
      // The cut itself is the one error the browser reports.
      assertEquals(errors.filter((e) => !e.includes("ERR_INCOMPLETE_CHUNKED_ENCODING")), []);
    } finally {
      await page.close();
      await proxy.server.shutdown();
    }
  },
);

/**
 * The page behind a proxy that does what an OpenFaaS gateway does to the log
 * API (PROTOCOL.md 1b): the provider's headers dropped, the body labelled
 * `text/plain`. Browsers refuse such an event stream; the page says why,
 * once, instead of spinning.
 */
import { assert, assertEquals } from "@std/assert";
import { browserTest, openPage } from "./helpers/browser.ts";
import { printing, startUiServer } from "./helpers/ui_server.ts";

/**
 * A proxy to `upstream` that relabels `/system/logs` answers the way the
 * gateway does; disposing it closes its connections at once (the browser
 * still holds some).
 */
function gatewayLike(upstream: string, seen: string[]): { port: number } & AsyncDisposable {
  const abort = new AbortController();
  const options = { hostname: "127.0.0.1", port: 0, signal: abort.signal, onListen: () => {} };
  const server = Deno.serve(options, async (request) => {
    const url = new URL(request.url);
    seen.push(url.pathname);
    const headers = new Headers(request.headers);
    headers.delete("host");
    const answer = await fetch(`${upstream}${url.pathname}${url.search}`, {
      method: request.method,
      headers,
      redirect: "manual",
    });
    if (url.pathname !== "/system/logs") return answer;
    // What the gateway sends; no-transform only stops Deno.serve from gzipping (and buffering) it.
    return new Response(answer.body, {
      status: answer.status,
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-transform" },
    });
  });
  return {
    port: server.addr.port,
    [Symbol.asyncDispose]: async () => {
      abort.abort();
      await server.finished;
    },
  };
}

browserTest(
  "page: behind a gateway that relabels the event stream text/plain, it says so and does not spin",
  async (browser) => {
    await using ui = await startUiServer(async (dir) => ({
      // Under 512 bytes of stream: Chrome holds a text/plain answer this short (sniffing it)
      // and reports nothing, so the page has to notice the silence.
      hello: await printing(dir, "hello", ["hello through the gateway"]),
      // Over it: Chrome refuses the stream at once.
      loud: await printing(dir, "loud", Array.from({ length: 40 }, (_, i) => `loud line ${i}`)),
    }));
    const seen: string[] = [];
    await using proxy = gatewayLike(ui.server.url, seen);
    const { page } = await openPage(browser);
    await page.goto(`http://127.0.0.1:${proxy.port}/ui/?fn=hello`);
    const status = page.locator("#status-text", {
      hasText: 'the log stream arrived as "text/plain; charset=utf-8", not "text/event-stream"',
    });
    await status.waitFor();
    const text = (await status.textContent())!;
    assert(text.includes("an OpenFaaS gateway does"), text);
    assert(text.includes('see the README, "The web page behind a proxy or gateway"'), text);
    assertEquals(await page.getAttribute("#status", "data-light"), "failed");
    assertEquals(await page.locator(".row").count(), 0);
    // One EventSource and one request to learn why; then nothing until the reader asks.
    assertEquals(seen.filter((p) => p === "/system/logs").length, 2);
    const again = await page.waitForRequest("**/system/logs?**", { timeout: 2500 }).catch(() =>
      null
    );
    assertEquals(again, null);
    assertEquals(await page.locator("#retry").isVisible(), true);
    await page.click("#retry");
    await status.waitFor();
    assertEquals(seen.filter((p) => p === "/system/logs").length, 4);

    await page.goto(`http://127.0.0.1:${proxy.port}/ui/?fn=loud`);
    await page.locator("#status-text", { hasText: "loud: the log stream arrived as" }).waitFor();
    assertEquals(await page.getAttribute("#status", "data-light"), "failed");
    assertEquals(await page.locator(".row").count(), 0);
  },
);

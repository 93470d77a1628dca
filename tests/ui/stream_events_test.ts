/**
 * The event stream's own events in a real browser: a server's gap notice is
 * a row of its own (whatever the filters), and a stream the server ends on
 * purpose (`--max-stream-duration`, the `end` event) is followed again,
 * resumed after the last line, with nothing lost or repeated.
 */
import { assert, assertEquals } from "@std/assert";
import type { Browser } from "playwright-core";
import { browserTest, openPage } from "./helpers/browser.ts";
import type { InPage } from "./helpers/in_page.ts";
import { counting, printing, startUiServer } from "./helpers/ui_server.ts";

/**
 * A proxy that passes everything through and, in the first event stream, puts
 * a gap notice (as fnlogs writes one) after the first chunk.
 */
function gapInjecting(upstream: string): { port: number } & AsyncDisposable {
  const abort = new AbortController();
  let injected = false;
  const options = { hostname: "127.0.0.1", port: 0, signal: abort.signal, onListen: () => {} };
  const server = Deno.serve(options, async (request) => {
    const url = new URL(request.url);
    const headers = new Headers(request.headers);
    headers.delete("host");
    const answer = await fetch(`${upstream}${url.pathname}${url.search}`, { headers });
    const sse = answer.headers.get("content-type") === "text/event-stream";
    if (!sse || injected) return answer;
    injected = true;
    const gap = JSON.stringify({
      name: "app",
      namespace: "openfaas-fn",
      instance: "",
      timestamp: new Date().toISOString(),
      text: "[fnlogs] 1234 lines missed: this reader fell behind",
      missed: 1234,
    });
    let first = true;
    const body = answer.body!.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          controller.enqueue(chunk);
          if (first) controller.enqueue(new TextEncoder().encode(`event: gap\ndata: ${gap}\n\n`));
          first = false;
        },
      }),
    );
    return new Response(body, {
      headers: { "content-type": "text/event-stream", "cache-control": "no-transform" },
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
  "page: a gap notice from the server is a row of its own, shown whatever the filters",
  async (browser) => {
    await using ui = await startUiServer(async (dir) => ({
      app: await printing(dir, "app", ["first line", "second line"]),
    }));
    await using proxy = gapInjecting(ui.server.url);
    const { page, errors } = await openPage(browser);
    await page.goto(`http://127.0.0.1:${proxy.port}/ui/?fn=app&q=second`);
    const gap = page.locator('.row[data-kind="gap"]');
    await gap.waitFor();
    assertEquals(
      await gap.locator(".msg").textContent(),
      "[fnlogs] 1234 lines missed: this reader fell behind",
    );
    // The search hides "first line" but never the notice that lines were lost.
    assertEquals(await page.locator('.row[data-kind="line"] .msg').allTextContents(), [
      "second line",
    ]);
    assertEquals(errors, []);
  },
);

/**
 * Follows a counter (40 lines/s) through a server that ends every stream after 1 s (the browser
 * comes back 1 s later: three ends take about 6 s), and
 * returns the page's rows as its `.log` download.
 */
async function followThroughEnds(browser: Browser, engine: "deno" | "fnlogs"): Promise<string[]> {
  await using ui = await startUiServer(() => Promise.resolve({ numbers: counting(25) }), [
    "--max-stream-duration",
    "1s",
    "--engine",
    engine,
  ]);
  const { page, errors } = await openPage(browser, { acceptDownloads: true });
  await page.goto(`${ui.server.url}/ui/?fn=numbers&tail=all`);
  await page.waitForFunction(
    () => {
      const counts = (globalThis as unknown as InPage).document.querySelector("#counts");
      return Number(counts?.getAttribute("data-received")) >= 300;
    },
    undefined,
    { timeout: 40_000 },
  );
  const [file] = await Promise.all([page.waitForEvent("download"), page.click("#download-log")]);
  const rows = (await Deno.readTextFile((await file.path())!)).trimEnd().split("\n");
  assertEquals(errors, []);
  // The lines are n=0, 1, 2, ... each once, across the ends.
  const numbers = rows.map((r) => /run=\w+ n=(\d+)$/.exec(r)?.[1]).filter((n) => n !== undefined)
    .map(Number);
  assertEquals(numbers, numbers.map((_, i) => i));
  assert(numbers.length >= 250, `${numbers.length} lines`); // received counts the notices too
  return rows;
}

for (const engine of ["fnlogs", "deno"] as const) {
  browserTest(
    `page: the end event (a stream ended on purpose, --engine ${engine}) is said, and it follows again after the last line`,
    async (browser) => {
      const rows = await followThroughEnds(browser, engine);
      const ends = rows.filter((r) => r.endsWith("the server ended the stream; following again"));
      const resumes = rows.filter((r) =>
        r.endsWith("reconnected: resumed after the last line received")
      );
      assert(ends.length >= 3, `${ends.length} ends:\n${rows.join("\n")}`);
      assert(resumes.length >= 3, `${resumes.length} resumes`);
    },
  );
}

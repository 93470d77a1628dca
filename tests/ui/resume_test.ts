/**
 * The page through a restart of `fnlogs serve --data-dir`: the browser's
 * `EventSource` reconnects with `Last-Event-ID`, the server resumes after
 * that cursor from its files, and the rows on screen are exactly the lines
 * the function wrote (as stored), each once, in order.
 */
import { assert, assertEquals } from "@std/assert";
import { startServeProcess } from "../helpers/serve_process.ts";
import { browserTest, openPage } from "./helpers/browser.ts";
import { counting, writeStack } from "./helpers/ui_server.ts";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** The texts of the function's stored lines, in order. */
async function storedTexts(dir: string): Promise<string[]> {
  const folder = `${dir}/data/openfaas-fn/numbers`;
  const names = [...Deno.readDirSync(folder)].map((e) => e.name)
    .filter((n) => n.endsWith(".ndjson")).sort();
  const texts: string[] = [];
  for (const name of names) {
    for (const line of (await Deno.readTextFile(`${folder}/${name}`)).split("\n")) {
      if (line !== "") texts.push(JSON.parse(line).text);
    }
  }
  return texts;
}

browserTest(
  "page: a restart of fnlogs serve --data-dir mid-follow; every line on screen exactly once",
  async (browser) => {
    const dir = await Deno.makeTempDir({ prefix: "fnlogs-ui-resume-" });
    try {
      const stack = await writeStack(dir, { numbers: counting(20) });
      const args = ["--stack", stack, "--data-dir", `${dir}/data`, "--port", String(freePort())];
      let server = await startServeProcess(args);
      const { page, errors } = await openPage(browser, { acceptDownloads: true });
      try {
        await page.goto(`${server.url}/ui/?fn=numbers&tail=all`);
        const first = await page.locator(".row .msg", { hasText: / n=40$/ }).textContent();
        const firstRun = /^run=(\w+) /.exec(first!)![1];

        await server.stop();
        await page.locator('#status[data-light="reconnecting"]').waitFor();
        await page.locator("#status-text", {
          hasText: /^reconnecting \(attempt [2-9]\d*\): numbers$/,
        }).waitFor();
        server = await startServeProcess(args);
        await page.locator("#status-text", { hasText: "resumed exactly: numbers" }).waitFor();
        // Lines of the second run (another process, another run id) arrive.
        await page.locator(".row .msg", { hasText: new RegExp(`^run=(?!${firstRun})\\w+ n=40$`) })
          .waitFor();
        await server.stop();

        // What the page shows (its download of the rows, since only those on screen are in
        // the DOM) is exactly the stored lines, from the first on, each once.
        const download = async (button: string) => {
          const [file] = await Promise.all([page.waitForEvent("download"), page.click(button)]);
          return (await Deno.readTextFile((await file.path())!)).trimEnd().split("\n");
        };
        const shown = (await download("#download-ndjson")).map((l) => JSON.parse(l).text);
        const stored = await storedTexts(dir);
        assert(shown.length >= 80, `${shown.length} rows`);
        assertEquals(shown, stored.slice(0, shown.length));
        assertEquals(new Set(shown).size, shown.length);
        assert(shown.some((t) => t.startsWith("[fnlogs] numbers-") && t.includes("SIGTERM")));
        // The rows in the DOM are the newest of them, in order.
        const onScreen = await page.locator(".row[data-kind=line] .msg").allTextContents();
        assert(onScreen.length > 10, `${onScreen.length} rows on screen`);
        assertEquals(onScreen, shown.slice(-onScreen.length));
        // The cut and the resume are said in the log itself.
        const log = await download("#download-log");
        assert(
          log.some((l) =>
            l.endsWith("[fnlogs page] numbers: reconnected: resumed after the last line received")
          ),
          log.filter((l) => l.includes("[fnlogs page]")).join("\n"),
        );
        assertEquals(errors.filter((e) => !e.includes("ERR_CONNECTION_REFUSED")), []);
      } finally {
        await server.stop();
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

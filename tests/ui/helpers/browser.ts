/**
 * A real Chromium for the page's tests, driven by playwright-core. Where
 * Chromium or playwright-core is missing, `browserTest` registers the test as
 * ignored and says why once per file, so the suite passes on a bare machine.
 */
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";

/** Where Chromium is looked for (`FNLOGS_CHROMIUM` first). */
const CANDIDATES = [
  Deno.env.get("FNLOGS_CHROMIUM"),
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
].filter((p): p is string => p !== undefined && p !== "");

/** Flags without which Chromium stalls in a container. */
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

type Playwright = typeof import("playwright-core");

async function findBrowser(): Promise<{ executable: string; playwright: Playwright } | string> {
  const executable = CANDIDATES.find((path) => {
    try {
      return Deno.statSync(path).isFile;
    } catch {
      return false;
    }
  });
  if (executable === undefined) return `no Chromium (looked for ${CANDIDATES.join(", ")})`;
  try {
    return { executable, playwright: await import("playwright-core") };
  } catch (error) {
    return `playwright-core cannot be loaded (${(error as Error).message.split("\n")[0]})`;
  }
}

const found = await findBrowser();
let said = false;

/** Why the browser tests cannot run here, or `undefined` when they can. */
export const browserMissing: string | undefined = typeof found === "string" ? found : undefined;

/** Starts Chromium headless with a fresh profile. */
export async function launchBrowser(): Promise<Browser> {
  if (typeof found === "string") throw new Error(found);
  return await found.playwright.chromium.launch({
    executablePath: found.executable,
    headless: true,
    args: ARGS,
  });
}

/** A page in a new context, failing the test on any script error it reports. */
export async function openPage(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, ...options });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  return { context, page, errors };
}

/**
 * `Deno.test` for a test that needs the browser: ignored (with the reason
 * printed once) where it cannot run, or when `options.ignore` says so (the
 * caller prints why); otherwise it gets a browser that is closed afterwards.
 */
export function browserTest(
  name: string,
  fn: (browser: Browser) => Promise<void>,
  options: { readonly ignore?: boolean } = {},
): void {
  if (browserMissing !== undefined && !said) {
    said = true;
    console.error(`skipped: browser tests: ${browserMissing}`);
  }
  Deno.test({
    name,
    ignore: browserMissing !== undefined || options.ignore === true,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      const browser = await launchBrowser();
      try {
        await fn(browser);
      } finally {
        await browser.close();
      }
    },
  });
}

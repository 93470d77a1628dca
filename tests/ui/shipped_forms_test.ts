/**
 * The page ships inside the program: the committed bundle of `ui/` is what
 * `deno task build:ui` builds, and `deno task bundle` (and `deno task
 * compile`, where its runtime can be downloaded) serve the page from inside
 * themselves, run from another directory with no read access to this one.
 */
import { assertEquals } from "@std/assert";
import { APP_BUNDLE, bundleApp } from "../../server/ui/build_app.ts";
import { compileUnavailable } from "../helpers/compile_probe.ts";
import { RUN_FLAGS, startServeProcess } from "../helpers/serve_process.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const ASSETS = ["", "app.js", "app.css", "icon.svg"];
const fileOf = (name: string) => `${ROOT}server/ui/assets/${name === "" ? "index.html" : name}`;

Deno.test("server/ui/assets/app.js is what deno task build:ui builds from ui/ (run it when this fails)", async () => {
  assertEquals(await Deno.readTextFile(APP_BUNDLE), await bundleApp());
});

/** Serves with `command` from a directory of its own and checks every file of the page. */
async function servesThePage(dir: string, command: string[]): Promise<void> {
  await Deno.writeTextFile(`${dir}/stack.yml`, "functions:\n  fn: {}\n");
  await using server = await startServeProcess(["--stack", `${dir}/stack.yml`], {}, {
    command,
    cwd: dir,
  });
  for (const name of ASSETS) {
    const response = await fetch(`${server.url}/ui/${name}`);
    assertEquals(response.status, 200, name);
    assertEquals(await response.text(), await Deno.readTextFile(fileOf(name)), name);
  }
}

/** The run flags, with reads limited to `dir`: the program cannot look at this repository. */
const confined = (dir: string) =>
  RUN_FLAGS.map((flag) => flag === "--allow-read" ? `--allow-read=${dir}` : flag);

Deno.test("deno task bundle: the single-file program serves the page from inside itself", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fnlogs-bundle-ui-" });
  try {
    const bundled = await new Deno.Command(Deno.execPath(), {
      args: ["bundle", "--quiet", "--platform", "deno", "-o", `${dir}/fnlogs.js`, "main.ts"],
      cwd: ROOT,
    }).output();
    assertEquals(bundled.code, 0, new TextDecoder().decode(bundled.stderr));
    await servesThePage(dir, [Deno.execPath(), "run", ...confined(dir), `${dir}/fnlogs.js`]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const noCompile = await compileUnavailable();
if (noCompile !== undefined) console.error(`skipped: the page in a compiled binary: ${noCompile}`);

Deno.test({
  name: "deno task compile: the standalone binary serves the page from inside itself",
  ignore: noCompile !== undefined,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "fnlogs-compile-ui-" });
    try {
      const compiled = await new Deno.Command(Deno.execPath(), {
        args: ["compile", ...RUN_FLAGS, "-o", `${dir}/fnlogs`, "main.ts"],
        cwd: ROOT,
      }).output();
      assertEquals(compiled.code, 0, new TextDecoder().decode(compiled.stderr));
      await servesThePage(dir, [`${dir}/fnlogs`]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

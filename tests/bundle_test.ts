/**
 * The shipped forms: `deno task bundle` writes one file that runs with
 * `deno run`; `deno task compile` builds a standalone binary. Compiling needs
 * Deno's runtime (denort) from dl.deno.land; where that host cannot be
 * reached the compile test is skipped and says so.
 */
import { assert, assertEquals } from "@std/assert";
import denoJson from "../deno.json" with { type: "json" };
import { compileUnavailable } from "./helpers/compile_probe.ts";
import { versionText } from "../cli/version.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const decoder = new TextDecoder();

async function run(args: string[], cwd = ROOT) {
  const output = await new Deno.Command(Deno.execPath(), { args, cwd, stdin: "null" }).output();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

const noCompile = await compileUnavailable();
if (noCompile !== undefined) console.error(`skipped: standalone binary test: ${noCompile}`);

Deno.test("deno task bundle writes one file that runs as fnlogs", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bundled = await run([
      "bundle",
      "--platform",
      "deno",
      "-o",
      `${dir}/fnlogs.js`,
      "main.ts",
    ]);
    assertEquals(bundled.code, 0, bundled.stderr);
    const version = await run(["run", "--allow-read", `${dir}/fnlogs.js`, "version"], dir);
    assertEquals(version.stdout, versionText(denoJson.version));
    const help = await run([
      "run",
      "--allow-read",
      "--allow-env",
      `${dir}/fnlogs.js`,
      "logs",
      "--help",
    ], dir);
    assertEquals(help.code, 0, help.stderr);
    assert(help.stdout.includes("--follow"), help.stdout);
    const bad = await run(["run", "--allow-read", `${dir}/fnlogs.js`, "nope"], dir);
    assertEquals([bad.code, bad.stderr], [
      2,
      'error: Unknown command "nope". Run "fnlogs help" for usage.\n',
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "deno task compile builds a standalone fnlogs binary",
  ignore: noCompile !== undefined,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const compiled = await run(["compile", "--allow-read", "-o", `${dir}/fnlogs`, "main.ts"]);
      assertEquals(compiled.code, 0, compiled.stderr);
      const output = await new Deno.Command(`${dir}/fnlogs`, { args: ["version"] }).output();
      assertEquals(decoder.decode(output.stdout), versionText(denoJson.version));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

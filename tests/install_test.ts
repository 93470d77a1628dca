/**
 * The README's `deno install -g` line, run as a user runs it: in a fresh
 * clone of this repository, into a temporary root (`--root`), then the
 * installed `fnlogs version` and `fnlogs logs --help` run from that root.
 */
import { assert, assertEquals } from "@std/assert";
import { versionText } from "../cli/version.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const decoder = new TextDecoder();

function gitMissing(): string | undefined {
  try {
    const out = new Deno.Command("git", {
      args: ["-C", ROOT, "rev-parse", "--is-inside-work-tree"],
      stdout: "piped",
      stderr: "null",
    }).outputSync();
    return out.success ? undefined : "this tree is not a git checkout";
  } catch {
    return "git is not installed";
  }
}

const skip = gitMissing();
if (skip !== undefined) console.error(`install test skipped: ${skip}`);

async function run(cmd: string, args: string[], cwd: string, env: Record<string, string>) {
  const out = await new Deno.Command(cmd, { args, cwd, env, stdin: "null" }).output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

Deno.test({
  name: "the README's deno install -g line installs a working fnlogs from a fresh clone",
  ignore: skip !== undefined,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const clone = `${dir}/fnlogs`;
      const cloned = await run("git", ["clone", "-q", ROOT, clone], dir, {});
      assertEquals(cloned.code, 0, cloned.stderr);
      const readme = await Deno.readTextFile(`${clone}/README.md`);
      const line = readme.split("\n").find((l) => l.startsWith("deno install -g ")) ?? "";
      assert(line !== "", "README.md has no line starting with `deno install -g `");
      const args = line.replace(/\s+#.*$/, "").split(/\s+/).slice(1);
      // `deno` as the README says, found on PATH as the user's shell would.
      const bin = Deno.execPath().replace(/\/[^/]+$/, "");
      const env = { PATH: `${bin}:${Deno.env.get("PATH") ?? ""}`, NO_COLOR: "1" };
      const installed = await run("deno", [...args, "--root", `${dir}/root`], clone, env);
      assertEquals(installed.code, 0, installed.stderr);
      const fnlogs = `${dir}/root/bin/fnlogs`;
      const version = await run(fnlogs, ["version"], dir, env);
      const { version: expected } = JSON.parse(await Deno.readTextFile(`${clone}/deno.json`));
      assertEquals([version.code, version.stdout, version.stderr], [0, versionText(expected), ""]);
      const help = await run(fnlogs, ["logs", "--help"], dir, env);
      assertEquals(help.code, 0, help.stderr);
      assert(help.stdout.includes("--resume-file"), help.stdout);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

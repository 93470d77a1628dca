/**
 * The browser code's imports: `ui/` uses only itself and the pure parts of
 * `lib/` (no Deno API reaches a browser), and the program never imports
 * `ui/` as code (the server carries its bundle as text).
 */
import { assert, assertEquals } from "@std/assert";

const ROOT = new URL("../../", import.meta.url);
/** What of `lib/` a browser may run: pure modules, no Deno API. */
const PURE_LIB = [
  /^lib\/parse\//,
  /^lib\/time\/timestamp\.ts$/,
  /^lib\/go\/parse_go_duration\.ts$/,
  /^lib\/filters\/regex_risk\.ts$/,
  /^lib\/errors\.ts$/,
];

async function localModules(entry: string, config?: string): Promise<string[]> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", ...(config === undefined ? [] : ["--config", config]), entry],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) throw new Error(new TextDecoder().decode(output.stderr));
  const info: { modules: { specifier: string }[] } = JSON.parse(
    new TextDecoder().decode(output.stdout),
  );
  return info.modules.map((m) => m.specifier).filter((s) => s.startsWith(ROOT.href))
    .map((s) => s.slice(ROOT.href.length)).sort();
}

Deno.test("ui/ imports only ui/ and pure lib/ modules, none of which uses a Deno API", async () => {
  const modules = await localModules("ui/main.ts", "ui/deno.json");
  assert(modules.includes("ui/app.ts"), modules.join(", "));
  const outside = modules.filter((m) => !m.startsWith("ui/") && !PURE_LIB.some((p) => p.test(m)));
  assertEquals(outside, []);
  for (const module of modules) {
    const text = await Deno.readTextFile(new URL(module, ROOT));
    assertEquals(/\bDeno\.\w/.test(text), false, `${module} uses a Deno API`);
  }
});

Deno.test("the program imports no ui/ module as code", async () => {
  const modules = await localModules("main.ts");
  assert(modules.includes("server/ui/ui_route.ts"), modules.join(", "));
  assertEquals(modules.filter((m) => m.startsWith("ui/")), []);
});

import { assertEquals } from "@std/assert";
import { checkImportRules, findCycles, type Import } from "./import_rules.ts";

const ROOT = new URL("../../", import.meta.url);

/**
 * The source files the rules govern: main.ts, cli/, server/ and lib/, and
 * bench/ for the cycle check alone (no rule names it), tests and examples
 * aside.
 */
async function sourceFiles(): Promise<string[]> {
  const files = ["main.ts"];
  const walk = async (dir: string): Promise<void> => {
    for await (const entry of Deno.readDir(new URL(dir, ROOT))) {
      const path = `${dir}${entry.name}`;
      if (entry.isDirectory) await walk(`${path}/`);
      else if (path.endsWith(".ts") && !path.endsWith("_test.ts")) files.push(path);
    }
  };
  for (const dir of ["cli/", "server/", "lib/", "bench/"]) await walk(dir);
  return files.sort();
}

interface InfoModule {
  readonly specifier: string;
  readonly dependencies?: readonly {
    readonly code?: { readonly specifier?: string };
    readonly type?: { readonly specifier?: string };
  }[];
}

/** Every static import (code and type) among the repository's files, as `deno info` resolves them. */
async function repositoryImports(): Promise<Import[]> {
  const dir = await Deno.makeTempDir({ prefix: "fnlogs-imports-" });
  try {
    const root = `${dir}/all.ts`;
    const files = await sourceFiles();
    await Deno.writeTextFile(
      root,
      files.map((f) => `import ${JSON.stringify(new URL(f, ROOT).href)};\n`).join(""),
    );
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", `--config=${new URL("deno.json", ROOT).pathname}`, root],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!output.success) throw new Error(new TextDecoder().decode(output.stderr));
    const info: { modules: InfoModule[] } = JSON.parse(new TextDecoder().decode(output.stdout));
    const local = (specifier: string | undefined) =>
      specifier?.startsWith(ROOT.href) ? specifier.slice(ROOT.href.length) : undefined;
    const imports: Import[] = [];
    for (const module of info.modules) {
      const from = local(module.specifier);
      if (from === undefined) continue;
      for (const dependency of module.dependencies ?? []) {
        for (const target of [dependency.code?.specifier, dependency.type?.specifier]) {
          const to = local(target);
          if (to !== undefined) imports.push({ from, to });
        }
      }
    }
    return imports;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("import rules hold for every source file", async () => {
  const imports = await repositoryImports();
  // The graph really was read: the entry point's own imports are in it.
  assertEquals(imports.some((i) => i.from === "main.ts" && i.to.startsWith("cli/")), true);
  const broken = checkImportRules(imports).map((v) => `${v.rule}: ${v.from} imports ${v.to}`);
  assertEquals(broken, []);
});

Deno.test("there is no import cycle among the source files", async () => {
  assertEquals(findCycles(await repositoryImports()), []);
});

Deno.test("checkImportRules() names the rule and the import that breaks it", () => {
  const imports: Import[] = [
    { from: "lib/client/follow_logs.ts", to: "cli/logs/options.ts" },
    { from: "server/logs_route.ts", to: "cli/serve/options.ts" },
    { from: "cli/logs/command.ts", to: "server/handler.ts" },
    { from: "cli/serve/command.ts", to: "server/handler.ts" },
    { from: "server/http/http1_server.ts", to: "server/logs_route.ts" },
    { from: "server/http/http1_server.ts", to: "lib/providers/local/provider.ts" },
    { from: "server/http/http1_server.ts", to: "server/http/request_head.ts" },
    { from: "lib/providers/docker/provider.ts", to: "lib/providers/kubernetes/api.ts" },
    { from: "lib/providers/docker/provider.ts", to: "lib/providers/docker/client.ts" },
    { from: "lib/providers/openfaas/provider.ts", to: "lib/client/follow_logs.ts" },
    { from: "lib/providers/openfaas/provider.ts", to: "lib/gateway/open_log_stream.ts" },
    { from: "lib/wire/to_log_record.ts", to: "lib/time/timestamp.ts" },
    { from: "lib/wire/to_log_record.ts", to: "lib/types.ts" },
  ];
  assertEquals(checkImportRules(imports).map((v) => `${v.from} -> ${v.to}`), [
    "lib/client/follow_logs.ts -> cli/logs/options.ts",
    "server/logs_route.ts -> cli/serve/options.ts",
    "cli/logs/command.ts -> server/handler.ts",
    "server/http/http1_server.ts -> server/logs_route.ts",
    "server/http/http1_server.ts -> lib/providers/local/provider.ts",
    "lib/providers/docker/provider.ts -> lib/providers/kubernetes/api.ts",
    "lib/providers/openfaas/provider.ts -> lib/client/follow_logs.ts",
    "lib/wire/to_log_record.ts -> lib/time/timestamp.ts",
  ]);
});

Deno.test("findCycles() finds each cycle once, and self-imports", () => {
  assertEquals(
    findCycles([
      { from: "a.ts", to: "b.ts" },
      { from: "b.ts", to: "c.ts" },
      { from: "c.ts", to: "a.ts" },
      { from: "c.ts", to: "d.ts" },
      { from: "e.ts", to: "e.ts" },
    ]),
    [["a.ts", "b.ts", "c.ts"], ["e.ts"]],
  );
  assertEquals(findCycles([{ from: "a.ts", to: "b.ts" }]), []);
});

Deno.test("checkImportRules() keeps lib/parse/ to itself", () => {
  const imports: Import[] = [
    { from: "lib/parse/parse_log_line.ts", to: "lib/types.ts" },
    { from: "lib/parse/parse_log_line.ts", to: "lib/parse/logfmt.ts" },
  ];
  assertEquals(checkImportRules(imports).map((v) => `${v.rule}: ${v.from} -> ${v.to}`), [
    "lib/parse/ imports only lib/parse/ (a browser page bundles it): lib/parse/parse_log_line.ts -> lib/types.ts",
  ]);
});

Deno.test("lib/parse/ uses no Deno API and imports no package", async () => {
  const dir = new URL("lib/parse/", ROOT);
  const offenders: string[] = [];
  let files = 0;
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.name.endsWith(".ts") || entry.name.endsWith("_test.ts")) continue;
    files++;
    const code = (await Deno.readTextFile(new URL(entry.name, dir)))
      .replace(/^\s*\*.*$/gm, ""); // Doc comments (their examples import @std/assert).
    if (/\bDeno\./.test(code)) offenders.push(`${entry.name}: Deno API`);
    for (const [, specifier] of code.matchAll(/from\s+"([^"]+)"/g)) {
      if (!specifier.startsWith("./")) offenders.push(`${entry.name}: imports ${specifier}`);
    }
  }
  assertEquals(files > 3, true);
  assertEquals(offenders, []);
});

/**
 * `fnlogs completions bash|zsh|fish` run in the real shells: bash through
 * its completion API (`COMP_WORDS`/`COMP_CWORD` and the function the script
 * registers), fish through `complete -C`, zsh in a pseudo-terminal
 * (`zpty`) with `compinit`, pressing Tab and capturing what `compadd`
 * offers. `fnlogs` is found on PATH as a user has it, and function names
 * come from a fake gateway on loopback (or do not, when it is too slow).
 */
import { assert, assertEquals } from "@std/assert";
import { gatewayScript, startFakeGateway } from "./helpers/fake_gateway.ts";
import { MAIN, RUN_FLAGS } from "./helpers/serve_process.ts";

const decoder = new TextDecoder();

function shellMissing(shell: string): string | undefined {
  try {
    new Deno.Command(shell, { args: ["-c", "exit 0"], stdout: "null", stderr: "null" })
      .outputSync();
    return undefined;
  } catch {
    return `${shell} is not installed`;
  }
}

const missing = Object.fromEntries(
  ["bash", "zsh", "fish"].map((shell) => [shell, shellMissing(shell)]),
);
for (const reason of Object.values(missing)) {
  if (reason !== undefined) console.error(`completion test skipped: ${reason}`);
}

const FUNCTIONS = ["hello", "help-desk", "world"];

/** A PATH with `fnlogs` on it, a config file with two contexts, a gateway, and the script. */
async function setUp(shell: string) {
  const dir = await Deno.makeTempDir();
  await Deno.mkdir(`${dir}/bin`);
  await Deno.writeTextFile(
    `${dir}/bin/fnlogs`,
    `#!/bin/sh\nexec '${Deno.execPath()}' run ${RUN_FLAGS.join(" ")} '${MAIN}' "$@"\n`,
    { mode: 0o755 },
  );
  await Deno.writeTextFile(
    `${dir}/config.yaml`,
    "contexts:\n  prod:\n    gateway: http://127.0.0.1:1\n  staging:\n    gateway: http://127.0.0.1:1\n",
  );
  const gateway = startFakeGateway(gatewayScript(() => [], { functions: FUNCTIONS }));
  // A gateway that takes the connection and never answers.
  const silent = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  (async () => {
    for await (const conn of silent) held.push(conn);
  })().catch(() => {});
  const script = `${dir}/fnlogs.${shell}`;
  const out = await new Deno.Command(`${dir}/bin/fnlogs`, { args: ["completions", shell] })
    .output();
  assertEquals(out.code, 0, decoder.decode(out.stderr));
  await Deno.writeFile(script, out.stdout);
  const env = {
    PATH: `${dir}/bin:${Deno.env.get("PATH") ?? ""}`,
    HOME: dir,
    FNLOGS_CONFIG: `${dir}/config.yaml`,
    OPENFAAS_URL: gateway.url,
    NO_COLOR: "1",
    TERM: "dumb",
  };
  return {
    dir,
    script,
    env,
    gateway,
    silentUrl: `http://127.0.0.1:${(silent.addr as Deno.NetAddr).port}`,
    async [Symbol.asyncDispose]() {
      silent.close();
      for (const conn of held) conn.close();
      await gateway.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** What a shell offered for each case, sorted. */
async function run(shell: string, args: string[], env: Record<string, string>): Promise<string> {
  // A shell that waits for something that never comes is killed, and the test fails.
  const signal = AbortSignal.timeout(60_000);
  const out = await new Deno.Command(shell, { args, env, stdin: "null", signal }).output();
  assertEquals(out.code, 0, decoder.decode(out.stderr));
  return decoder.decode(out.stdout);
}

/** The cases every shell must answer: a command line up to the cursor, and the offers. */
function cases(gateway: string): [string, string[]][] {
  const port = new URL(gateway).port;
  return [
    ["fnlogs ", ["completions", "help", "logs", "serve", "ship", "version"]],
    ["fnlogs lo", ["logs"]],
    ["fnlogs logs --o", ["--output"]],
    ["fnlogs logs -o ", ["json", "keyvalue", "plain"]],
    ["fnlogs logs --provider d", ["docker"]],
    ["fnlogs logs --color ", ["always", "auto", "never"]],
    ["fnlogs logs --context ", ["prod", "staging"]],
    ["fnlogs logs he", ["hello", "help-desk"]],
    [`fnlogs logs -g http://127.0.0.1:${port} w`, ["world"]],
    ["fnlogs serve --eng", ["--engine"]],
    ["fnlogs serve --engine ", ["deno", "fnlogs"]],
    ["fnlogs completions ", ["bash", "fish", "zsh"]],
    ["fnlogs ship --fr", ["--from"]],
    ["fnlogs ship --from j", ["journald"]],
  ];
}

/** bash's own split of a line into COMP_WORDS: at blanks, and around `=` and `:`. */
function bashWords(line: string): string[] {
  const words = line.split(/ /).flatMap((w) => w.split(/([=:])/)).filter((w, i, all) =>
    w !== "" || i === all.length - 1
  );
  return words;
}

Deno.test({
  name: "fnlogs completions bash: the completion function answers COMP_WORDS as bash sets them",
  ignore: missing.bash !== undefined,
  fn: async () => {
    await using t = await setUp("bash");
    const all = cases(t.gateway.url);
    all.push(["fnlogs logs --output=k", ["keyvalue"]]);
    const driver = [
      `source '${t.script}'`,
      `complete -p fnlogs`,
      `_case() { COMP_LINE="$1"; COMP_POINT=\${#1}; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _fnlogs; printf '%s\\n' "\${COMPREPLY[@]}" | sort | tr '\\n' ' '; echo; }`,
      ...all.map(([line]) => `_case '${line}' ${bashWords(line).map((w) => `'${w}'`).join(" ")}`),
    ].join("\n");
    const lines = (await run("bash", ["--norc", "--noprofile", "-c", driver], t.env)).split("\n");
    assertEquals(lines[0], "complete -F _fnlogs fnlogs");
    for (const [i, [line, offers]] of all.entries()) {
      assertEquals(lines[i + 1].trim().split(" ").filter((w) => w), offers, line);
    }
  },
});

Deno.test({
  name: "fnlogs completions fish: complete -C offers what fnlogs takes",
  ignore: missing.fish !== undefined,
  fn: async () => {
    await using t = await setUp("fish");
    const all = cases(t.gateway.url);
    all.push(["fnlogs logs --output=k", ["--output=keyvalue"]]);
    const driver = [
      `source '${t.script}'`,
      ...all.map(([line]) => `complete -C '${line}'; echo '=='`),
    ].join("\n");
    const sections = (await run("fish", ["--no-config", "-c", driver], t.env)).split("==\n");
    for (const [i, [line, offers]] of all.entries()) {
      const got = sections[i].split("\n").filter((l) => l).map((l) => l.split("\t")[0]).sort();
      assertEquals(got, offers, line);
    }
    // Descriptions come from the help text.
    assert(sections[2].includes("--output\tplain, keyvalue or json"), sections[2]);
  },
});

Deno.test({
  name: "fnlogs completions zsh: Tab in a pseudo-terminal after compinit offers what fnlogs takes",
  ignore: missing.zsh !== undefined,
  fn: async () => {
    await using t = await setUp("zsh");
    const all = cases(t.gateway.url);
    all.push(["fnlogs logs --output=k", ["keyvalue"]]);
    const out = `${t.dir}/offers`;
    // compadd is wrapped to write what it would offer; each case ends with a marker line.
    const driver = `
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1='READY> '; setopt NO_AUTO_LIST NO_AUTO_MENU NO_BEEP; autoload -Uz compinit; compinit -D -u"
zpty -w z "source '${t.script}'"
zpty -w z 'compadd() { if (( \${@[(I)-[OAD]]} )); then builtin compadd "$@"; return; fi; local -a m; builtin compadd -O m "$@"; print -rl -- "\${m[@]}" >> ${out}; builtin compadd "$@"; }'
# Type only once the shell shows its prompt (earlier typeahead can be dropped).
zpty -w z "print ST''ART"
zpty -r z got "*START*READY> *"
n=0
for line in "$@"; do
  n=$((n + 1))
  zpty -w -n z "$line"$'\\t'
  zpty -w z $'\\x15'"print -r -- '=='$n >> ${out}; print DO''NE$n"
  zpty -r z got "*DONE$n*READY> *"
done
zpty -d z
`;
    await run("zsh", ["-f", "-c", driver, "zsh", ...all.map(([line]) => line)], t.env);
    const text = await Deno.readTextFile(out);
    for (const [i, [line, offers]] of all.entries()) {
      const section = text.split(`==${i + 1}\n`)[0].split(/==\d+\n/).at(-1) ?? "";
      const got = [...new Set(section.split("\n").filter((l) => l))].sort();
      assertEquals(got, offers, line);
    }
  },
});

Deno.test({
  name: "fnlogs __complete functions gives a gateway 300 ms: a silent one yields no names, soon",
  ignore: missing.bash !== undefined,
  fn: async () => {
    await using t = await setUp("bash");
    const started = performance.now();
    const slow = await run("fnlogs", ["__complete", "functions", "-g", t.silentUrl], t.env);
    const ms = performance.now() - started;
    assertEquals(slow, "");
    const fast = await run("fnlogs", ["__complete", "functions"], t.env);
    assertEquals(fast, FUNCTIONS.map((f) => f + "\n").join(""));
    console.log(`__complete against a silent gateway returned nothing after ${Math.round(ms)} ms`);
  },
});

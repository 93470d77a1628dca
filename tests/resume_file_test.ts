/**
 * `fnlogs logs --resume-file` across restarts, as scripts use it: a real
 * `fnlogs serve` runs a function that writes numbered lines in bursts, and
 * `fnlogs logs` is run again and again with the same file, each run ended
 * at a random moment by SIGTERM, SIGINT, its reader closing the pipe, or a
 * stop condition (`--max-lines`, `--until-match`, `--for`). Together the
 * runs print every line exactly once, against fnlogs serve's cursors and
 * against a gateway that only speaks NDJSON (since plus the dropped
 * overlap). Runs killed with SIGKILL lose nothing and repeat at most their
 * last write.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { type Ending, runLogsChild } from "./helpers/logs_child.ts";
import { seeded } from "./helpers/fuzz.ts";
import { startServeProcess } from "./helpers/serve_process.ts";

const BURSTS = new URL("./functions/bursts.ts", import.meta.url).pathname;
/** Lines per burst, one a millisecond, then GAP_MS of silence. */
const BURST = 20;
const GAP_MS = 250;

/** A stack whose function `bursts` writes "line N" in bursts. */
async function stackFile(dir: string): Promise<string> {
  const path = `${dir}/stack.yml`;
  await Deno.writeTextFile(
    path,
    `functions:\n  bursts:\n    fnlogs:\n      command: ["deno", "run", "${BURSTS}", "${BURST}", "1", "${GAP_MS}"]\n`,
  );
  return path;
}

/** A gateway that drops fnlogs' extensions (Accept, Last-Event-ID): plain NDJSON, as faas-provider. */
function ndjsonGateway(upstream: string): { url: string; close(): Promise<void> } {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    const answer = await fetch(upstream + url.pathname + url.search, { signal: req.signal });
    return new Response(answer.body, {
      status: answer.status,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
}

const number = (line: string) => {
  const m = /^line (\d+)$/.exec(line);
  if (m === null) throw new Error(`unexpected output line ${JSON.stringify(line)}`);
  return Number(m[1]);
};

type Plan = { label: string; args: string[]; ending: Ending };

/** The endings, each twice, in a seeded random order; `next` is the next line to come. */
function endings(random: () => number): ((next: number) => Plan)[] {
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const kinds: ((next: number) => Plan)[] = [
    (next) => ({ label: "SIGTERM", args: [], ending: signal("SIGTERM", next + int(0, 3 * BURST)) }),
    (next) => ({ label: "SIGINT", args: [], ending: signal("SIGINT", next + int(0, 3 * BURST)) }),
    (next) => {
      // After the last line of a burst: nothing is left in the pipe to lose.
      const at = next + int(0, 3 * BURST);
      const when = (line: string) => number(line) >= at && number(line) % BURST === BURST - 1;
      return { label: "closed stdout", args: [], ending: { kind: "close", when } };
    },
    () => {
      const n = int(1, 3 * BURST);
      return { label: `--max-lines ${n}`, args: ["--max-lines", String(n)], ending: self };
    },
    (next) => {
      const target = next + int(0, 3 * BURST);
      return {
        label: `--until-match line ${target}`,
        args: ["--until-match", `^line ${target}$`],
        ending: self,
      };
    },
    () => {
      const ms = int(300, 1500);
      return { label: `--for ${ms}ms`, args: ["--for", `${ms}ms`], ending: self };
    },
  ];
  const all = [...kinds, ...kinds];
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all;
}
const self: Ending = { kind: "self" };
/** `sig` once line `at` (or a later one) was printed. */
const signal = (sig: Deno.Signal, at: number): Ending => ({
  kind: "signal",
  signal: sig,
  when: (line) => number(line) >= at,
});

/** Runs `plans` one after another on one resume file; returns each run's line numbers. */
async function runAll(
  gateway: string,
  file: string,
  plans: ((next: number) => Plan)[],
  /** The notice every run after the first prints (none with kills: a run may die before its first save). */
  notice: RegExp | undefined,
): Promise<{ label: string; lines: number[]; reads: number }[]> {
  const runs: { label: string; lines: number[]; reads: number }[] = [];
  let next = 0;
  for (const [i, make] of plans.entries()) {
    const plan = make(next);
    const run = await runLogsChild(
      ["bursts", "-g", gateway, "--time-format=", "--resume-file", file, ...plan.args],
      plan.ending,
    );
    const where = `run ${i + 1} (${plan.label}): ${run.stderr}`;
    if (plan.ending.kind === "signal" && plan.ending.signal === "SIGKILL") {
      assertEquals(run.status.signal, "SIGKILL", where);
    } else {
      assertEquals(run.status.code, 0, where);
      assert(!run.stderr.includes("error"), where);
    }
    if (i > 0 && notice !== undefined) {
      assertStringIncludes(run.stderr, "picked up where the last run stopped", where);
      assert(notice.test(run.stderr), where);
    }
    const lines = run.lines.map(number);
    assert(lines.length > 0, where);
    runs.push({ label: plan.label, lines, reads: run.reads });
    next = Math.max(next, lines[lines.length - 1] + 1);
  }
  return runs;
}

async function withServer(
  test: (gateways: { cursor: string; since: string }, dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir();
  await using server = await startServeProcess(["--stack", await stackFile(dir)]);
  const ndjson = ndjsonGateway(server.url);
  try {
    await test({ cursor: server.url, since: ndjson.url }, dir);
  } finally {
    await server.stop();
    await ndjson.close();
    await Deno.remove(dir, { recursive: true });
  }
}

const MODES = [
  { mode: "cursor" as const, notice: /exactly after the last line/, seed: 3 },
  { mode: "since" as const, notice: /from \S+Z, overlap dropped/, seed: 5 },
];

for (const { mode, notice, seed } of MODES) {
  Deno.test(`--resume-file: runs ended by signals, a closed stdout and stop conditions print every line once (${mode})`, async () => {
    await withServer(async (gateways, dir) => {
      const runs = await runAll(
        gateways[mode],
        `${dir}/position.json`,
        endings(seeded(seed)),
        notice,
      );
      const printed = runs.flatMap((r) => r.lines);
      assertEquals(printed, printed.map((_, i) => i), runs.map((r) => r.label).join(", "));
      console.log(
        `resume file (${mode}): ${runs.length} runs, ${printed.length} lines, each once: ` +
          runs.map((r) => `${r.label} ${r.lines.length}`).join("; "),
      );
    });
  });
}

for (const { mode, seed } of MODES) {
  Deno.test(`--resume-file: runs killed with SIGKILL lose nothing and repeat at most their last write (${mode})`, async () => {
    await withServer(async (gateways, dir) => {
      const random = seeded(seed + 100);
      const kills = Array.from({ length: 8 }, () => (next: number) => {
        const at = next + Math.floor(random() * 3 * BURST);
        return { label: `SIGKILL at line ${at}`, args: [], ending: signal("SIGKILL", at) };
      });
      const runs = await runAll(gateways[mode], `${dir}/position.json`, kills, undefined);
      let last = -1;
      const repeats: number[] = [];
      for (const [i, run] of runs.entries()) {
        const repeated = last - run.lines[0] + 1;
        // Nothing lost: each run starts at or before the line after the last one printed.
        assert(repeated >= 0, `run ${i + 1} skipped lines ${last + 1}..${run.lines[0] - 1}`);
        // What it repeats is the previous run's last lines, and then it goes on in order.
        const where = `run ${i + 1}: ${run.lines.join(" ")}`;
        assertEquals(run.lines, run.lines.map((_, k) => run.lines[0] + k), where);
        if (i > 0) {
          const before = runs[i - 1].lines;
          assertEquals(before.slice(before.length - repeated), run.lines.slice(0, repeated));
          // At most one write: BatchWriter holds 4 x 64 Ki characters behind a write, plus a batch.
          assert(repeated * "line 99999\n".length <= 5 * 65_536, `run ${i + 1}: ${repeated}`);
          repeats.push(repeated);
        }
        last = run.lines[run.lines.length - 1];
      }
      console.log(
        `resume file, SIGKILL (${mode}): ${runs.length} runs, ${last + 1} lines, none lost; ` +
          `repeated per kill: ${repeats.join(", ")} (max ${Math.max(...repeats)})`,
      );
    });
  });
}

/**
 * Shared pieces of the benchmarks: the result row every section returns,
 * run fnlogs as a user does (separate processes over loopback), read a
 * process's RSS and CPU from /proc, and summarise samples. The sections
 * import this file and never `main.ts`, which imports them.
 */
import {
  LOGS_RUN_FLAGS,
  MAIN,
  RUN_FLAGS,
  type ServeProcess,
  startServeProcess,
} from "../tests/helpers/serve_process.ts";

export { LOGS_RUN_FLAGS, MAIN, RUN_FLAGS };

export const ROOT = new URL("..", import.meta.url).pathname;

/** One line of the results table: what was measured, the value, and its target if it has one. */
export interface Row {
  readonly measure: string;
  readonly value: string;
  readonly target?: string;
  readonly ok?: boolean;
}

/** Now, in epoch milliseconds with sub-millisecond precision. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** A running `fnlogs serve`. */
export type Server = ServeProcess;

/** Servers still running, stopped if the benchmark is interrupted. */
const running = new Set<Deno.ChildProcess>();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => {
    for (const child of running) child.kill("SIGTERM");
    Deno.exit(130);
  });
}

/**
 * Flags for a server that a load generator on 127.0.0.1 connects to many
 * times: every connection comes from one address, so the per-address caps
 * are lifted.
 */
export const ONE_ADDRESS_LOAD_ARGS = [
  "--max-streams-per-client",
  "20000",
  "--max-pending-per-client",
  "1000",
];

/** `fnlogs serve` flags that hold a `lines`-line history of the bulk function whole. */
export function bulkHistoryArgs(lines: number): string[] {
  return ["--history-lines", String(lines + 10), "--history-bytes", String(1 << 30), "--quiet"];
}

/** Extra `fnlogs serve` flags for every server, for A/B runs: `FNLOGS_BENCH_SERVE_ARGS="--engine deno"`. */
const EXTRA_ARGS = (Deno.env.get("FNLOGS_BENCH_SERVE_ARGS") ?? "").split(" ").filter((a) =>
  a !== ""
);

/**
 * Starts `fnlogs serve` on `bench/stacks/STACK.yml`, so each measure runs
 * only its own functions; with `stack` empty, on whatever `args` name (a relay).
 * `FNLOGS_BENCH_SERVE_ARGS` adds flags to every server.
 */
export async function startServer(
  stack: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<Server> {
  const server = await startServeProcess(
    [
      ...(stack === "" ? [] : ["--stack", `${ROOT}bench/stacks/${stack}.yml`]),
      ...args,
      ...EXTRA_ARGS,
    ],
    env,
  );
  running.add(server.child);
  server.child.status.then(() => running.delete(server.child));
  return server;
}

/** Resident set size of a process, in bytes. */
export function rssBytes(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(status.match(/^VmRSS:\s+(\d+) kB$/m)![1]) * 1024;
}

/** CPU time a process used so far, in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

/** Runs a command, returning wall time in ms and its exit code. */
export async function timed(
  command: string,
  args: string[],
  stdout: "null" | "piped" = "null",
): Promise<{ ms: number; code: number; stdout: string }> {
  const start = performance.now();
  const output = await new Deno.Command(command, { args, stdout, stderr: "piped", stdin: "null" })
    .output();
  const ms = performance.now() - start;
  if (output.code !== 0) {
    console.error(new TextDecoder().decode(output.stderr));
  }
  return {
    ms,
    code: output.code,
    stdout: stdout === "piped" ? new TextDecoder().decode(output.stdout) : "",
  };
}

/** Waits until `check()` resolves true, polling every `everyMs`, for at most `timeoutMs`. */
export async function until(check: () => Promise<boolean>, timeoutMs: number, everyMs = 200) {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Waits (bounded) until function `name` has written a line the server holds. */
export function untilFirstLine(server: Server, name: string): Promise<void> {
  return until(
    async () => {
      const response = await fetch(`${server.url}/system/logs?name=${name}&tail=1`);
      return (await response.text()).includes('"text":');
    },
    30_000,
    50,
  );
}

/**
 * Shared pieces of the benchmarks: run fnlogs as a user does (separate
 * processes over loopback), read a process's RSS and CPU from /proc, and
 * summarise samples.
 */
import { TextLineStream } from "@std/streams";

export const ROOT = new URL("..", import.meta.url).pathname;
export const MAIN = `${ROOT}main.ts`;
/** The flags `deno task serve` and `deno task logs` run with. */
export const RUN_FLAGS = [
  "--unstable-no-legacy-abort",
  "--allow-read",
  "--allow-write",
  "--allow-net",
  "--allow-env",
  "--allow-run",
];

/** Now, in epoch milliseconds with sub-millisecond precision. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** A running `fnlogs serve`. */
export interface Server extends AsyncDisposable {
  readonly url: string;
  readonly pid: number;
  /** Every stderr line so far, with the time it arrived. */
  readonly log: { line: string; at: number }[];
  /** Resolves with the first stderr line (from `from` on) that matches. */
  waitForLog(pattern: RegExp, from?: number): Promise<string>;
  stop(): Promise<void>;
}

/** Servers still running, stopped if the benchmark is interrupted. */
const running = new Set<Deno.ChildProcess>();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => {
    for (const child of running) child.kill("SIGTERM");
    Deno.exit(130);
  });
}

/**
 * Starts `fnlogs serve` on `bench/stacks/STACK.yml`, so each measure runs
 * only its own functions; with `stack` empty, on whatever `args` name (a relay).
 */
export async function startServer(
  stack: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<Server> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...RUN_FLAGS,
      MAIN,
      "serve",
      "--port",
      "0",
      ...(stack === "" ? [] : ["--stack", `${ROOT}bench/stacks/${stack}.yml`]),
      ...args,
    ],
    env,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  running.add(child);
  child.status.then(() => running.delete(child));
  const log: { line: string; at: number }[] = [];
  let waiters: { pattern: RegExp; from: number; resolve: (line: string) => void }[] = [];
  const lines: TransformStream<string, string> = new TextLineStream();
  (async () => {
    for await (const line of child.stderr.pipeThrough(new TextDecoderStream()).pipeThrough(lines)) {
      log.push({ line, at: epochMs() });
      const index = log.length - 1;
      waiters = waiters.filter((w) => {
        if (index < w.from || !w.pattern.test(line)) return true;
        w.resolve(line);
        return false;
      });
    }
  })();
  const waitForLog = (pattern: RegExp, from = 0) =>
    new Promise<string>((resolve) => {
      const seen = log.slice(from).find((l) => pattern.test(l.line));
      if (seen !== undefined) resolve(seen.line);
      else waiters.push({ pattern, from, resolve });
    });
  const listening = await waitForLog(/listening on http:\/\/[\d.]+:\d+\//);
  const url = listening.match(/(http:\/\/[\d.]+:\d+)/)![1];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    child.kill("SIGTERM");
    await child.status;
  };
  return { url, pid: child.pid, log, waitForLog, stop, [Symbol.asyncDispose]: stop };
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

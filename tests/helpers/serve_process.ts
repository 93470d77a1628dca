/**
 * `fnlogs serve` as its own process, as users run it (`deno task serve`'s
 * flags), on a free port: its stderr lines are kept and can be waited for.
 * Used by the black-box tests and by the benchmarks.
 */
import { TextLineStream } from "@std/streams";
import { LOGS_RUN_FLAGS, RUN_FLAGS } from "../../main.ts";

/** The entry point. */
export const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** The flags `deno task serve` and `deno task logs` run with (main.ts's own lists). */
export { LOGS_RUN_FLAGS, RUN_FLAGS };

/** A running `fnlogs serve`. */
export interface ServeProcess extends AsyncDisposable {
  readonly child: Deno.ChildProcess;
  readonly url: string;
  readonly pid: number;
  /** Every stderr line so far, with when it arrived (epoch ms). */
  readonly log: { line: string; at: number }[];
  /** Resolves with the first stderr line (from index `from` on) that matches. */
  waitForLog(pattern: RegExp, from?: number): Promise<string>;
  /** SIGTERM, then waits for the exit (harmless twice). */
  stop(): Promise<void>;
}

/** Another form of the program: `[program, ...args]` that `serve ...` follows, and where it runs. */
export interface ServeProgram {
  readonly command: readonly string[];
  readonly cwd?: string;
}

/**
 * Starts `fnlogs serve --port 0 ARGS` and resolves once it listens; by
 * default `deno run main.ts`, or `program` (a bundle, a compiled binary).
 */
export async function startServeProcess(
  args: string[],
  env: Record<string, string> = {},
  program: ServeProgram = { command: [Deno.execPath(), "run", ...RUN_FLAGS, MAIN] },
): Promise<ServeProcess> {
  const [command, ...before] = program.command;
  const child = new Deno.Command(command, {
    args: [...before, "serve", "--port", "0", ...args],
    cwd: program.cwd,
    env,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const log: { line: string; at: number }[] = [];
  type Waiter = {
    pattern: RegExp;
    from: number;
    resolve: (line: string) => void;
    reject: (error: Error) => void;
  };
  let waiters: Waiter[] = [];
  let ended = false;
  // What is still awaited when stderr ends never comes: say so, with the last lines.
  const notComing = (pattern: RegExp) =>
    new Error(
      `fnlogs serve ended its stderr before a line matched ${pattern}; last lines:\n` +
        log.slice(-10).map((l) => l.line).join("\n"),
    );
  const lines: TransformStream<string, string> = new TextLineStream();
  (async () => {
    for await (const line of child.stderr.pipeThrough(new TextDecoderStream()).pipeThrough(lines)) {
      log.push({ line, at: performance.timeOrigin + performance.now() });
      const index = log.length - 1;
      waiters = waiters.filter((w) => {
        if (index < w.from || !w.pattern.test(line)) return true;
        w.resolve(line);
        return false;
      });
    }
  })().finally(() => {
    ended = true;
    for (const w of waiters.splice(0)) w.reject(notComing(w.pattern));
  });
  const waitForLog = (pattern: RegExp, from = 0) =>
    new Promise<string>((resolve, reject) => {
      const seen = log.slice(from).find((l) => pattern.test(l.line));
      if (seen !== undefined) resolve(seen.line);
      else if (ended) reject(notComing(pattern));
      else waiters.push({ pattern, from, resolve, reject });
    });
  const listening = await waitForLog(/listening on https?:\/\/[\d.]+:\d+\//);
  const url = listening.match(/(https?:\/\/[\d.]+:\d+)/)![1];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    stopping ??= (async () => {
      try {
        child.kill("SIGTERM");
      } catch {
        // Already gone.
      }
      await child.status;
    })();
  return { child, url, pid: child.pid, log, waitForLog, stop, [Symbol.asyncDispose]: stop };
}

/** What a `fnlogs logs` run printed, and its exit code. */
export interface LogsRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `fnlogs logs ARGS` as `deno task logs` does, without colour unless
 * `env` says otherwise, and waits for it to exit.
 */
export async function runLogs(args: string[], env: Record<string, string> = {}): Promise<LogsRun> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...LOGS_RUN_FLAGS, MAIN, "logs", ...args],
    stdin: "null",
    env: { NO_COLOR: "1", ...env },
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/**
 * Follows `url` (a `follow=true` logs request) until its body contains
 * `marker`, then cancels it: waiting for a function's line as an event, not
 * by asking again and again. Throws if the stream ends first.
 */
export async function followUntil(
  url: string,
  marker: string,
  init?: RequestInit & { client?: Deno.HttpClient },
): Promise<void> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes(marker)) {
    const next = await reader.read();
    if (next.done) throw new Error(`${url} ended before ${marker}: ${seen}`);
    seen += next.value;
  }
  await reader.cancel();
}

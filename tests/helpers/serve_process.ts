/**
 * `fnlogs serve` as its own process, as users run it (`deno task serve`'s
 * flags), on a free port: its stderr lines are kept and can be waited for.
 * Used by the black-box tests and by the benchmarks.
 */
import { TextLineStream } from "@std/streams";
import { RUN_FLAGS } from "../../main.ts";

/** The entry point. */
export const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** The flags `deno task serve` and `deno task logs` run with (main.ts's own list). */
export { RUN_FLAGS };

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

/** Starts `fnlogs serve --port 0 ARGS` and resolves once it listens. */
export async function startServeProcess(
  args: string[],
  env: Record<string, string> = {},
): Promise<ServeProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...RUN_FLAGS, MAIN, "serve", "--port", "0", ...args],
    env,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const log: { line: string; at: number }[] = [];
  let waiters: { pattern: RegExp; from: number; resolve: (line: string) => void }[] = [];
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
  })();
  const waitForLog = (pattern: RegExp, from = 0) =>
    new Promise<string>((resolve) => {
      const seen = log.slice(from).find((l) => pattern.test(l.line));
      if (seen !== undefined) resolve(seen.line);
      else waiters.push({ pattern, from, resolve });
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

/**
 * Any `fnlogs` command as its own process (`deno task`'s flags), its stdout
 * and stderr kept as lines that can be waited for: the shipper and the
 * following client of the NATS tests.
 */
import { TextLineStream } from "@std/streams";
import { MAIN, RUN_FLAGS } from "./serve_process.ts";

/** The longest any wait for a line lasts. */
const WAIT_MS = 90_000;

/** A running `fnlogs` process. */
export interface FnlogsProcess extends AsyncDisposable {
  readonly child: Deno.ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  /** Resolves with the first line of `stream` that matches (already seen ones included). */
  waitFor(
    stream: "stdout" | "stderr",
    pattern: RegExp | ((line: string) => boolean),
  ): Promise<string>;
  /** Resolves once stdout holds `count` lines. */
  waitForLines(count: number): Promise<void>;
  /** Sends `signal` (SIGTERM by default) and resolves with the exit code. */
  stop(signal?: Deno.Signal): Promise<number>;
}

/** Starts `fnlogs ARGS`. */
export function startFnlogs(args: string[], env: Record<string, string> = {}): FnlogsProcess {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...RUN_FLAGS, MAIN, ...args],
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines = { stdout: [] as string[], stderr: [] as string[] };
  let waiters: { check: () => boolean }[] = [];
  const ended = { stdout: false, stderr: false };
  const pump = async (name: "stdout" | "stderr", stream: ReadableStream<Uint8Array>) => {
    const splitter: TransformStream<string, string> = new TextLineStream();
    for await (const line of stream.pipeThrough(new TextDecoderStream()).pipeThrough(splitter)) {
      lines[name].push(line);
      waiters = waiters.filter((w) => !w.check());
    }
    ended[name] = true;
    waiters = waiters.filter((w) => !w.check());
  };
  const pumps = Promise.all([pump("stdout", child.stdout), pump("stderr", child.stderr)]);
  // Every wait has a deadline, so a test fails with the last stderr lines instead of hanging.
  const wait = (done: () => boolean, what: () => string) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters = waiters.filter((w) => w.check !== check);
        reject(
          new Error(
            `fnlogs ${args[0]}: no ${what()} within ${WAIT_MS} ms; stderr:\n${
              lines.stderr.slice(-15).join("\n")
            }`,
          ),
        );
      }, WAIT_MS);
      const check = () => {
        if (done()) {
          clearTimeout(timer);
          resolve();
          return true;
        }
        if (ended.stdout && ended.stderr) {
          clearTimeout(timer);
          reject(
            new Error(
              `fnlogs ${args[0]} ended before ${what()}; stderr:\n${
                lines.stderr.slice(-15).join("\n")
              }`,
            ),
          );
          return true;
        }
        return false;
      };
      if (!check()) waiters.push({ check });
    });
  const waitFor = async (
    stream: "stdout" | "stderr",
    pattern: RegExp | ((line: string) => boolean),
  ) => {
    const test = typeof pattern === "function" ? pattern : (line: string) => pattern.test(line);
    let found: string | undefined;
    await wait(
      () => (found = lines[stream].find(test)) !== undefined,
      () => `a ${stream} line ${pattern}`,
    );
    return found!;
  };
  const waitForLines = (count: number) =>
    wait(
      () => lines.stdout.length >= count,
      () => `${count} stdout lines (${lines.stdout.length})`,
    );
  let code: Promise<number> | undefined;
  const stop = (signal: Deno.Signal = "SIGTERM") =>
    code ??= (async () => {
      try {
        child.kill(signal);
      } catch {
        // Gone already.
      }
      const status = await child.status;
      await pumps;
      return status.code;
    })();
  return {
    child,
    stdout: lines.stdout,
    stderr: lines.stderr,
    waitFor,
    waitForLines,
    stop,
    // SIGTERM first: a shipper or server stops the functions it runs
    // (SIGKILL would leave them behind, orphaned); SIGKILL if it hangs.
    [Symbol.asyncDispose]: async () => {
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch {
          // Gone already.
        }
      }, 5_000);
      try {
        await stop("SIGTERM");
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

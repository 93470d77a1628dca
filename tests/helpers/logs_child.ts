/**
 * `fnlogs logs` as its own process whose stdout the test reads as it comes,
 * to end it the way a user does: a signal after some lines, the reader
 * closing the pipe, or a stop condition of its own.
 */
import { MAIN, RUN_FLAGS } from "./serve_process.ts";

/** How a run is ended. */
export type Ending =
  /** Send the signal once the run printed a line that `when` accepts, then read to the end. */
  | {
    readonly kind: "signal";
    readonly signal: Deno.Signal;
    readonly when: (line: string) => boolean;
  }
  /**
   * Close stdout once a read ended exactly after a line that `when` accepts
   * (the writer having nothing more to write then).
   */
  | { readonly kind: "close"; readonly when: (line: string) => boolean }
  /** The run stops by itself (`--max-lines`, `--until-match`, `--for`): read to the end. */
  | { readonly kind: "self" };

/** What one run printed, line by line, and how it exited. */
export interface ChildRun {
  readonly lines: string[];
  /** How many reads of stdout it took (for the report). */
  readonly reads: number;
  readonly status: Deno.CommandStatus;
  readonly stderr: string;
}

/** Runs `fnlogs logs ARGS` until `ending` says it is over. */
export async function runLogsChild(args: string[], ending: Ending): Promise<ChildRun> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...RUN_FLAGS, MAIN, "logs", ...args],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  const lines: string[] = [];
  let partial = "";
  let reads = 0;
  let signalled = false;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    reads++;
    const text = partial + decoder.decode(value, { stream: true });
    const parts = text.split("\n");
    partial = parts.pop() as string;
    lines.push(...parts);
    if (ending.kind === "signal" && !signalled && parts.some(ending.when)) {
      signalled = true;
      child.kill(ending.signal);
    }
    if (
      ending.kind === "close" && partial === "" && parts.length > 0 && ending.when(parts.at(-1)!)
    ) {
      await reader.cancel();
      break;
    }
  }
  if (partial !== "") lines.push(partial + "<no newline>");
  return { lines, reads, status: await child.status, stderr: await stderr };
}

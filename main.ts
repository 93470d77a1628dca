#!/usr/bin/env -S deno run --unstable-no-legacy-abort --allow-read --allow-write --allow-net --allow-env --allow-run
/**
 * fnlogs: stream function logs. `fnlogs serve` answers the OpenFaaS log API
 * from an orchestrator; `fnlogs logs NAME -f` follows them.
 *
 * This is the only place that prints `error: ...` and sets the exit code.
 *
 * @module
 */
import { runLogs } from "./cli/logs_command.ts";
import { MAIN_HELP } from "./cli/main_help.ts";
import {
  ConnectError,
  FunctionNotFoundError,
  HttpStatusError,
  InvalidInputError,
  UpstreamError,
  UsageError,
} from "./lib/errors.ts";
import { runServe } from "./server/serve_command.ts";
import denoJson from "./deno.json" with { type: "json" };

/** Exit codes scripts can rely on (documented in the README). */
export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  streamEnded: 3,
  noMatch: 4,
} as const;

const encoder = new TextEncoder();

function writeStderr(line: string): void {
  try {
    Deno.stderr.writeSync(encoder.encode(line.endsWith("\n") ? line : line + "\n"));
  } catch {
    // Nowhere left to report to.
  }
}

function shutdownSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = () => controller.abort(new DOMException("interrupted", "AbortError"));
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    try {
      Deno.addSignalListener(signal, stop);
    } catch {
      // Not supported on this platform.
    }
  }
  return controller.signal;
}

async function run(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  const env = (name: string) => Deno.env.get(name);
  switch (command) {
    case undefined:
    case "help":
    case "-h":
    case "--help":
      await Deno.stdout.write(encoder.encode(MAIN_HELP));
      return EXIT.ok;
    case "version":
    case "-V":
    case "--version":
      await Deno.stdout.write(encoder.encode(`fnlogs ${denoJson.version}\n`));
      return EXIT.ok;
    case "serve":
      await runServe(rest, {
        stdout: (text) => Deno.stdout.writeSync(encoder.encode(text)),
        stderr: writeStderr,
        env,
        signal: shutdownSignal(),
      });
      return EXIT.ok;
    case "logs": {
      const outcome = await runLogs(rest, {
        stdout: Deno.stdout.writable,
        stderr: Deno.stderr.writable,
        stdoutIsTerminal: Deno.stdout.isTerminal(),
        env,
        signal: shutdownSignal(),
      });
      switch (outcome) {
        case "stream-ended":
          return EXIT.streamEnded;
        case "no-match":
          return EXIT.noMatch;
        default:
          return EXIT.ok;
      }
    }
    default:
      throw new UsageError(`Unknown command "${command}". Run "fnlogs help" for usage.`);
  }
}

function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError || error instanceof InvalidInputError) return EXIT.usage;
  return EXIT.error;
}

function isKnown(error: unknown): boolean {
  return error instanceof UsageError || error instanceof InvalidInputError ||
    error instanceof ConnectError || error instanceof HttpStatusError ||
    error instanceof FunctionNotFoundError || error instanceof UpstreamError;
}

if (import.meta.main) {
  let code: number;
  try {
    code = await run(Deno.args);
  } catch (error) {
    // Known errors and plain ones carry a message for people; FNLOGS_DEBUG=1 adds stacks.
    let debug = false;
    try {
      debug = Deno.env.get("FNLOGS_DEBUG") !== undefined;
    } catch {
      // No env permission: no stacks.
    }
    writeStderr(
      `error: ${
        error instanceof Error
          ? (debug && !isKnown(error) ? error.stack : error.message)
          : String(error)
      }`,
    );
    code = exitCodeOf(error);
  }
  Deno.exit(code);
}

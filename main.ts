#!/usr/bin/env -S deno run --unstable-no-legacy-abort --allow-read --allow-write --allow-net --allow-env --allow-run
/**
 * fnlogs: stream function logs. `fnlogs serve` answers the OpenFaaS log API
 * from an orchestrator; `fnlogs logs NAME -f` follows them.
 *
 * This is the only place that prints `error: ...` and sets the exit code.
 *
 * @module
 */
import { parseLogsOptions } from "./cli/logs/options.ts";
import { MAIN_HELP } from "./cli/main_help.ts";
import {
  ConnectError,
  FunctionNotFoundError,
  HttpStatusError,
  InvalidInputError,
  UpstreamError,
  UsageError,
} from "./lib/errors.ts";
import { versionText } from "./cli/version.ts";
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

/** Writes all of `text`; a reader that went away (`fnlogs help | head -1`) ends it quietly. */
function writeStdout(text: string): void {
  const bytes = encoder.encode(text);
  try {
    for (let at = 0; at < bytes.length;) at += Deno.stdout.writeSync(bytes.subarray(at));
  } catch (error) {
    if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
  }
}

/**
 * Aborted by the first SIGINT or SIGTERM, for a clean stop (a server lets its
 * streams end, a shipper waits for its acknowledgements); a second one ends
 * the process at once, as 128 + the signal's number, the way shells report it.
 */
function shutdownSignal(): AbortSignal {
  const controller = new AbortController();
  const codes = { SIGINT: 130, SIGTERM: 143 } as const;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    const stop = () => {
      if (!controller.signal.aborted) {
        controller.abort(new DOMException("interrupted", "AbortError"));
        return;
      }
      // Run again by fnlogs (--tls-no-verify): a terminal's Ctrl-C reaches
      // this process both directly and through the parent, so a second
      // signal is not a second Ctrl-C; the parent ends it if one comes.
      if (Deno.env.get(TLS_CHILD) === "1") return;
      writeStderr(`${signal} again: stopping now`);
      Deno.exit(codes[signal]);
    };
    try {
      Deno.addSignalListener(signal, stop);
    } catch {
      // Not supported on this platform.
    }
  }
  return controller.signal;
}

/** The permissions `fnlogs` runs with (the same as `deno task serve` and `deno task logs`). */
export const RUN_FLAGS = [
  "--unstable-no-legacy-abort",
  "--allow-read",
  "--allow-write",
  "--allow-net",
  "--allow-env",
  "--allow-run",
];

/**
 * `deno task logs`'s flags: {@linkcode RUN_FLAGS} and a young generation of
 * 3 MB. A client streams a million short-lived records through V8's young
 * generation, which otherwise grows to its 32 MB maximum. Measured on a
 * 1,000,000-line dump from a server that writes one chunk per line: peak
 * RSS 126-143 MB with V8's default, 74-80 MB with 3 MB semi-spaces, no
 * slower (2 MB: 70-105 MB, as more survives into the old generation; 4 MB:
 * 76-81 MB; 8 MB: 90-115 MB). Not for the server: its shared history is
 * long-lived, and there a 2 MB young generation made a bulk dump 2-3x slower.
 */
export const LOGS_RUN_FLAGS = [...RUN_FLAGS, "--v8-flags=--max-semi-space-size=3"];
const TLS_CHILD = "FNLOGS_TLS_NO_VERIFY_CHILD";

/**
 * Deno cannot turn certificate checks off for one HTTP client, only for the
 * whole process (`--unsafely-ignore-certificate-errors=HOST`). So
 * `fnlogs logs --tls-no-verify` runs itself again with that flag, for the
 * gateway's host only, and returns the child's exit code; `undefined` when
 * that is not needed or not possible (a compiled binary: there the help's
 * advice applies).
 */
async function rerunWithoutCertificateChecks(args: string[]): Promise<number | undefined> {
  if (args[0] !== "logs" || Deno.env.get(TLS_CHILD) === "1") return undefined;
  let options;
  try {
    options = parseLogsOptions(args.slice(1), (name) => Deno.env.get(name));
  } catch {
    return undefined; // The command itself reports bad usage.
  }
  if (!options.tlsNoVerify || options.provider !== undefined || options.help) return undefined;
  // The gateways are the context's, when one is named (its file is read here too).
  const gateways = options.context === undefined
    ? options.gateways
    : (await (await import("./cli/logs/targets.ts")).resolveTargets(
      options,
      (name) => Deno.env.get(name),
    ).catch(() => undefined))?.targets.map((target) => target.url);
  if (gateways === undefined) return undefined; // The command itself reports the error.
  const host = gateways.map((gateway) => new URL(gateway).hostname).join(",");
  const runtime = Deno.execPath();
  if (!/(^|\/)deno(\.exe)?$/.test(runtime) || !Deno.mainModule.startsWith("file:")) {
    return undefined;
  }
  const child = new Deno.Command(runtime, {
    args: [
      "run",
      `--unsafely-ignore-certificate-errors=${host}`,
      ...LOGS_RUN_FLAGS,
      new URL(Deno.mainModule).pathname,
      ...args,
    ],
    env: { [TLS_CHILD]: "1" },
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  // The first signal is passed on (the child stops cleanly); a second ends it at once.
  let signals = 0;
  let forced: "SIGINT" | "SIGTERM" | undefined;
  const forward = (signal: "SIGINT" | "SIGTERM") => () => {
    if (++signals > 1) forced = signal;
    try {
      child.kill(forced === undefined ? signal : "SIGKILL");
    } catch {
      // Gone already.
    }
  };
  const onInt = forward("SIGINT"), onTerm = forward("SIGTERM");
  Deno.addSignalListener("SIGINT", onInt);
  Deno.addSignalListener("SIGTERM", onTerm);
  try {
    const { code } = await child.status;
    // Stopped at once by a second signal: said as the shell says it (130, 143).
    return forced === undefined ? code : forced === "SIGINT" ? 130 : 143;
  } finally {
    Deno.removeSignalListener("SIGINT", onInt);
    Deno.removeSignalListener("SIGTERM", onTerm);
  }
}

async function run(args: string[]): Promise<number> {
  const rerun = await rerunWithoutCertificateChecks(args);
  if (rerun !== undefined) return rerun;
  const [command, ...rest] = args;
  const env = (name: string) => Deno.env.get(name);
  switch (command) {
    case undefined:
    case "help":
    case "-h":
    case "--help":
      writeStdout(MAIN_HELP);
      return EXIT.ok;
    case "version":
    case "-V":
    case "--version":
      writeStdout(versionText(denoJson.version));
      return EXIT.ok;
    // Each command loads only its own code (the server's page, the NATS client, ...).
    case "completions": {
      const { completionsText } = await import("./cli/completions/command.ts");
      writeStdout(completionsText(rest));
      return EXIT.ok;
    }
    case "__complete": { // Asked by the completion scripts, not by people.
      const { completeWords } = await import("./cli/completions/complete_words.ts");
      writeStdout(await completeWords(rest, { env }));
      return EXIT.ok;
    }
    case "serve": {
      const { runServe } = await import("./cli/serve/command.ts");
      await runServe(rest, {
        stdout: writeStdout,
        stderr: writeStderr,
        env,
        signal: shutdownSignal(),
      });
      return EXIT.ok;
    }
    case "ship": {
      const { runShip } = await import("./cli/ship/command.ts");
      await runShip(rest, {
        stdout: writeStdout,
        stderr: writeStderr,
        env,
        signal: shutdownSignal(),
      });
      return EXIT.ok;
    }
    case "logs": {
      const { runLogs } = await import("./cli/logs/command.ts");
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
    if (error instanceof HttpStatusError && error.hint !== undefined) {
      writeStderr(`hint: ${error.hint}`);
    }
    code = exitCodeOf(error);
  }
  Deno.exit(code);
}

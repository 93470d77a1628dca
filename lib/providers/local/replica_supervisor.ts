/**
 * Runs one replica of a function as a child process, turns its stdout and
 * stderr into batches of lines, and restarts it with capped exponential
 * backoff when it exits.
 *
 * @module
 */

import { formatGoDuration } from "../../go/format_go_duration.ts";
import { LineBatchStream } from "../../streams/line_batch_stream.ts";
import type { RestartPolicy } from "./stack_file.ts";

/**
 * Restart delays, as the kubelet's crash-loop back-off: `initialMs` doubling
 * up to `maxMs`, back to `initialMs` after a long run. (Reconnects use
 * `Backoff` from `lib/async/`, with jitter; restarts of one local process need none.)
 */
export interface RestartDelayOptions {
  /** The first delay (default 1000 ms). */
  readonly initialMs?: number;
  /** The longest delay (default 30,000 ms). */
  readonly maxMs?: number;
  /** A run at least this long resets the delay to `initialMs` (default 10,000 ms). */
  readonly resetAfterMs?: number;
}

/** A notice about a replica's process, for {@linkcode ReplicaSupervisorOptions.onEvent}. */
export interface ReplicaEvent {
  /** `started`: spawned; `exited`: ended; `failed`: could not be spawned. */
  readonly type: "started" | "exited" | "failed";
  readonly function: string;
  readonly instance: string;
  /** The process id (`started`, `exited`). */
  readonly pid?: number;
  /** The exit code (`exited`). */
  readonly code?: number;
  /** The signal that ended it (`exited`), or `null`. */
  readonly signal?: string | null;
  /** The delay before the next start; absent when it will not be restarted. */
  readonly restartInMs?: number;
  /** A sentence for humans (for `exited`/`failed`, the line added to the logs). */
  readonly message: string;
}

/** Options for {@linkcode ReplicaSupervisor}. */
export interface ReplicaSupervisorOptions {
  /** The function's name. */
  readonly function: string;
  /** The instance name (stays the same across restarts). */
  readonly instance: string;
  /** The program and its arguments. */
  readonly argv: readonly string[];
  /** Working directory. */
  readonly cwd?: string;
  /** Environment added to the inherited one. */
  readonly env?: Readonly<Record<string, string>>;
  /** When to restart (default `always`). */
  readonly restart?: RestartPolicy;
  /** Receives every batch of lines, from both pipes, and the supervisor's own notices. */
  readonly onLines: (instance: string, lines: string[]) => void;
  /** Receives process notices. */
  readonly onEvent?: (event: ReplicaEvent) => void;
  /** Longer lines are cut with a marker (see `LineBatchStream`). */
  readonly maxLineLength?: number;
  readonly restartDelay?: RestartDelayOptions;
  /** Time between SIGTERM and SIGKILL on `stop()` (default 2000 ms). */
  readonly stopGraceMs?: number;
}

/**
 * How long the pipes are read after the process exited: enough for what it
 * wrote, not for a descendant that escaped the group and keeps them open.
 */
const PIPE_DRAIN_MS = 200;

function killGroup(pid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(Deno.build.os === "windows" ? pid : -pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Supervises one replica. Each run's process leads its own process group;
 * when it exits, what is left of the group is killed, so that no helper it
 * started outlives it or holds its pipes open. Exits and restarts are added
 * to the replica's lines as `[fnlogs] NAME-xxxxx exited with code 1;
 * restarting in 2s`.
 *
 * @example Run a command once and collect its lines
 * ```ts
 * import { ReplicaSupervisor } from "./replica_supervisor.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const lines: string[] = [];
 * const replica = new ReplicaSupervisor({
 *   function: "echo",
 *   instance: "echo-abcde",
 *   argv: ["sh", "-c", "echo hi"],
 *   restart: "never",
 *   onLines: (_, batch) => lines.push(...batch),
 * });
 * replica.start();
 * await replica.done;
 * assertEquals(lines, ["hi", "[fnlogs] echo-abcde exited with code 0; not restarting (restart: never)"]);
 * ```
 */
export class ReplicaSupervisor {
  readonly #options: ReplicaSupervisorOptions;
  #child: Deno.ChildProcess | undefined;
  #stopping = false;
  #wakeSleep: (() => void) | undefined;
  #done: Promise<void> = Promise.resolve();
  #runs = 0;

  constructor(options: ReplicaSupervisorOptions) {
    this.#options = options;
  }

  /** The instance name. */
  get instance(): string {
    return this.#options.instance;
  }
  /** Whether a process is running now. */
  get running(): boolean {
    return this.#child !== undefined;
  }
  /** The running process's id. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }
  /** How many times a process was spawned. */
  get runs(): number {
    return this.#runs;
  }
  /** Settles when the supervisor will start no more processes and the last one ended. */
  get done(): Promise<void> {
    return this.#done;
  }

  /** Starts the first process (once). */
  start(): void {
    if (this.#runs > 0 || this.#stopping) return;
    this.#done = this.#loop();
  }

  /**
   * Stops supervising: SIGTERM to the process group, SIGKILL after the
   * grace period, and resolves once the process is gone.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wakeSleep?.();
    const child = this.#child;
    if (child !== undefined) {
      killGroup(child.pid, "SIGTERM");
      let timer: ReturnType<typeof setTimeout> | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.#options.stopGraceMs ?? 2000);
      });
      await Promise.race([child.status, grace]);
      clearTimeout(timer);
      killGroup(child.pid, "SIGKILL");
    }
    await this.#done;
  }

  async #loop(): Promise<void> {
    const o = this.#options;
    const initial = o.restartDelay?.initialMs ?? 1000;
    const max = o.restartDelay?.maxMs ?? 30_000;
    const resetAfter = o.restartDelay?.resetAfterMs ?? 10_000;
    const policy = o.restart ?? "always";
    let delay = initial;
    while (!this.#stopping) {
      const startedAt = performance.now();
      let what: string;
      let failed = false;
      let exit: Deno.CommandStatus | undefined;
      let child: Deno.ChildProcess | undefined;
      try {
        child = new Deno.Command(o.argv[0], {
          args: o.argv.slice(1),
          cwd: o.cwd,
          env: { ...o.env },
          stdin: "null",
          stdout: "piped",
          stderr: "piped",
          detached: Deno.build.os !== "windows",
        }).spawn();
      } catch (error) {
        failed = true;
        what = `failed to start: ${error instanceof Error ? error.message : String(error)}`;
      }
      if (child !== undefined) {
        this.#runs++;
        this.#child = child;
        const pid = child.pid;
        const started = `[fnlogs] ${o.instance} started (pid ${pid})`;
        if (this.#runs > 1) o.onLines(o.instance, [started]);
        o.onEvent?.({
          type: "started",
          function: o.function,
          instance: o.instance,
          pid,
          message: started,
        });
        const drain = new AbortController();
        const pumps = [
          this.#pump(child.stdout, drain.signal),
          this.#pump(child.stderr, drain.signal),
        ];
        // Its own process group outlives us: an exit without stop() (a second
        // Ctrl-C, a Deno.exit) takes it along.
        const onExit = () => killGroup(pid, "SIGKILL");
        globalThis.addEventListener("unload", onExit);
        exit = await child.status;
        globalThis.removeEventListener("unload", onExit);
        this.#child = undefined;
        killGroup(pid, "SIGKILL");
        // Read what it wrote to the end; a descendant that left the group
        // (setsid) and holds the pipes open is not waited for past this.
        const timer = setTimeout(() => drain.abort(), PIPE_DRAIN_MS);
        await Promise.all(pumps);
        clearTimeout(timer);
        what = exit.signal !== null
          ? `exited on signal ${exit.signal}`
          : `exited with code ${exit.code}`;
      }
      if (performance.now() - startedAt >= resetAfter) delay = initial;
      const restart = !this.#stopping &&
        (policy === "always" || (policy === "on-failure" && (failed || !exit!.success)));
      const suffix = this.#stopping
        ? "stopped"
        : restart
        ? `restarting in ${formatGoDuration(delay)}`
        : `not restarting (restart: ${policy})`;
      const message = `[fnlogs] ${o.instance} ${what!}; ${suffix}`;
      o.onLines(o.instance, [message]);
      o.onEvent?.({
        type: failed ? "failed" : "exited",
        function: o.function,
        instance: o.instance,
        pid: child?.pid,
        code: exit?.code,
        signal: exit?.signal,
        restartInMs: restart ? delay : undefined,
        message,
      });
      if (!restart) break;
      await this.#sleep(delay);
      delay = Math.min(delay * 2, max);
    }
  }

  async #pump(stream: ReadableStream<Uint8Array>, signal: AbortSignal): Promise<void> {
    const { instance, onLines, maxLineLength } = this.#options;
    try {
      const lines = stream
        .pipeThrough(new TextDecoderStream(), { signal })
        .pipeThrough(new LineBatchStream({ maxLineLength }));
      for await (const batch of lines) onLines(instance, batch);
    } catch {
      // A pipe that fails ends like one that closes; the exit notice follows.
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wakeSleep = done;
    });
  }
}

/**
 * The embedded default provider: runs the functions of a stack file as local
 * child processes and serves their logs from an in-memory history, kept on
 * disk too when given a data directory.
 *
 * @module
 */

import { randomId } from "../../ids/random_id.ts";
import { FunctionNotFoundError, InvalidInputError } from "../../errors.ts";
import { HistoryStore } from "../../history/history_store.ts";
import { LogHistory } from "../../history/log_history.ts";
import {
  type ReplicaEvent,
  ReplicaSupervisor,
  type RestartDelayOptions,
} from "./replica_supervisor.ts";
import type { StackFile, StackFunction } from "./stack_file.ts";
import type {
  FunctionInfo,
  LogProvider,
  LogQuery,
  LogSource,
  ProviderCallOptions,
} from "../../types.ts";

export type { ReplicaEvent } from "./replica_supervisor.ts";

/** Options for {@linkcode LocalProvider.start}. */
export interface LocalProviderOptions {
  /** Records kept per function (default 10,000). */
  readonly maxLines?: number;
  /** Text kept per function, in UTF-16 code units (default 16 MiB). */
  readonly maxBytes?: number;
  /** The most records per batch a reader gets (default 4096). */
  readonly maxBatch?: number;
  /** Longer lines are cut with a marker (default 65,536 characters). */
  readonly maxLineLength?: number;
  /** Epoch milliseconds, fractional (default `performance.timeOrigin + performance.now()`). */
  readonly clock?: () => number;
  /** Restart delays (default 1 s doubling to 30 s, reset after a 10 s run). */
  readonly restartDelay?: RestartDelayOptions;
  /** Time between SIGTERM and SIGKILL on `close()` (default 2000 ms). */
  readonly stopGraceMs?: number;
  /** Receives process notices (started, exited, failed to start). */
  readonly onEvent?: (event: ReplicaEvent) => void;
  /** Run the functions' commands (default `true`); with `false`, lines come only from `publish`. */
  readonly spawn?: boolean;
  /**
   * Keep each function's history on disk in `DIR/NAMESPACE/NAME/` too, read
   * back on start (default: memory only). See {@linkcode HistoryStore}.
   */
  readonly dataDir?: string;
  /** Bytes of files kept per function in `dataDir` (default 256 MiB). */
  readonly dataMaxBytes?: number;
  /** Bytes per segment file (default a quarter of `dataMaxBytes`, at most 64 MiB). */
  readonly dataSegmentBytes?: number;
  /** Receives notices about the data directory (lines skipped on start, failed writes). */
  readonly onNotice?: (message: string) => void;
}

interface Entry {
  readonly fn: StackFunction;
  readonly history: LogHistory;
  readonly store?: HistoryStore;
  readonly replicas: ReplicaSupervisor[];
}

function instanceName(fn: string, taken: Set<string>): string {
  for (;;) {
    const name = `${fn}-${randomId(5)}`;
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
}

function denoDir(): string | undefined {
  const exec = Deno.execPath();
  const slash = Math.max(exec.lastIndexOf("/"), exec.lastIndexOf("\\"));
  return /^deno(\.exe)?$/.test(exec.slice(slash + 1)) ? exec.slice(0, slash) : undefined;
}

function environment(fn: StackFunction, instance: string): Record<string, string> {
  const env: Record<string, string> = { ...fn.environment };
  const dir = denoDir();
  if (env.PATH === undefined && dir !== undefined) {
    let path = "";
    try {
      path = Deno.env.get("PATH") ?? "";
    } catch {
      // No env permission: the child gets only the Deno directory.
    }
    const sep = Deno.build.os === "windows" ? ";" : ":";
    env.PATH = path === "" ? dir : dir + sep + path;
  }
  env.FNLOGS_FUNCTION = fn.name;
  env.FNLOGS_INSTANCE = instance;
  return env;
}

/** Opens one store per function when `options.dataDir` is set; all or none. */
async function openStores(
  stack: StackFile,
  options: LocalProviderOptions,
): Promise<Map<StackFunction, HistoryStore>> {
  const stores = new Map<StackFunction, HistoryStore>();
  if (!options.dataDir) return stores;
  const root = options.dataDir.replace(/[\\/]+$/, "") || "/";
  try {
    for (const fn of stack.functions) {
      stores.set(
        fn,
        await HistoryStore.open(`${root}/${fn.namespace}/${fn.name}`, {
          maxBytes: options.dataMaxBytes,
          segmentBytes: options.dataSegmentBytes,
          loadLines: options.maxLines,
          loadBytes: options.maxBytes,
          onNotice: options.onNotice,
        }),
      );
    }
  } catch (error) {
    await Promise.all([...stores.values()].map((s) => s.close()));
    throw error;
  }
  return stores;
}

/**
 * A {@linkcode LogProvider} that runs each function of a stack file as
 * `replicas` child processes named `NAME-xxxxx`, reads their stdout and
 * stderr as lines stamped at receipt (nanosecond text, strictly increasing
 * per function), restarts those that exit, and serves the lines from a
 * bounded history per function. Cursors (`HISTORYID-SEQ`) resume exactly
 * while the record after them is still held. With `dataDir`, histories are
 * written to disk as they grow and read back on start, so cursors and
 * `since` resume across a restart.
 *
 * @example Serve lines injected with publish (no processes)
 * ```ts
 * import { LocalProvider } from "./provider.ts";
 * import { parseStackFile } from "./stack_file.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const stack = parseStackFile("functions: { hello: {} }", "/tmp");
 * const provider = await LocalProvider.start(stack, { spawn: false });
 * provider.publish("hello", "hello-abcde", ["one", "two"]);
 * const { stream } = await provider.openLogs({ name: "hello", follow: false, tail: 1 });
 * const records = (await Array.fromAsync(stream)).flat();
 * assertEquals(records.map((r) => [r.namespace, r.instance, r.text]), [
 *   ["openfaas-fn", "hello-abcde", "two"],
 * ]);
 * await provider.close();
 * ```
 */
export class LocalProvider implements LogProvider {
  /** Always `local`. */
  readonly kind = "local";
  /** The stack's namespace (`openfaas-fn` unless the stack says otherwise). */
  readonly defaultNamespace: string;
  /** Always `true`: cursors resume exactly while still held. */
  readonly resumesByCursor = true;
  readonly #entries = new Map<string, Entry>();
  #closing: Promise<void> | undefined;

  private constructor(stack: StackFile) {
    this.defaultNamespace = stack.namespace;
  }

  /**
   * Creates the histories and starts the replicas of every function that has
   * a command. Throws `InvalidInputError` when a working directory is
   * missing. A program named `deno` runs `Deno.execPath()`, and the
   * directory of that binary leads the children's `PATH`.
   */
  static async start(stack: StackFile, options: LocalProviderOptions = {}): Promise<LocalProvider> {
    const provider = new LocalProvider(stack);
    const spawn = options.spawn ?? true;
    if (spawn) {
      for (const fn of stack.functions) {
        if (fn.command === undefined || fn.replicas === 0) continue;
        const info = await Deno.stat(fn.cwd).catch(() => undefined);
        if (!info?.isDirectory) {
          throw new InvalidInputError(
            `Cannot run function "${fn.name}": working directory "${fn.cwd}" does not exist`,
          );
        }
      }
    }
    const stores = await openStores(stack, options);
    try {
      for (const fn of stack.functions) {
        const store = stores.get(fn);
        const history = new LogHistory(fn.name, fn.namespace, {
          maxLines: options.maxLines,
          maxBytes: options.maxBytes,
          maxBatch: options.maxBatch,
          clock: options.clock,
          id: store?.id,
          seed: store?.takeSeed(),
          onAppend: store === undefined
            ? undefined
            : (records, first) => store.append(first, records),
        });
        const entry: Entry = { fn, history, store, replicas: [] };
        provider.#entries.set(fn.name, entry);
        if (!spawn || fn.command === undefined) continue;
        const argv = [...fn.command];
        if (argv[0] === "deno") argv[0] = Deno.execPath();
        const taken = new Set<string>();
        for (let i = 0; i < fn.replicas; i++) {
          const instance = instanceName(fn.name, taken);
          entry.replicas.push(
            new ReplicaSupervisor({
              function: fn.name,
              instance,
              argv,
              cwd: fn.cwd,
              env: environment(fn, instance),
              restart: fn.restart,
              onLines: (inst, lines) => history.append(inst, lines),
              onEvent: options.onEvent,
              maxLineLength: options.maxLineLength,
              restartDelay: options.restartDelay,
              stopGraceMs: options.stopGraceMs,
            }),
          );
        }
      }
    } catch (error) {
      // A bad option throws here: the stores opened must not stay locked.
      await Promise.all([...stores.values()].map((store) => store.close()));
      throw error;
    }
    for (const entry of provider.#entries.values()) {
      for (const replica of entry.replicas) replica.start();
    }
    return provider;
  }

  /** The names of the stack's functions, in the file's order. */
  functionNames(): string[] {
    return [...this.#entries.keys()];
  }

  /** Open log streams of a function (0 for an unknown one). */
  followerCount(name: string): number {
    return this.#entries.get(name)?.history.followerCount ?? 0;
  }

  /** The process ids of a function's running replicas. */
  pids(name: string): number[] {
    const replicas = this.#entries.get(name)?.replicas ?? [];
    return replicas.flatMap((r) => r.pid === undefined ? [] : [r.pid]);
  }

  /**
   * Adds lines to a function's logs as if `instance` had written them (for
   * tests, benchmarks and injected notices). Throws `FunctionNotFoundError`
   * for an unknown function.
   */
  publish(name: string, instance: string, lines: readonly string[]): void {
    const entry = this.#entries.get(name);
    if (entry === undefined) throw new FunctionNotFoundError(name, this.defaultNamespace);
    entry.history.append(instance, lines);
  }

  /** The functions of `namespace` (default: the stack's); none for another namespace. */
  listFunctions(
    namespace: string | undefined,
    options: ProviderCallOptions = {},
  ): Promise<FunctionInfo[]> {
    options.signal?.throwIfAborted();
    const ns = namespace || this.defaultNamespace;
    const out: FunctionInfo[] = [];
    for (const { fn, replicas } of this.#entries.values()) {
      if (fn.namespace !== ns) continue;
      out.push({
        name: fn.name,
        namespace: fn.namespace,
        replicas: fn.command === undefined ? 0 : fn.replicas,
        availableReplicas: replicas.filter((r) => r.running).length,
        image: fn.commandText ?? fn.image,
        labels: fn.labels,
        instances: replicas.map((r) => r.instance),
      });
    }
    return Promise.resolve(out);
  }

  /**
   * Opens a function's logs: after `cursor` when it is honoured, otherwise
   * from `since`, then the last `tail` lines (of `instance` when given),
   * then live lines with `follow`. Rejects with `FunctionNotFoundError` for
   * an unknown name or another namespace.
   */
  openLogs(query: LogQuery, options: ProviderCallOptions = {}): Promise<LogSource> {
    try {
      options.signal?.throwIfAborted();
      const ns = query.namespace || this.defaultNamespace;
      const entry = this.#entries.get(query.name);
      if (entry === undefined || entry.fn.namespace !== ns) {
        throw new FunctionNotFoundError(query.name, ns);
      }
      const { history } = entry;
      const { position, fromCursor } = history.start(query);
      const stream = history.read(position, {
        follow: query.follow,
        instance: query.instance,
        signal: options.signal,
      });
      return Promise.resolve({ stream, fromCursor });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Stops every replica (SIGTERM to its process group, SIGKILL after the
   * grace period), waits for them to be gone, then ends every open stream
   * once it has delivered what was written, and finishes writing the data
   * directory. Safe to call twice.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const replicas = [...this.#entries.values()].flatMap((e) => e.replicas);
      await Promise.all(replicas.map((r) => r.stop()));
      for (const { history } of this.#entries.values()) history.close();
      await Promise.all([...this.#entries.values()].map((e) => e.store?.close()));
    })();
    return this.#closing;
  }

  /** Closes it (see {@linkcode close}) at the end of an `await using` scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

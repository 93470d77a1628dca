/**
 * The faasd provider: function logs from the systemd journal, read through
 * `journalctl`, as faasd's own log requester does.
 *
 * @module
 */

import type {
  FunctionInfo,
  LogBatch,
  LogProvider,
  LogQuery,
  LogSource,
  ProviderCallOptions,
} from "../../types.ts";
import { FunctionNotFoundError, InvalidInputError, UpstreamError } from "../../errors.ts";
import { formatTimestamp, parseTimestamp } from "../../time/timestamp.ts";
import { JournalEntryStream } from "./entry_stream.ts";

/** faasd's namespace for functions (`pkg/constants.go`). */
export const FAASD_NAMESPACE = "openfaas-fn";

/** Options for {@linkcode JournaldProvider}. */
export interface JournaldProviderOptions {
  /**
   * Read the journal files in this directory (`journalctl --directory=DIR`)
   * instead of the system journal. Default: the system journal.
   */
  readonly directory?: string;
  /** The journalctl executable. Default `journalctl` (found on `PATH`). */
  readonly journalctl?: string;
  /** The namespace used when a query names none. Default `openfaas-fn`, as faasd. */
  readonly defaultNamespace?: string;
  /** Longest JSON line kept whole (see `JournalEntryStream`). */
  readonly maxEntryLength?: number;
  /** Told, when a stream ends, how many of journalctl's lines were not entries and were skipped. */
  readonly onNotice?: (message: string) => void;
}

/** A cursor as journalctl prints it; anything else is not ours and is ignored. */
const CURSOR = /^s=[0-9a-f]{32};i=[0-9a-f]+;b=[0-9a-f]{32};m=[0-9a-f]+;t=[0-9a-f]+;x=[0-9a-f]+$/;
const STDERR_KEEP = 8192;

interface Running {
  stop(reason?: unknown): Promise<void>;
}

/** Reads a whole stream, keeping its first {@linkcode STDERR_KEEP} bytes as text. */
async function collectStderr(stream: ReadableStream<Uint8Array>): Promise<string> {
  const kept = new Uint8Array(STDERR_KEEP);
  let size = 0;
  for await (const chunk of stream) {
    const room = STDERR_KEEP - size;
    if (room > 0) {
      kept.set(chunk.subarray(0, room), size);
      size += Math.min(room, chunk.length);
    }
  }
  return new TextDecoder().decode(kept.subarray(0, size)).trim();
}

/** `--since` text journalctl parses exactly: `YYYY-MM-DD HH:MM:SS.ffffff UTC`. */
function sinceArgument(micros: number): string {
  const second = Math.floor(micros / 1e6);
  const date = formatTimestamp(second, 0).slice(0, -1).replace("T", " ");
  return `${date}.${String(micros - second * 1e6).padStart(6, "0")} UTC`;
}

/**
 * Function logs from the systemd journal, the way faasd stores them: each
 * line of a function's output is one entry with `SYSLOG_IDENTIFIER=NS:NAME`,
 * and `_PID` (faasd's log shim for one container) is the instance.
 *
 * `openLogs` runs `journalctl --utc --no-pager --output=json --all
 * --output-fields=MESSAGE,SYSLOG_IDENTIFIER,_PID --identifier=NS:NAME`, plus:
 *
 * - `--directory=DIR` when the provider has one;
 * - with a journalctl cursor: `--cursor=CURSOR`, dropping the cursor's own
 *   entry here (exact resume; `since` and `tail` ignored, `fromCursor: true`).
 *   Not `--after-cursor`, which skips two matching entries and so loses one
 *   when the cursor's entry is not among them (say, another instance);
 * - otherwise `--lines=N` for `tail`, or `--since="YYYY-MM-DD HH:MM:SS.ffffff
 *   UTC"` for `since` alone (journalctl's `--since` with `--lines` keeps the
 *   first N entries, not the last N, so `since` with `tail` is applied here,
 *   exactly, on the last N). `since` is always also applied here to the
 *   microsecond. With neither, all history: there is no hidden window (faasd
 *   applies a five-minute one);
 * - `--follow` (and `--lines=all` without `tail`, since `--follow` alone
 *   implies the last ten);
 * - `_PID=INSTANCE` for `instance`, so `tail` counts that instance's lines.
 *
 * Unknown functions: the journal only knows functions that have logged. A
 * query without `follow` that finds no entry, for a function that has no
 * entry at all (checked with one more `journalctl --lines=1`), rejects with
 * `FunctionNotFoundError`. A `follow` query never does: it waits for the
 * function's first line, since a function just deployed has not logged yet.
 *
 * Cancelling the stream, aborting the signal or {@linkcode close} kills
 * journalctl (SIGKILL) and reaps it. journalctl's stdout is read only as
 * fast as batches are taken, so a slow reader stalls journalctl on its pipe.
 *
 * @example Tail a function's logs (needs journalctl and a journal)
 * ```ts ignore
 * import { JournaldProvider } from "./provider.ts";
 *
 * const provider = new JournaldProvider();
 * const { stream } = await provider.openLogs({ name: "env", tail: 10, follow: false });
 * for await (const batch of stream) {
 *   for (const record of batch) console.log(record.timestamp, record.text);
 * }
 * await provider.close();
 * ```
 */
export class JournaldProvider implements LogProvider {
  /** Always `journald`. */
  readonly kind = "journald";
  /** The namespace used when a query names none. */
  readonly defaultNamespace: string;
  /** journalctl cursors resume exactly. */
  readonly resumesByCursor = true;
  readonly #directory?: string;
  readonly #journalctl: string;
  readonly #maxEntryLength?: number;
  readonly #onNotice?: (message: string) => void;
  readonly #running = new Set<Running>();
  #closed = false;

  /** A provider over the system journal, or over `options.directory`. */
  constructor(options: JournaldProviderOptions = {}) {
    this.defaultNamespace = options.defaultNamespace ?? FAASD_NAMESPACE;
    this.#directory = options.directory;
    this.#journalctl = options.journalctl ?? "journalctl";
    this.#maxEntryLength = options.maxEntryLength;
    this.#onNotice = options.onNotice;
  }

  #baseArgs(): string[] {
    const args = ["--no-pager"];
    if (this.#directory !== undefined) args.push(`--directory=${this.#directory}`);
    return args;
  }

  /** Runs journalctl to completion (small outputs only). */
  async #run(args: string[], signal?: AbortSignal): Promise<string> {
    let output: Deno.CommandOutput;
    try {
      output = await new Deno.Command(this.#journalctl, {
        args: [...this.#baseArgs(), ...args],
        stdin: "null",
        signal,
      }).output();
    } catch (error) {
      signal?.throwIfAborted();
      throw new UpstreamError(`Cannot run "${this.#journalctl}": ${error}`, undefined, {
        cause: error,
      });
    }
    signal?.throwIfAborted();
    if (!output.success) {
      const stderr = new TextDecoder().decode(output.stderr.subarray(0, STDERR_KEEP)).trim();
      throw new UpstreamError(`journalctl failed (exit code ${output.code}): ${stderr}`);
    }
    return new TextDecoder().decode(output.stdout);
  }

  /**
   * The functions of a namespace that have entries in the journal, from
   * `journalctl --field=SYSLOG_IDENTIFIER` (a scan of the journal's unique
   * values of that field, not of its entries). The journal does not know
   * replicas: `replicas` and `availableReplicas` are 0.
   */
  async listFunctions(
    namespace: string | undefined,
    options: ProviderCallOptions = {},
  ): Promise<FunctionInfo[]> {
    const ns = namespace ?? this.defaultNamespace;
    const out = await this.#run(["--field=SYSLOG_IDENTIFIER"], options.signal);
    const names = new Set<string>();
    for (const identifier of out.split("\n")) {
      if (identifier.startsWith(ns + ":") && identifier.length > ns.length + 1) {
        names.add(identifier.slice(ns.length + 1));
      }
    }
    return [...names].sort().map((name) => ({
      name,
      namespace: ns,
      replicas: 0,
      availableReplicas: 0,
    }));
  }

  /** Opens a function's logs (see the class documentation for how). */
  async openLogs(query: LogQuery, options: ProviderCallOptions = {}): Promise<LogSource> {
    const { signal } = options;
    signal?.throwIfAborted();
    if (this.#closed) throw new UpstreamError("The journald provider is closed");
    if (query.name === "") throw new InvalidInputError("Cannot open logs without a function name");
    const namespace = query.namespace || this.defaultNamespace;
    const identifier = `${namespace}:${query.name}`;
    const fromCursor = query.cursor !== undefined && CURSOR.test(query.cursor);

    let sinceMicros: number | undefined;
    if (!fromCursor && query.since !== undefined) {
      const since = parseTimestamp(query.since);
      if (since === undefined) throw new InvalidInputError(`Cannot parse since "${query.since}"`);
      sinceMicros = since.seconds * 1e6 + Math.ceil(since.nanos / 1000);
      if (sinceMicros <= 0) sinceMicros = undefined;
    }
    const tail = !fromCursor && query.tail !== undefined && query.tail > 0 ? query.tail : undefined;

    const args = [
      ...this.#baseArgs(),
      "--utc",
      "--output=json",
      "--all",
      "--output-fields=MESSAGE,SYSLOG_IDENTIFIER,_PID",
      `--identifier=${identifier}`,
    ];
    // Not --after-cursor: it skips two entries, wrongly when the cursor's own
    // entry does not match (another instance); the decoder drops it instead.
    if (fromCursor) args.push(`--cursor=${query.cursor}`);
    else if (tail !== undefined) args.push(`--lines=${tail}`);
    else if (sinceMicros !== undefined) args.push(`--since=${sinceArgument(sinceMicros)}`);
    if (query.follow) {
      if (tail === undefined) args.push("--lines=all");
      args.push("--follow");
    }
    if (query.instance) args.push(`_PID=${query.instance}`);

    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(this.#journalctl, {
        args,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (error) {
      throw new UpstreamError(`Cannot run "${this.#journalctl}": ${error}`, undefined, {
        cause: error,
      });
    }
    // An exit without close() (a second Ctrl-C) takes journalctl --follow along.
    const onExit = () => {
      try {
        child.kill("SIGKILL");
      } catch {
        // Gone already.
      }
    };
    globalThis.addEventListener("unload", onExit);
    const stderr = collectStderr(child.stderr);
    const entries = new JournalEntryStream({
      sinceMicros,
      skipCursor: fromCursor ? query.cursor : undefined,
      name: query.name,
      namespace,
      maxEntryLength: this.#maxEntryLength,
    });
    const reader = child.stdout.pipeThrough(entries).getReader();

    // stop(reason): kill and reap journalctl; a reason errors the stream (abort, close).
    let stopped = false;
    let stopReason: unknown;
    let controller: ReadableStreamDefaultController<LogBatch> | undefined;
    const onAbort = () => void running.stop(signal?.reason);
    const settle = () => {
      if (!stopped && entries.skipped > 0) {
        this.#onNotice?.(
          `journald: skipped ${entries.skipped} journalctl line(s) for "${query.name}" that were not entries`,
        );
      }
      stopped = true;
      globalThis.removeEventListener("unload", onExit);
      signal?.removeEventListener("abort", onAbort);
      this.#running.delete(running);
    };
    let stopping: Promise<void> | undefined;
    const running: Running = {
      stop: (reason?: unknown) => {
        if (stopped) return stopping ?? Promise.resolve();
        settle();
        stopReason = reason;
        try {
          child.kill("SIGKILL");
        } catch {
          // It has exited already.
        }
        stopping = (async () => {
          await reader.cancel().catch(() => {});
          await child.status;
          await stderr;
          // Error the stream only once journalctl is gone and reaped.
          if (reason !== undefined) controller?.error(reason);
        })();
        return stopping;
      },
    };
    this.#running.add(running);
    signal?.addEventListener("abort", onAbort, { once: true });

    /** After the last batch: undefined when journalctl succeeded. */
    const ended = async (): Promise<Error | undefined> => {
      const status = await child.status;
      const text = await stderr;
      settle();
      if (status.success) return undefined;
      return new UpstreamError(`journalctl failed (exit code ${status.code}): ${text}`);
    };

    let pending: LogBatch | undefined;
    if (!query.follow) {
      // Wait for the first batch, so that errors and unknown functions reject here.
      const first = await reader.read();
      if (stopped) {
        await stopping;
        throw stopReason;
      }
      if (!first.done) {
        pending = first.value;
      } else {
        const error = await ended();
        if (error !== undefined) throw error;
        const filtered = sinceMicros !== undefined || query.instance || fromCursor;
        if (!filtered || !(await this.#hasEntries(identifier, signal))) {
          throw new FunctionNotFoundError(query.name, namespace);
        }
      }
    }
    const finished = stopped;

    const stream = new ReadableStream<LogBatch>({
      start: (c) => {
        controller = c;
        if (finished) c.close();
      },
      pull: async (c) => {
        if (pending !== undefined) {
          c.enqueue(pending);
          pending = undefined;
          return;
        }
        const next = await reader.read();
        if (stopped) return; // cancelled, aborted or closed: already settled
        if (!next.done) {
          c.enqueue(next.value);
          return;
        }
        const error = await ended();
        try {
          if (error !== undefined) c.error(error);
          else c.close();
        } catch {
          // Cancelled while journalctl was being reaped.
        }
      },
      cancel: () => running.stop(),
    });
    return { stream, fromCursor };
  }

  /** Whether the journal holds any entry for this identifier. */
  async #hasEntries(identifier: string, signal?: AbortSignal): Promise<boolean> {
    const out = await this.#run(
      ["--output=json", "--output-fields=_PID", "--lines=1", `--identifier=${identifier}`],
      signal,
    );
    return out.trim() !== "";
  }

  /** Kills every journalctl this provider still runs. */
  async close(): Promise<void> {
    this.#closed = true;
    const reason = new UpstreamError("The journald provider was closed");
    await Promise.all([...this.#running].map((r) => r.stop(reason)));
  }

  /** Closes it (see {@linkcode close}) at the end of an `await using` scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

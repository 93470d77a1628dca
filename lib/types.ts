/**
 * The types every part of fnlogs shares: the wire message, the records and
 * batches that flow through the streaming pipeline, the log query, and the
 * provider interface that the server and the client's direct mode both use.
 *
 * @module
 */

/**
 * One log line as the OpenFaaS log API carries it. On the wire the keys are
 * always present, in this order, with an empty string for what is unknown.
 */
export interface LogMessage {
  /** The function's name. */
  readonly name: string;
  /** The function's namespace (for example `openfaas-fn`). */
  readonly namespace: string;
  /** The replica that wrote the line (a pod, a container, a process). */
  readonly instance: string;
  /**
   * When the line was written: RFC3339 with up to nine fractional digits.
   * fnlogs' own providers always produce UTC (`Z`) with trailing zeros of the
   * fraction trimmed, the form Go's `time.RFC3339Nano` writes.
   */
  readonly timestamp: string;
  /** The line itself, without its trailing newline. */
  readonly text: string;
}

/**
 * A message as it flows through fnlogs' pipeline. The two optional fields are
 * never written into the NDJSON wire format; they surface only through the
 * `text/event-stream` extension that fnlogs' own client asks for.
 */
export interface LogRecord extends LogMessage {
  /**
   * An exact resume point: asking again with this cursor yields exactly the
   * records after this one. Only providers that can resume exactly set it.
   */
  readonly cursor?: string;
  /**
   * Set on a notice that this many lines were lost before it (a follower
   * that fell behind a live source that cannot pause). Its `text` says so
   * for readers that only see NDJSON.
   */
  readonly missed?: number;
  /**
   * Set on a record that carries only a resume point (`cursor`): the server
   * dropped every record up to it on the client's request (server-side
   * filters of the event stream). Its other fields are empty; it is never a
   * log line and never printed.
   */
  readonly progress?: true;
  /**
   * Client side only, never on the wire: the records this one stands for,
   * in order, when a stage folded some into it (a joined stack trace,
   * collapsed repeats) or dropped some just before it (a filter, a rate
   * limit). A resume position moves past all of them.
   */
  readonly stands?: readonly LogRecord[];
}

/**
 * What arrived together, in order, never empty. The pipeline moves batches
 * rather than single records: a `TransformStream` stage costs about 3 µs per
 * chunk in Deno 2.9.6, so per-record chunks would cap a stream near 300k
 * messages/s, while a batch costs one hop for everything that was ready.
 */
export type LogBatch = readonly LogRecord[];

/** A request for the logs of one function, already parsed and validated. */
export interface LogQuery {
  /** The function's name (required, non-empty). */
  readonly name: string;
  /** The namespace; `undefined` means the provider's default. */
  readonly namespace?: string;
  /** Only lines of this instance (fnlogs honours it; the Go providers ignore it). */
  readonly instance?: string;
  /** The last N lines of history (N > 0); `undefined` means no limit. */
  readonly tail?: number;
  /**
   * Only lines at or after this moment: an RFC3339 string as the request
   * gave it (any offset, any fractional precision).
   */
  readonly since?: string;
  /** Keep the stream open and send new lines as they are written. */
  readonly follow: boolean;
  /**
   * Resume exactly after this cursor (see {@linkcode LogRecord.cursor}). A
   * provider that does not know the cursor ignores it and uses the other
   * fields.
   */
  readonly cursor?: string;
}

/** A function as `GET /system/functions` lists it (OpenFaaS shape plus extras). */
export interface FunctionInfo {
  /** The function's name. */
  readonly name: string;
  /** Its namespace. */
  readonly namespace: string;
  /** Replicas asked for. */
  readonly replicas: number;
  /** Replicas running now. */
  readonly availableReplicas: number;
  /** Image or command, where the provider knows one. */
  readonly image?: string;
  /** Its labels, where the provider knows them. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Instances (pods, containers, processes) currently known. */
  readonly instances?: readonly string[];
}

/** What {@linkcode LogProvider.openLogs} yields. */
export interface LogSource {
  /** The records, in batches; cancelling it stops the upstream work. */
  readonly stream: ReadableStream<LogBatch>;
  /**
   * `true` when `query.cursor` was honoured: the stream starts exactly after
   * that cursor and `since`/`tail` were ignored.
   */
  readonly fromCursor: boolean;
}

/** Options every provider call takes. */
export interface ProviderCallOptions {
  /** Aborting it cancels the call and any upstream work it started. */
  readonly signal?: AbortSignal;
}

/**
 * Where logs come from: the embedded local runner, Kubernetes, Docker or
 * Podman, journald, or another OpenFaaS gateway. The server and the client's
 * direct mode (`fnlogs logs --provider ...`) use the same implementations.
 */
export interface LogProvider {
  /** A short name for messages and `/healthz` (`local`, `kubernetes`, ...). */
  readonly kind: string;
  /** The namespace used when a query names none. */
  readonly defaultNamespace: string;
  /** Whether `cursor` in a query resumes exactly (see {@linkcode LogRecord.cursor}). */
  readonly resumesByCursor: boolean;
  /**
   * The functions the provider knows, in one namespace or, with
   * `undefined`, in the default one.
   */
  listFunctions(
    namespace: string | undefined,
    options?: ProviderCallOptions,
  ): Promise<FunctionInfo[]>;
  /**
   * Opens the logs of one function. Rejects with `FunctionNotFoundError`
   * when the function does not exist, before any record is produced.
   *
   * The stream is pull-based: it reads from the upstream no faster than its
   * reader takes batches, and each `pull` yields everything that is ready as
   * one batch. Cancelling the stream (or aborting `options.signal`) stops the
   * upstream work at once: requests aborted, child processes killed,
   * subscriptions removed.
   */
  openLogs(query: LogQuery, options?: ProviderCallOptions): Promise<LogSource>;
  /** Releases what the provider holds (child processes, HTTP clients). */
  close(): Promise<void>;
  /**
   * Calls {@linkcode close}, so that `await using provider = ...` releases
   * the provider when the scope ends.
   */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * `fnlogs logs`: follow function logs from a gateway or a provider, render
 * them as faas-cli does, and end with an outcome scripts can rely on.
 *
 * @module
 */
import type { BackoffOptions } from "../../lib/async/backoff.ts";
import { createProvider } from "../../lib/providers/mod.ts";
import { ConnectError, HttpStatusError } from "../../lib/errors.ts";
import { type FollowEvent, followLogBatches } from "../../lib/client/follow_logs.ts";
import { listGatewayFunctions } from "../../lib/gateway/list_functions.ts";
import { notice } from "./notice.ts";
import { sinceOf } from "./since_of.ts";
import type { LogBatch, LogProvider } from "../../lib/types.ts";
import { BatchWriter } from "./batch_writer.ts";
import { shouldColor } from "./colors.ts";
import { makeRenderer } from "./batch_renderer.ts";
import { makeFilter } from "./batch_filter.ts";
import { LOGS_HELP } from "./help.ts";
import { type LogsOptions, parseLogsOptions } from "./options.ts";
import { mergeBatches } from "./merge_batches.ts";
import { lineRenderer, pushedFilter, shapeBatches } from "./structured.ts";
import { mergeLogStreams } from "../../lib/streams/merge_log_streams.ts";
import { type GatewayTarget, resolveTargets } from "./targets.ts";
import { ResumeFile } from "./resume_file.ts";
import { ResumeState } from "../../lib/client/resume_state.ts";
import { withOrigin } from "./origin.ts";
import { labelLines } from "./label_lines.ts";

/** Where `fnlogs logs` reads and writes; everything injectable. */
export interface LogsIO {
  readonly stdout: WritableStream<Uint8Array>;
  readonly stderr: WritableStream<Uint8Array>;
  readonly stdoutIsTerminal: boolean;
  env(name: string): string | undefined;
  /** Aborting it (Ctrl-C) ends the run cleanly with `interrupted`. */
  readonly signal: AbortSignal;
  /** Direct mode without `createProvider` (tests). */
  readonly provider?: LogProvider;
  /** Tests: a fetch to use instead of the global one. */
  readonly fetch?: typeof fetch;
  /** Tests: shorter reconnect delays. */
  readonly backoff?: BackoffOptions;
  /** Tests: the wall clock in ms (default `Date.now`), for `--since`. */
  readonly now?: () => number;
}

/**
 * How a run ended (errors are thrown): `completed` (history read, `--for`
 * or `--max-lines` reached, stdout closed), `condition-met` (`--until-match`
 * matched), `no-match` (`--until-match` never matched before `--for`
 * elapsed or the stream ended), `stream-ended` (a follow that ended for
 * good: `--no-reconnect` or reconnects used up), `interrupted` (the signal).
 */
export type LogsOutcome =
  | "completed"
  | "condition-met"
  | "no-match"
  | "stream-ended"
  | "interrupted";

const NO_TLS_WARNING =
  "WARNING! You are not using an encrypted connection to the gateway, consider using HTTPS.";

/**
 * Runs `fnlogs logs ARGS`: parses the flags (throws {@linkcode UsageError}),
 * follows every function named, writes one stdout write per batch, reports
 * stream health on stderr (or as `--events` JSON lines on stdout), and
 * returns the outcome. Gateway and provider errors are thrown for `main.ts`
 * to print.
 *
 * @example Print the help
 * ```ts ignore
 * import { runLogs } from "./command.ts";
 *
 * const outcome = await runLogs(["--help"], {
 *   stdout: Deno.stdout.writable,
 *   stderr: Deno.stderr.writable,
 *   stdoutIsTerminal: false,
 *   env: (name) => Deno.env.get(name),
 *   signal: new AbortController().signal,
 * });
 * ```
 */
export async function runLogs(args: string[], io: LogsIO): Promise<LogsOutcome> {
  const options = parseLogsOptions(args, (name) => io.env(name));
  const out = new BatchWriter(io.stdout);
  const err = new BatchWriter(io.stderr);
  try {
    if (options.help) {
      await out.write(LOGS_HELP);
      return "completed";
    }
    return await follow(options, io, out, err);
  } catch (error) {
    if (error instanceof HttpStatusError && error.status === 501 && error.body === "") {
      // The OpenFaaS gateway answers an empty 501 when its logs provider said 404 or 501.
      const ns = options.namespace || "the default namespace";
      throw new HttpStatusError(
        501,
        "",
        `the gateway's logs provider found no such function in ${
          options.namespace ? `namespace "${ns}"` : ns
        }, or it does not serve logs (check the name with "faas-cli list" and the namespace with -n)`,
      );
    }
    if (error instanceof ConnectError && error.cause instanceof Error) {
      await err.write(`fnlogs: ${error.cause.message}\n`).catch(() => false);
      if (options.tlsNoVerify && /certificate|tls|ssl/i.test(error.cause.message)) {
        await err.write(
          "fnlogs: a compiled fnlogs cannot turn certificate checks off; use --cacert FILE\n",
        ).catch(() => false);
      }
    }
    throw error;
  } finally {
    await out.release();
    await err.release();
  }
}

async function follow(
  options: LogsOptions,
  io: LogsIO,
  out: BatchWriter,
  err: BatchWriter,
): Promise<LogsOutcome> {
  const cleanups: (() => void | Promise<void>)[] = [];
  const stop = new AbortController();
  out.onClosed(() => stop.abort());
  const onAbort = () => stop.abort(io.signal.reason);
  io.signal.addEventListener("abort", onAbort, { once: true });
  cleanups.push(() => io.signal.removeEventListener("abort", onAbort));
  try {
    let provider: LogProvider | undefined;
    let targets: readonly GatewayTarget[] = [];
    if (options.provider !== undefined) {
      provider = io.provider;
      if (provider === undefined) {
        const created = await createProvider({
          ...options.provider,
          namespace: options.namespace || undefined,
          onNotice: (message) => err.post(`fnlogs: ${message.replace(/^\[fnlogs\] /, "")}\n`),
        });
        cleanups.push(() => created.close());
        provider = created;
      }
    } else {
      const found = await resolveTargets(options, (name) => io.env(name));
      targets = found.targets;
      if (found.namespace !== undefined && !options.namespace) {
        options = { ...options, namespace: found.namespace };
      }
      const insecure = targets.some(({ url: g }) =>
        !g.startsWith("https") && !g.startsWith("http://127.0.0.1") &&
        !g.startsWith("http://localhost")
      );
      if (!options.tlsNoVerify && insecure) err.post(`fnlogs: ${NO_TLS_WARNING}\n`);
    }

    // One follow per function and gateway (with --all, each gateway's own functions).
    const sources: { target?: GatewayTarget; name: string }[] = [];
    if (!options.all) {
      for (const target of provider === undefined ? targets : [undefined]) {
        for (const name of options.names) sources.push({ target, name });
      }
    } else if (provider !== undefined) {
      const functions = await provider.listFunctions(options.namespace || undefined, {
        signal: stop.signal,
      });
      for (const f of functions) sources.push({ name: f.name });
    } else {
      for (const target of targets) {
        // The function list goes through fetch; the log streams read their sockets directly.
        const { caCerts } = target;
        const client = caCerts === undefined ? undefined : Deno.createHttpClient({ caCerts });
        try {
          const functions = await listGatewayFunctions({
            gateway: target.url,
            namespace: options.namespace,
            auth: target.auth,
            client,
            fetch: io.fetch,
            signal: stop.signal,
          });
          for (const f of functions) sources.push({ target, name: f.name });
        } finally {
          client?.close();
        }
      }
    }
    if (sources.length === 0) {
      await err.write(
        `fnlogs: no functions found${
          options.namespace ? ` in namespace "${options.namespace}"` : ""
        }\n`,
      );
      return "completed";
    }

    let timedOut = false;
    if (options.forMs !== undefined) {
      const timer = setTimeout(() => {
        timedOut = true;
        stop.abort();
      }, options.forMs);
      cleanups.push(() => clearTimeout(timer));
    }

    const resume = options.resumeFile === undefined
      ? undefined
      : await ResumeFile.open(options.resumeFile, {
        sources: options.provider === undefined
          ? targets.map((t) => t.url)
          : [`provider:${options.provider.kind}`],
        target: options.provider === undefined ? "" : ResumeFile.targetOf(options.provider),
        namespace: options.namespace,
        functions: options.all ? "all" : options.names,
      });
    if (resume !== undefined) {
      out.afterEachWrite(() => resume.save());
      resume.saveEvery(1000);
      cleanups.push(async () => {
        await out.drain();
        await resume.close();
      });
    }
    const labelled = targets.length > 1;

    let endedForGood = false;
    let skipped = 0;
    let firstSkip: { reason: string; sample: string } | undefined;
    const onEvent = (name: string, gateway?: string) => (event: FollowEvent) => {
      if (event.event === "skipped") {
        skipped++;
        firstSkip ??= { reason: event.reason, sample: event.sample };
        return;
      }
      if (event.event === "ended") endedForGood = true;
      if (options.events) {
        const { event: kind, ...rest } = event;
        out.post(
          JSON.stringify({ event: kind, name, ...(gateway && { gateway }), ...rest }) + "\n",
        );
      } else {
        err.post(`fnlogs: ${gateway ? `[${gateway}] ` : ""}${notice(name, event, options)}\n`);
      }
    };

    const since = sinceOf(options, (io.now ?? Date.now)());
    const streams = sources.map(({ target, name }) => {
      const batches = followLogBatches({
        gateway: target?.url,
        provider,
        name,
        namespace: options.namespace || undefined,
        instance: options.instanceFilter,
        follow: options.follow,
        tail: options.noHistory ? undefined : options.lines,
        since,
        auth: target?.auth,
        caCerts: target?.caCerts,
        reconnect: options.reconnect,
        maxReconnects: options.maxReconnects,
        backoff: io.backoff,
        idleTimeoutMs: options.idleTimeoutMs,
        signal: stop.signal,
        onEvent: onEvent(name, labelled ? target?.label : undefined),
        fetch: io.fetch,
        resumeState: resume?.start,
        ...pushedFilter(options),
      });
      if (resume === undefined && !labelled) return batches;
      const ref = ResumeState.refOf({
        gateway: target?.url,
        provider,
        namespace: options.namespace,
        name,
      });
      return withOrigin(batches, { ref, label: target?.label ?? "" });
    });
    const several = sources.length > 1;
    const merged: AsyncIterable<LogBatch> = labelled
      ? mergeLogStreams(streams.map((s) => ReadableStream.from(s)), {
        reorderWindowMs: options.reorderWindowMs,
      })
      : several
      ? mergeBatches(streams, { onClose: () => stop.abort() })
      : streams[0];
    const batches = shapeBatches(
      merged,
      options,
      (name, count) =>
        options.events
          ? out.post(JSON.stringify({ event: "dropped", name, count }) + "\n")
          : err.post(`fnlogs: ${name}: ${count} lines dropped over --rate-limit\n`),
    );
    const color = shouldColor(options.color, io.stdoutIsTerminal, io.env("NO_COLOR"));
    let render = makeRenderer(
      options,
      several,
      color,
      lineRenderer(
        options,
        color,
        (reason) => err.post(`fnlogs: --template failed on a line, printed as it is: ${reason}\n`),
      ),
    );
    if (labelled) render = labelLines(render, options.output, color);
    const filter = makeFilter(options);
    const { untilMatch, maxLines } = options;
    let printed = 0;
    let outcome: LogsOutcome | undefined;

    const iterator = batches[Symbol.asyncIterator]();
    try {
      while (outcome === undefined) {
        const step = await iterator.next();
        if (step.done) break;
        let items: LogBatch = filter === undefined ? step.value : filter(step.value);
        if (items.length === 0) {
          await out.write("", resume?.coverer(step.value));
          continue;
        }
        const room = maxLines === undefined ? Infinity : maxLines - printed;
        const hit = untilMatch === undefined ? -1 : items.findIndex((m) => untilMatch.test(m.text));
        if (hit >= 0 && hit < room) {
          items = items.slice(0, hit + 1);
          outcome = "condition-met";
        } else if (items.length >= room) {
          items = items.slice(0, room);
          outcome = "completed";
        }
        const written = resume?.coverer(step.value, outcome && items[items.length - 1]);
        if (!(await out.write(render(items), written))) return "completed";
        printed += items.length;
      }
    } finally {
      stop.abort();
      await iterator.return?.();
    }

    if (skipped > 0 && firstSkip !== undefined) {
      const summary = { count: skipped, reason: firstSkip.reason, sample: firstSkip.sample };
      if (options.events) out.post(JSON.stringify({ event: "skipped", ...summary }) + "\n");
      else {
        err.post(
          `fnlogs: skipped ${skipped} malformed line${skipped === 1 ? "" : "s"} from the server ` +
            `(first: ${firstSkip.reason}: ${JSON.stringify(firstSkip.sample)})\n`,
        );
      }
    }
    if (outcome !== undefined) return outcome;
    if (out.closed) return "completed";
    if (io.signal.aborted) return "interrupted";
    if (untilMatch !== undefined) return "no-match";
    if (timedOut) return "completed";
    return endedForGood ? "stream-ended" : "completed";
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

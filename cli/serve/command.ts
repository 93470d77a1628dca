/**
 * `fnlogs serve`: starts the provider and `Deno.serve`, and on the shutdown
 * signal stops accepting, ends open streams cleanly and stops the provider's
 * child work.
 *
 * @module
 */
import { UsageError } from "../../lib/errors.ts";
import { createProvider } from "../../lib/providers/mod.ts";
import { guardedServe } from "../../server/http/guarded_serve.ts";
import type { Server } from "../../server/http/types.ts";
import { serveHttp1 } from "../../server/http/http1_server.ts";
import { createHandler } from "../../server/handler.ts";
import { loadCredentials } from "./load_credentials.ts";
import { SERVE_HELP } from "./help.ts";
import { textResponse } from "../../server/http/text_response.ts";
import { parseServeOptions } from "./options.ts";

/** What `runServe` needs from its surroundings. */
export interface ServeIO {
  /** Help text and other data. */
  readonly stdout: (text: string) => void;
  /** Status lines (listening, failures, shutdown). */
  readonly stderr: (line: string) => void;
  readonly env: (name: string) => string | undefined;
  /** Aborted on SIGINT/SIGTERM: the server shuts down cleanly. */
  readonly signal: AbortSignal;
  /** Called once the server listens. */
  readonly onListen?: (address: Deno.NetAddr) => void;
}

/** How long a shutdown waits for open connections before it stops anyway. */
const SHUTDOWN_GRACE_MS = 3_000;

/** The current time as RFC3339 with microseconds, for log lines. */
function logTime(): string {
  const ms = performance.timeOrigin + performance.now();
  const whole = Math.floor(ms);
  return new Date(whole).toISOString().slice(0, 23) +
    String(Math.floor((ms - whole) * 1000)).padStart(3, "0") + "Z";
}

/** Runs `fnlogs serve ARGS` until `io.signal` aborts. */
export async function runServe(args: string[], io: ServeIO): Promise<void> {
  const options = parseServeOptions(args, io.env);
  if (options.help) return io.stdout(SERVE_HELP);
  const log = (message: string) => io.stderr(`${logTime()} fnlogs serve: ${message}`);
  const auth = await loadCredentials(options.credentials);
  const readFlagFile = async (flag: string, path: string) => {
    try {
      return await Deno.readTextFile(path);
    } catch (error) {
      throw new UsageError(`--${flag}: cannot read ${path}: ${(error as Error).message}`);
    }
  };
  const tls = options.tls === undefined ? undefined : {
    cert: await readFlagFile("cert", options.tls.certFile),
    key: await readFlagFile("key", options.tls.keyFile),
  };
  const provider = await createProvider({ ...options.provider, onNotice: log });
  const handler = createHandler({
    provider,
    coalesce: options.coalesce,
    heartbeatMs: options.heartbeatMs,
    maxStreamDurationMs: options.maxStreamDurationMs,
    maxTail: options.maxTail,
    auth,
    namespaces: options.namespaces,
    ui: options.ui,
    ...options.limits,
    log,
    accessLog: options.quiet ? undefined : log,
  });
  let server: Server;
  try {
    server = serve();
  } catch (error) {
    await provider.close();
    if (error instanceof Deno.errors.AddrInUse) {
      throw new Error(
        `Cannot listen on ${options.hostname}:${options.port}: address already in use`,
      );
    }
    throw error;
  }
  function serve(): Server {
    const start = options.engine === "deno" ? guardedServe : serveHttp1;
    return start(handler, {
      port: options.port,
      hostname: options.hostname,
      ...(tls ?? {}),
      headerTimeoutMs: options.headerTimeoutMs,
      maxPendingPerPeer: options.maxPendingPerClient,
      maxHeadBytes: (options.limits.maxHeaderBytes ?? 16384) +
        (options.limits.maxQueryBytes ?? 4096) + 4096,
      onListen: (address) => {
        log(
          `listening on ${
            tls === undefined ? "http" : "https"
          }://${address.hostname}:${address.port}/ ` +
            `(provider ${provider.kind}, ` +
            `auth ${auth === undefined ? "off" : "on"}, ` +
            `page ${options.ui ? "/ui/" : "off"})`,
        );
        io.onListen?.(address);
      },
      onError: (error) => {
        log(`request failed: ${error instanceof Error ? error.message : String(error)}`);
        return textResponse(500, "internal error");
      },
      onDrop: options.quiet ? undefined : (peer, why) =>
        log(
          `closed a connection from ${peer}: ${
            why === "header-timeout" ? "no request within --header-timeout" : "too many pending"
          }`,
        ),
      onAcceptError: (error) =>
        log(`accepting failed: ${error instanceof Error ? error.message : String(error)}`),
    });
  }
  if (!server.guarded && (options.headerTimeoutMs > 0 || options.maxPendingPerClient > 0)) {
    log("warning: this Deno runtime cannot enforce --header-timeout; serving without it");
  }

  await new Promise<void>((resolve) => {
    if (io.signal.aborted) return resolve();
    io.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  log("shutting down");
  const stopped = server.shutdown();
  handler.streams.endAll();
  await provider.close();
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    stopped,
    new Promise((resolve) => timer = setTimeout(resolve, SHUTDOWN_GRACE_MS)),
  ]);
  clearTimeout(timer);
  log("stopped");
}

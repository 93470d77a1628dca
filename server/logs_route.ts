/**
 * `GET /system/logs`: the OpenFaaS log API, answered from a provider as
 * NDJSON (what every OpenFaaS client reads) or, when the client asks for
 * `text/event-stream`, as fnlogs' resumable event stream.
 *
 * @module
 */
import { accepts } from "@std/http/negotiation";
import {
  describeError,
  FunctionNotFoundError,
  InvalidInputError,
  NamespaceNotAllowedError,
  UpstreamError,
} from "../lib/errors.ts";
import { logBatchEncoder, SSE_HEARTBEAT } from "../lib/wire/log_batch_encoder.ts";
import type { LogProvider, LogQuery, LogSource } from "../lib/types.ts";
import { parseLogQuery } from "./log_query.ts";
import { parseFilterParams } from "../lib/filters/filter_params.ts";
import type { LogFilter } from "../lib/filters/log_filter.ts";
import { filteredEncoder } from "./filtered_encoder.ts";
import type { OpenStreams } from "./open_streams.ts";
import { responseBody } from "./response_body.ts";
import type { StreamLimiter } from "./stream_limiter.ts";
import { textResponse } from "./http/text_response.ts";

const NDJSON = "application/x-ndjson";
const EVENT_STREAM = "text/event-stream";
const encoder = new TextEncoder();
const HEARTBEAT = encoder.encode(SSE_HEARTBEAT);

/** Settings of the log route. */
export interface LogsRouteOptions {
  readonly provider: LogProvider;
  /** `false`: one chunk per message, like the Go reference (benchmark baseline). */
  readonly coalesce?: boolean;
  readonly maxChunkBytes?: number;
  /** Idle interval after which an event stream gets a heartbeat (default 15 s). */
  readonly heartbeatMs?: number;
  /** Ends follow streams cleanly after this long (default: never). */
  readonly maxStreamDurationMs?: number;
  readonly maxTail?: number;
  /** Only these namespaces are served (default: all); others answer 403. */
  readonly namespaces?: readonly string[];
  readonly streams?: OpenStreams;
  /** Caps on concurrent streams (none when absent). */
  readonly limiter?: StreamLimiter;
  /** Where failures are reported (never with credentials). */
  readonly log?: (message: string) => void;
  /** Where each finished log stream is reported, one line each (an access log). */
  readonly accessLog?: (message: string) => void;
}

type Negotiate = (request: Request, ...types: string[]) => string | undefined;
const negotiate: Negotiate = accepts;

/** Answers one log request. */
export async function logsRoute(
  request: Request,
  options: LogsRouteOptions,
  client = "unknown",
): Promise<Response> {
  if (request.method !== "GET") {
    return textResponse(405, `method ${request.method} not allowed`, { allow: "GET" });
  }
  const sse = negotiate(request, NDJSON, EVENT_STREAM) === EVENT_STREAM;
  const params = new URL(request.url).searchParams;
  let query: LogQuery;
  try {
    query = parseLogQuery(params, sse ? request.headers.get("last-event-id") : null, {
      maxTail: options.maxTail,
    });
  } catch (error) {
    if (error instanceof InvalidInputError) return textResponse(422, error.message);
    throw error;
  }
  // Filters are part of the event-stream extension; NDJSON answers stay the reference's.
  let filter: LogFilter | undefined;
  if (sse) {
    try {
      filter = parseFilterParams(params);
    } catch (error) {
      if (error instanceof InvalidInputError) {
        return textResponse(400, `invalid filter: ${error.message}`);
      }
      throw error;
    }
  }

  const namespace = query.namespace ?? options.provider.defaultNamespace;
  if (options.namespaces !== undefined && !options.namespaces.includes(namespace)) {
    return textResponse(403, new NamespaceNotAllowedError(namespace).message);
  }

  const slot = options.limiter?.acquire(client);
  if (slot instanceof Response) return slot;
  const release = slot ?? (() => {});

  const abort = new AbortController();
  const onRequestAbort = () => abort.abort(request.signal.reason);
  request.signal.addEventListener("abort", onRequestAbort, { once: true });
  let source: LogSource;
  try {
    // With namespaces restricted, the one checked is the one asked for: a
    // provider whose default differs from ours (a gateway's) cannot widen it.
    const asked = options.namespaces === undefined ? query : { ...query, namespace };
    source = await options.provider.openLogs(asked, { signal: abort.signal });
  } catch (error) {
    request.signal.removeEventListener("abort", onRequestAbort);
    release();
    return errorResponse(error, query, options.log);
  }

  const log = options.log;
  const opened = performance.now();
  const accessLog = options.accessLog;
  const resume = source.fromCursor
    ? "cursor"
    : query.since !== undefined || query.tail !== undefined
    ? "since"
    : "none";
  // The event stream says in band what its headers say: proxies such as the
  // OpenFaaS gateway drop response headers (docs/extensions.md).
  const batchEncoder = sse
    ? filteredEncoder(
      logBatchEncoder("sse", {
        maxChunkBytes: options.maxChunkBytes,
        retryMs: 1000,
        hello: { resume },
      }),
      filter,
    )
    : logBatchEncoder("ndjson", {
      maxChunkBytes: options.maxChunkBytes,
      coalesce: options.coalesce,
    });
  const body = responseBody(
    source.stream,
    batchEncoder,
    {
      registry: options.streams,
      signal: request.signal,
      heartbeat: sse ? HEARTBEAT : undefined,
      heartbeatMs: options.heartbeatMs ?? 15_000,
      endMarker: batchEncoder.last, // An event stream's `end` event; NDJSON has none.
      maxDurationMs: options.maxStreamDurationMs,
      onError: (error) => log?.(`log stream for "${query.name}" failed: ${describeError(error)}`),
      onDone: (how) => {
        request.signal.removeEventListener("abort", onRequestAbort);
        release();
        accessLog?.(
          `stream ${how}: name=${query.name} follow=${query.follow} ${
            sse ? "sse" : "ndjson"
          } after ${((performance.now() - opened) / 1000).toFixed(3)}s`,
        );
      },
    },
  );
  const headers: Record<string, string> = sse
    ? {
      "content-type": EVENT_STREAM,
      "cache-control": "no-cache",
      "x-fnlogs-resume": resume,
    }
    : { "content-type": NDJSON, "connection": "Keep-Alive" };
  return new Response(body, { status: 200, headers });
}

function errorResponse(error: unknown, query: LogQuery, log?: (message: string) => void): Response {
  if (error instanceof FunctionNotFoundError) return textResponse(404, error.message);
  if (error instanceof NamespaceNotAllowedError) return textResponse(403, error.message);
  if (error instanceof InvalidInputError) return textResponse(422, error.message);
  if (error instanceof UpstreamError) {
    log?.(`log request for "${query.name}" failed upstream: ${error.message}`);
    return textResponse(502, `function log request failed: ${error.message}`);
  }
  log?.(`log request for "${query.name}" failed: ${describeError(error)}`);
  return textResponse(500, "function log request failed");
}

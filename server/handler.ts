/**
 * The fnlogs server as a pure `(Request) => Promise<Response>` function with
 * its provider injected: `Deno.serve`, `deno serve` and tests all call it.
 *
 * `server/` is the log API as such a function: this handler, its routes,
 * query parsing, auth, limits and the streaming response body. It may use
 * `lib/` (the provider is injected; only `deno_serve.ts`, the `deno serve`
 * entry, makes one) and `server/http/` (`text_response.ts`); never `cli/`.
 * The engines that serve it are in `server/http/`.
 *
 * @module
 */
import { createAuthorizer, type Credentials } from "./authorizer.ts";
import { functionsRoute } from "./functions_route.ts";
import { logsRoute, type LogsRouteOptions } from "./logs_route.ts";
import { OpenStreams } from "./open_streams.ts";
import { StreamLimiter, type StreamLimits } from "./stream_limiter.ts";
import { textResponse } from "./http/text_response.ts";
import { createUiRoute } from "./ui/ui_route.ts";
import { createSessionCookies } from "./ui/session_cookie.ts";

/** The default longest query string accepted, in bytes (414 above it). */
export const DEFAULT_MAX_QUERY_BYTES = 4096;
/** The default largest total of request header names and values, in bytes (431 above it). */
export const DEFAULT_MAX_HEADER_BYTES = 16_384;

/** Settings of the whole handler. */
export interface HandlerOptions
  extends Omit<LogsRouteOptions, "streams" | "limiter">, StreamLimits {
  /** The longest query string accepted, in bytes (default {@linkcode DEFAULT_MAX_QUERY_BYTES}). */
  readonly maxQueryBytes?: number;
  /** The largest total of request header names and values (default {@linkcode DEFAULT_MAX_HEADER_BYTES}). */
  readonly maxHeaderBytes?: number;
  /** Who gets in to `/system/*` (default: everyone). `/healthz` is always open. */
  readonly auth?: Credentials;
  /** Tracks open log streams (created when not given). */
  readonly streams?: OpenStreams;
  /** Serve the live-tail web page at `/ui/` (default true; `--no-ui` turns it off). */
  readonly ui?: boolean;
}

/** What `Deno.serve` tells a handler about the connection. */
export interface RequestInfo {
  readonly remoteAddr?: Deno.Addr;
}

/** The client's address for per-client limits (`unix` for unix sockets). */
function clientOf(info: RequestInfo | undefined): string | undefined {
  const address = info?.remoteAddr;
  if (address === undefined) return undefined;
  return "hostname" in address ? address.hostname : address.transport;
}

/** A request handler plus the registry of the log streams it has open. */
export interface Handler {
  (request: Request, info?: RequestInfo): Promise<Response>;
  readonly streams: OpenStreams;
}

/**
 * Creates the request handler.
 *
 * @example Answer a bad query without a network
 * ```ts ignore
 * const handler = createHandler({ provider });
 * const response = await handler(new Request("http://x/system/logs?name=env&tail=x"));
 * // 422 could not parse the log request: tail must be an integer, got "x"
 * ```
 */
export function createHandler(options: HandlerOptions): Handler {
  const streams = options.streams ?? new OpenStreams();
  const limiter = new StreamLimiter(options);
  const routeOptions: LogsRouteOptions = { ...options, streams, limiter };
  const tokens = options.auth?.tokens?.filter((t) => t !== "") ?? [];
  // One minter: the sign-in route issues the cookies the authorizer checks.
  const sessions = tokens.length === 0 ? undefined : createSessionCookies(tokens);
  const authorize = createAuthorizer(options.auth, sessions);
  const ui = options.ui === false
    ? undefined
    : createUiRoute({ auth: options.auth, authorize, sessions, namespaces: options.namespaces });
  const maxQuery = options.maxQueryBytes ?? DEFAULT_MAX_QUERY_BYTES;
  const maxHeaders = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  const handler = async (request: Request, info?: RequestInfo): Promise<Response> => {
    const url = new URL(request.url);
    const { pathname } = url;
    if (url.search.length > maxQuery) {
      return textResponse(414, `the query is longer than this server's limit of ${maxQuery} bytes`);
    }
    let headerBytes = 0;
    for (const [name, value] of request.headers) headerBytes += name.length + value.length + 4;
    if (headerBytes > maxHeaders) {
      return textResponse(
        431,
        `the request headers exceed this server's limit of ${maxHeaders} bytes`,
      );
    }
    switch (pathname) {
      case "/system/logs":
        return await authorize(request) ??
          await logsRoute(request, routeOptions, clientOf(info));
      case "/system/functions":
        return await authorize(request) ??
          await functionsRoute(request, options.provider, options.namespaces, options.log);
      case "/healthz":
        return request.method === "GET" || request.method === "HEAD"
          ? textResponse(200, "OK")
          : textResponse(405, `method ${request.method} not allowed`, { allow: "GET, HEAD" });
      default:
        return await ui?.(request) ?? textResponse(404, `no route for ${pathname}`);
    }
  };
  return Object.assign(handler, { streams });
}

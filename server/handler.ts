/**
 * The fnlogs server as a pure `(Request) => Promise<Response>` function with
 * its provider injected: `Deno.serve`, `deno serve` and tests all call it.
 *
 * @module
 */
import { createAuthorizer, type Credentials } from "./authorizer.ts";
import { functionsRoute } from "./functions_route.ts";
import { logsRoute, type LogsRouteOptions } from "./logs_route.ts";
import { OpenStreams } from "./open_streams.ts";
import { textResponse } from "./text_response.ts";

/** Settings of the whole handler. */
export interface HandlerOptions extends Omit<LogsRouteOptions, "streams"> {
  /** Who gets in to `/system/*` (default: everyone). `/healthz` is always open. */
  readonly auth?: Credentials;
  /** Tracks open log streams (created when not given). */
  readonly streams?: OpenStreams;
}

/** A request handler plus the registry of the log streams it has open. */
export interface Handler {
  (request: Request): Promise<Response>;
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
  const routeOptions: LogsRouteOptions = { ...options, streams };
  const authorize = createAuthorizer(options.auth);
  const handler = async (request: Request): Promise<Response> => {
    const { pathname } = new URL(request.url);
    switch (pathname) {
      case "/system/logs":
        return await authorize(request) ?? await logsRoute(request, routeOptions);
      case "/system/functions":
        return await authorize(request) ??
          await functionsRoute(request, options.provider, options.namespaces, options.log);
      case "/healthz":
        return request.method === "GET" || request.method === "HEAD"
          ? textResponse(200, "OK")
          : textResponse(405, `method ${request.method} not allowed`, { allow: "GET, HEAD" });
      default:
        return textResponse(404, `no route for ${pathname}`);
    }
  };
  return Object.assign(handler, { streams });
}

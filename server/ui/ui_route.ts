/**
 * The live-tail web page on the log server's own port: `/` and `/ui` redirect
 * to `/ui/`, which serves the page, its script and stylesheet, and the
 * sign-in (`/ui/session`). Every answer carries the page's security headers.
 *
 * With basic auth configured the page itself asks for it (the browser's own
 * prompt); the 401's body is the page, so a reader who cancels the prompt can
 * still sign in with a token. Its script and stylesheet hold nothing secret
 * and are served to everyone.
 *
 * @module
 */
import type { Authorizer, Credentials } from "../authorizer.ts";
import { textResponse } from "../http/text_response.ts";
import { loadUiAssets, type UiAsset } from "./assets.ts";
import { UI_SECURITY_HEADERS } from "./security_headers.ts";
import { createSessionRoute } from "./session_route.ts";
import type { SessionCookies } from "./session_cookie.ts";

/** What the page's routes need. */
export interface UiRouteOptions {
  readonly auth?: Credentials;
  readonly authorize: Authorizer;
  readonly namespaces?: readonly string[];
  /** See `SessionRouteOptions.sessions`. */
  readonly sessions?: SessionCookies;
  /** See `SessionRouteOptions.failureDelayMs`. */
  readonly failureDelayMs?: number;
}

/** Answers a request for the page, or `undefined` when the path is not the page's. */
export type UiRoute = (request: Request) => Promise<Response | undefined>;

function withSecurityHeaders(response: Response): Response {
  for (const [name, value] of Object.entries(UI_SECURITY_HEADERS)) {
    response.headers.set(name, value);
  }
  return response;
}

function assetResponse(request: Request, asset: UiAsset, status = 200): Response {
  const headers = {
    "content-type": asset.contentType,
    "cache-control": "no-cache",
    "etag": asset.etag,
  };
  if (status === 200 && request.headers.get("if-none-match") === asset.etag) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(request.method === "HEAD" ? null : asset.body, {
    status,
    headers: { ...headers, "content-length": String(asset.body.length) },
  });
}

/** Creates the page's routes. */
export function createUiRoute(options: UiRouteOptions): UiRoute {
  const assets = loadUiAssets();
  const session = createSessionRoute(options);
  const basic = options.auth?.basic !== undefined;
  const route = async (request: Request): Promise<Response | undefined> => {
    const url = new URL(request.url);
    const path = url.pathname;
    if (path === "/" || path === "/ui") {
      // Relative, so that a proxy that mounts the server under a prefix keeps working.
      return new Response(null, { status: 302, headers: { location: `ui/${url.search}` } });
    }
    if (!path.startsWith("/ui/")) return undefined;
    const name = path.slice("/ui/".length);
    if (name === "session") return await session(request);
    const asset = (await assets).get(name === "index.html" ? "" : name);
    if (asset === undefined) return textResponse(404, `no route for ${path}`);
    if (request.method !== "GET" && request.method !== "HEAD") {
      return textResponse(405, `method ${request.method} not allowed`, { allow: "GET, HEAD" });
    }
    if (name === "" && basic) {
      const denied = await options.authorize(request);
      if (denied !== undefined) {
        await denied.body?.cancel();
        const response = assetResponse(request, asset, 401);
        response.headers.set("www-authenticate", denied.headers.get("www-authenticate")!);
        response.headers.set("cache-control", "no-store");
        return response;
      }
    }
    return assetResponse(request, asset);
  };
  return async (request) => {
    const response = await route(request);
    return response === undefined ? undefined : withSecurityHeaders(response);
  };
}

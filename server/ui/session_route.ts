/**
 * `/ui/session`: what the page needs to know before it asks for logs, and the
 * sign-in that trades a bearer token for a session cookie.
 *
 * - `GET`: `{"methods":["basic","token"],"signedIn":bool,"cookie":bool,"namespaces":[...]|null}`;
 *   `cookie` when signed in by the session cookie (the page then offers to
 *   sign out); the namespaces (`--namespaces`, `null` for all) only once
 *   signed in.
 * - `POST` with `Authorization: Bearer TOKEN`: `204` and the cookie, or `401`.
 * - `DELETE`: `204` and the cookie removed.
 *
 * The token travels once, in the header of a POST from the page itself (a
 * request from another origin is refused; another site's page cannot set
 * that header without a CORS preflight, which is never granted), never in a
 * URL, and is never logged. A header rather than a form body because the
 * server's HTTP engine reads no request bodies.
 *
 * @module
 */
import type { Authorizer, Credentials } from "../authorizer.ts";
import { jsonResponse, textResponse } from "../http/text_response.ts";
import {
  clearedSessionCookie,
  createSessionCookies,
  type SessionCookies,
} from "./session_cookie.ts";

/** What the session route needs. */
export interface SessionRouteOptions {
  readonly auth?: Credentials;
  readonly authorize: Authorizer;
  readonly namespaces?: readonly string[];
  /** The cookie minter the authorizer checks with (made from `auth.tokens` if not given). */
  readonly sessions?: SessionCookies;
  /** Wait this long before answering a wrong token (default 300 ms). */
  readonly failureDelayMs?: number;
}

/**
 * Whether the request comes from a page of this same server (no cross-site
 * sign-in). A browser's `Sec-Fetch-Site` decides when it is sent; without
 * it, the `Origin`'s host must be the request's. Hosts, not origins: behind
 * a proxy that ends TLS the page is `https://` while the request reaching
 * the server is `http://`.
 */
function sameOrigin(request: Request): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null) return site === "same-origin" || site === "none";
  const origin = request.headers.get("origin");
  if (origin === null) return true;
  try {
    return new URL(origin).host === new URL(request.url).host;
  } catch {
    return false;
  }
}

/**
 * Whether the page was loaded over HTTPS (so the cookie is `Secure`): the
 * request's own scheme, or, behind a proxy that ends TLS, the page's
 * `Origin` or the proxy's `X-Forwarded-Proto`.
 */
function overHttps(request: Request): boolean {
  return new URL(request.url).protocol === "https:" ||
    request.headers.get("origin")?.startsWith("https://") === true ||
    request.headers.get("x-forwarded-proto")?.split(",")[0].trim().toLowerCase() === "https";
}

/** Creates the handler of `/ui/session`. */
export function createSessionRoute(
  options: SessionRouteOptions,
): (request: Request) => Promise<Response> {
  const tokens = options.auth?.tokens?.filter((t) => t !== "") ?? [];
  const methods = [
    ...(options.auth?.basic === undefined ? [] : ["basic"]),
    ...(tokens.length === 0 ? [] : ["token"]),
  ];
  const cookies = tokens.length === 0
    ? undefined
    : options.sessions ?? createSessionCookies(tokens);
  const delay = options.failureDelayMs ?? 300;
  return async (request) => {
    const secure = overHttps(request);
    switch (request.method) {
      case "GET": {
        const signedIn = await options.authorize(request) === undefined;
        const response = jsonResponse({
          methods,
          signedIn,
          cookie: signedIn && cookies !== undefined && !request.headers.has("authorization") &&
            await cookies.verify(request),
          namespaces: signedIn ? options.namespaces ?? null : null,
        });
        response.headers.set("cache-control", "no-store");
        return response;
      }
      case "POST": {
        if (!sameOrigin(request)) return textResponse(403, "sign-in from another site refused");
        if (cookies === undefined) {
          return textResponse(404, "this server has no tokens to sign in with");
        }
        const header = request.headers.get("authorization") ?? "";
        const bearer = /^bearer\s+\S/i.test(header);
        const denied = bearer ? await options.authorize(request) : undefined;
        if (!bearer || denied !== undefined) {
          await denied?.body?.cancel();
          await new Promise((resolve) => setTimeout(resolve, delay));
          return textResponse(401, "wrong token");
        }
        return new Response(null, {
          status: 204,
          headers: { "set-cookie": await cookies.issue(secure), "cache-control": "no-store" },
        });
      }
      case "DELETE":
        return new Response(null, {
          status: 204,
          headers: { "set-cookie": clearedSessionCookie(secure), "cache-control": "no-store" },
        });
      default:
        return textResponse(405, `method ${request.method} not allowed`, {
          allow: "GET, POST, DELETE",
        });
    }
  };
}

/**
 * Who gets in: OpenFaaS-style basic auth and bearer tokens, compared in
 * constant time, and the web page's session cookie (a token traded at
 * `/ui/session`). With no credentials configured everything is let in, also
 * faas-cli's `Authorization: Bearer` with an empty token.
 *
 * @module
 */
import { textResponse } from "./http/text_response.ts";
import { createSessionCookies, type SessionCookies } from "./ui/session_cookie.ts";

/** The credentials a server accepts; either or both. */
export interface Credentials {
  readonly basic?: { readonly user: string; readonly password: string };
  readonly tokens?: readonly string[];
}

/** Answers `undefined` to let a request in, or the 401 response to send. */
export type Authorizer = (request: Request) => Promise<Response | undefined>;

const encoder = new TextEncoder();

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

/** Equal digests, compared without an early exit. */
function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i] ^ b[i];
  return difference === 0;
}

/**
 * The challenge of a 401: `Basic`, as OpenFaaS sends it, when basic auth is
 * configured; otherwise `Bearer`, which is what the server accepts (and which
 * browsers do not answer with a password prompt of their own).
 */
function unauthorized(message: string, scheme: "Basic" | "Bearer"): Response {
  return textResponse(401, message, { "www-authenticate": `${scheme} realm="Restricted"` });
}

/**
 * Creates the authorizer. Secrets are hashed once; a request's credentials
 * are hashed and compared with every configured secret, whatever matches, so
 * the time taken says nothing about which part was wrong. With tokens
 * configured, a request without an `Authorization` header may carry a valid
 * session cookie instead (see `server/ui/session_cookie.ts`), checked by
 * `sessionCookies` (the sign-in route's minter) or a minter of its own.
 *
 * @example
 * ```ts
 * import { createAuthorizer } from "./authorizer.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const authorize = createAuthorizer({ tokens: ["s3cret"] });
 * const ok = await authorize(new Request("http://x/", { headers: { authorization: "Bearer s3cret" } }));
 * assertEquals(ok, undefined);
 * const denied = await authorize(new Request("http://x/", { headers: { authorization: "Bearer" } }));
 * assertEquals(denied?.status, 401);
 * ```
 */
export function createAuthorizer(
  credentials: Credentials | undefined,
  sessionCookies?: SessionCookies,
): Authorizer {
  const tokens = credentials?.tokens?.filter((t) => t !== "") ?? [];
  const basic = credentials?.basic;
  if (basic === undefined && tokens.length === 0) return () => Promise.resolve(undefined);
  const scheme = basic === undefined ? "Bearer" : "Basic";
  const denied = (message: string) => unauthorized(message, scheme);
  const sessions = tokens.length === 0 ? undefined : sessionCookies ?? createSessionCookies(tokens);
  const secrets = Promise.all([
    basic === undefined ? undefined : Promise.all([digest(basic.user), digest(basic.password)]),
    Promise.all(tokens.map(digest)),
  ]);
  return async (request) => {
    const header = request.headers.get("authorization") ?? "";
    const [basicDigests, tokenDigests] = await secrets;
    const space = header.indexOf(" ");
    const scheme = (space === -1 ? header : header.slice(0, space)).toLowerCase();
    const value = space === -1 ? "" : header.slice(space + 1).trim();
    if (value === "") {
      if (sessions !== undefined && await sessions.verify(request)) return undefined;
      return denied("credentials required");
    }
    if (scheme === "basic" && basicDigests !== undefined) {
      let decoded: string;
      try {
        decoded = new TextDecoder().decode(Uint8Array.from(atob(value), (c) => c.charCodeAt(0)));
      } catch {
        return denied("invalid credentials");
      }
      const colon = decoded.indexOf(":");
      const [user, password] = colon === -1
        ? [decoded, ""]
        : [decoded.slice(0, colon), decoded.slice(colon + 1)];
      const userOk = sameDigest(await digest(user), basicDigests[0]);
      const passwordOk = sameDigest(await digest(password), basicDigests[1]);
      return userOk && passwordOk ? undefined : denied("invalid credentials");
    }
    if (scheme === "bearer" && tokenDigests.length > 0) {
      const given = await digest(value);
      let ok = false;
      for (const token of tokenDigests) ok = sameDigest(given, token) || ok;
      return ok ? undefined : denied("invalid credentials");
    }
    return denied("invalid credentials");
  };
}

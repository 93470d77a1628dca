/**
 * The web page's sign-in cookie: a bearer token traded once for an
 * `HttpOnly`, `SameSite=Strict` cookie that the log endpoints accept, so the
 * token never sits in the page, a URL or the browser's history.
 *
 * The cookie says only until when it is valid, signed with HMAC-SHA-256 under
 * a key derived from the configured tokens: it survives a restart of the
 * server, and changing the tokens signs every session out.
 *
 * @module
 */

/** The cookie's name. */
export const SESSION_COOKIE = "fnlogs_session";
/** How long a sign-in lasts. */
export const SESSION_SECONDS = 12 * 60 * 60;

const encoder = new TextEncoder();
const VALUE = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/** Mints and checks session cookies for one set of tokens. */
export interface SessionCookies {
  /** A `Set-Cookie` value for a new session (`secure` on HTTPS). */
  issue(secure: boolean, now?: number): Promise<string>;
  /** Whether the request carries a valid, unexpired session cookie. */
  verify(request: Request, now?: number): Promise<boolean>;
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** The value of one cookie of the request, if it has it. */
export function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.get("cookie");
  if (header === null) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The `Set-Cookie` value that removes the session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${
    secure ? "; Secure" : ""
  }`;
}

/**
 * Creates the cookie minter and checker for these tokens (at least one).
 *
 * @example Issue a cookie and check it
 * ```ts
 * import { createSessionCookies } from "./session_cookie.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const cookies = createSessionCookies(["s3cret"]);
 * const setCookie = await cookies.issue(false);
 * const request = new Request("http://x/", { headers: { cookie: setCookie.split(";")[0] } });
 * assertEquals(await cookies.verify(request), true);
 * assertEquals(await createSessionCookies(["other"]).verify(request), false);
 * ```
 */
export function createSessionCookies(tokens: readonly string[]): SessionCookies {
  const key = (async () => {
    const material = await crypto.subtle.digest(
      "SHA-256",
      encoder.encode(["fnlogs-ui-session-v1", ...[...tokens].sort()].join("\0")),
    );
    return await crypto.subtle.importKey(
      "raw",
      material,
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
  })();
  const nowSeconds = (now: number) => Math.floor(now / 1000);
  return {
    async issue(secure, now = Date.now()) {
      const expires = String(nowSeconds(now) + SESSION_SECONDS);
      const signature = new Uint8Array(
        await crypto.subtle.sign("HMAC", await key, encoder.encode(expires)),
      );
      return `${SESSION_COOKIE}=${expires}.${base64url(signature)}; Path=/; HttpOnly; ` +
        `SameSite=Strict; Max-Age=${SESSION_SECONDS}${secure ? "; Secure" : ""}`;
    },
    async verify(request, now = Date.now()) {
      const match = VALUE.exec(readCookie(request, SESSION_COOKIE) ?? "");
      if (match === null || Number(match[1]) <= nowSeconds(now)) return false;
      let signature: Uint8Array;
      try {
        signature = fromBase64url(match[2]);
      } catch {
        return false;
      }
      return await crypto.subtle.verify(
        "HMAC",
        await key,
        signature as Uint8Array<ArrayBuffer>,
        encoder.encode(match[1]),
      );
    },
  };
}

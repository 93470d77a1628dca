/**
 * The headers every answer of the web page carries: a strict
 * Content-Security-Policy (scripts and styles only from the page's own files,
 * no inline script, no framing, and Trusted Types required so that no string
 * can ever reach an HTML sink), `nosniff`, and no referrer.
 *
 * @module
 */

/** The page's Content-Security-Policy. */
export const UI_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join("; ");

/** Headers for every answer under `/ui/`. */
export const UI_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "content-security-policy": UI_CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
});

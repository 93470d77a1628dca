/**
 * A URL as written by a user, fit for an error message: whatever sits before
 * an `@` in its authority (a user and password, or a token) shown as `***`.
 *
 * @module
 */

/**
 * `text` with its credentials hidden; text without any is returned as it is.
 *
 * @example
 * ```ts
 * import { hideCredentials } from "./hide_credentials.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(hideCredentials("nats://fnlogs:s3cret@nats:4222"), "nats://***@nats:4222");
 * assertEquals(hideCredentials("t0ken@127.0.0.1"), "***@127.0.0.1");
 * assertEquals(hideCredentials("http://gateway:8080/x@y"), "http://gateway:8080/x@y");
 * ```
 */
export function hideCredentials(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/?#@]*@/i, (_, scheme = "") => `${scheme}***@`);
}

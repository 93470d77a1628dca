/**
 * The NDJSON wire form of a log message, byte for byte as Go's
 * `encoding/json` marshals faas-provider's `logs.Message`.
 *
 * @module
 */

import type { LogMessage } from "../types.ts";

/**
 * What Go escapes in a string: `"` and `\`, controls below 0x20, `<` `>` `&`
 * (HTML safety), U+2028 and U+2029; and lone surrogates, which reach Go as
 * invalid UTF-8 and come out as `\ufffd`. Valid surrogate pairs match too
 * and take the slow path, which keeps them: without the `u` flag the test is
 * as fast on ASCII and faster on text with emoji than `\p{Cs}` with it.
 */
// deno-lint-ignore no-control-regex -- matching controls is the point
const NEEDS_ESCAPE = /["\\\u0000-\u001f<>&\u2028\u2029\ud800-\udfff]/;

/**
 * In `JSON.stringify`'s output, what Go writes differently. An escaped
 * backslash is matched first so that the text `\ud800` (six characters,
 * written `\\ud800`) is left alone.
 */
const GO_DIFFERENCES = /\\\\|\\ud[89a-f][0-9a-f]{2}|[<>&\u2028\u2029]/g;

function goDifference(match: string): string {
  switch (match) {
    case "<":
      return "\\u003c";
    case ">":
      return "\\u003e";
    case "&":
      return "\\u0026";
    case "\u2028":
      return "\\u2028";
    case "\u2029":
      return "\\u2029";
    case "\\\\":
      return match;
    default: // a lone surrogate
      return "\\ufffd";
  }
}

/** A JSON string literal, quotes included, as Go writes it. */
function quote(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return '"' + text + '"';
  // JSON.stringify already writes what Go writes for `"`, `\` and controls
  // (\b \f \n \r \t, else \u00xx in lowercase hex); fix up the rest.
  return JSON.stringify(text).replace(GO_DIFFERENCES, goDifference);
}

/**
 * Encodes a message as one compact JSON object, without a trailing newline,
 * exactly as Go's `json.Marshal` writes faas-provider's `logs.Message`: the
 * keys `name`, `namespace`, `instance`, `timestamp`, `text` in that order,
 * all present; `"` and `\` escaped; `\b \f \n \r \t` as two-character
 * escapes and other controls as `\u00XX` in lowercase hex; `<`, `>`, `&`,
 * U+2028 and U+2029 as `\u003c`, `\u003e`, `\u0026`, `\u2028`, `\u2029`;
 * DEL and everything else as is; a lone UTF-16 surrogate as `\ufffd` (Go
 * writes invalid UTF-8 so). The timestamp is written as given (callers pass
 * RFC3339Nano). `\b` and `\f` follow Go 1.22 and later; older Go wrote
 * `\u0008` and `\u000c`, which decode the same.
 *
 * Strings that need no escaping (nearly all) cost one regular-expression
 * test each.
 *
 * @example The wire form
 * ```ts
 * import { encodeLogMessage } from "./encode_log_message.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const line = encodeLogMessage({
 *   name: "env",
 *   namespace: "openfaas-fn",
 *   instance: "env-5b6d68d94c-qqdtj",
 *   timestamp: "2023-07-04T16:32:22.223912519Z",
 *   text: 'GET /?a=1&b=<2> "ok"',
 * });
 * assertEquals(
 *   line,
 *   '{"name":"env","namespace":"openfaas-fn","instance":"env-5b6d68d94c-qqdtj",' +
 *     '"timestamp":"2023-07-04T16:32:22.223912519Z",' +
 *     '"text":"GET /?a=1\\u0026b=\\u003c2\\u003e \\"ok\\""}',
 * );
 * ```
 */
export function encodeLogMessage(message: LogMessage): string {
  return '{"name":' + quote(message.name) +
    ',"namespace":' + quote(message.namespace) +
    ',"instance":' + quote(message.instance) +
    ',"timestamp":' + quote(message.timestamp) +
    ',"text":' + quote(message.text) + "}";
}

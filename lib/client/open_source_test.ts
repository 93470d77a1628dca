import { assertEquals } from "@std/assert";
import { ConnectError, HttpStatusError } from "../errors.ts";
import { IdleTimeoutError } from "../gateway/open_log_stream.ts";
import { UnexpectedBodyError } from "../wire/log_body_decoder.ts";
import { retryable } from "./open_source.ts";

Deno.test("retryable(): what is tried again before and after the first answer", () => {
  const cases: [string, unknown, boolean, boolean][] = [
    // [what, error, before the first answer, after it]
    ["refused", new ConnectError("http://gw", { cause: new Error("refused") }), false, true],
    ["closed before any answer", new ConnectError("http://gw", undefined, true), true, true],
    ["idle", new IdleTimeoutError(1000), true, true],
    ["503", new HttpStatusError(503, ""), true, true],
    ["502", new HttpStatusError(502, ""), false, true],
    ["401", new HttpStatusError(401, ""), false, false],
    ["an HTML page", new UnexpectedBodyError("<html>"), false, false],
    ["a cut body", new TypeError("error reading a body"), false, true],
  ];
  for (const [what, error, before, after] of cases) {
    assertEquals([retryable(error, false), retryable(error, true)], [before, after], what);
  }
});

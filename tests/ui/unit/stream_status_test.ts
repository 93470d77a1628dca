import { assertEquals } from "@std/assert";
import type { StreamState } from "../../../ui/function_stream.ts";
import { RESUMED_FOR_MS, summarizeStreams } from "../../../ui/stream_status.ts";

const now = 1_000_000;
const summary = (states: [string, StreamState][]) => {
  const s = summarizeStreams(new Map(states), now);
  return [s.light, s.text, s.signIn, s.canRetry];
};

Deno.test("summarizeStreams() shows the worst state first, with what it concerns", () => {
  const live: StreamState = { kind: "live", resumed: "no", at: 0 };
  assertEquals(summary([]), ["idle", "no function chosen", false, false]);
  assertEquals(summary([["a", live], ["b", live]]), ["live", "live", false, false]);
  assertEquals(summary([["a", live], ["b", { kind: "connecting" }]]), [
    "connecting",
    "connecting: b",
    false,
    false,
  ]);
  assertEquals(
    summary([["a", { kind: "reconnecting", attempt: 2 }], ["b", {
      kind: "reconnecting",
      attempt: 5,
    }]]),
    ["reconnecting", "reconnecting (attempt 5): a, b", false, false],
  );
  assertEquals(
    summary([["a", { kind: "reconnecting", attempt: 1 }], ["b", {
      kind: "failed",
      message: "gone",
    }]]),
    ["failed", "b: gone", false, true],
  );
  assertEquals(summary([["a", { kind: "failed", message: "sign-in needed", signIn: true }]]), [
    "failed",
    "a: sign-in needed",
    true,
    false,
  ]);
  assertEquals(summary([["a", { kind: "failed", message: "503", retryAt: now + 4_200 }]]), [
    "failed",
    "a: 503; trying again in 4 s",
    false,
    false,
  ]);
});

Deno.test("summarizeStreams() says 'resumed' for a while after a resume, then 'live'", () => {
  const exactly: StreamState = { kind: "live", resumed: "exactly", at: now - 1000 };
  const byTime: StreamState = { kind: "live", resumed: "by time", at: now - 1000 };
  assertEquals(summary([["a", exactly]]), ["resumed", "resumed exactly: a", false, false]);
  assertEquals(summary([["a", exactly], ["b", byTime]]), [
    "resumed",
    "resumed by time: a, b",
    false,
    false,
  ]);
  const old: StreamState = { kind: "live", resumed: "exactly", at: now - RESUMED_FOR_MS };
  assertEquals(summary([["a", old]]), ["live", "live", false, false]);
});

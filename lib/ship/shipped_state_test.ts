import { assertEquals } from "@std/assert";
import { ShippedState } from "./shipped_state.ts";
import type { LogRecord } from "../types.ts";

const T = (s: number) => `2024-01-01T00:00:${String(s).padStart(2, "0")}Z`;
const line = (instance: string, s: number, text = "", cursor?: string): LogRecord => ({
  name: "fn",
  namespace: "ns",
  instance,
  timestamp: T(s),
  text,
  ...(cursor === undefined ? {} : { cursor }),
});

/** Ships `lines` through `state`, returning the ids (instance/timestamp/occurrence) shipped. */
function ship(state: ShippedState, lines: LogRecord[]): string[] {
  const ids: string[] = [];
  for (const l of lines) {
    const occurrence = state.next(l);
    if (occurrence !== undefined) ids.push(`${l.instance}/${l.timestamp}/${occurrence}`);
  }
  return ids;
}

// Two instances, several lines per instant, interleaved.
const source: LogRecord[] = [];
for (let s = 0; s < 6; s++) {
  for (let k = 0; k < 3; k++) {
    source.push(line("a", s, `a${s}.${k}`, `c${source.length}`));
    if (s % 2 === 0) source.push(line("b", s, `b${s}.${k}`, `c${source.length}`));
  }
}

Deno.test("ShippedState: a resume at every cut point ships every line once, with the same ids", () => {
  const whole = ship(new ShippedState(), source);
  assertEquals(new Set(whole).size, source.length);
  for (let cut = 0; cut <= source.length; cut++) {
    for (const exact of [true, false]) {
      const first = new ShippedState();
      const before = ship(first, source.slice(0, cut));
      const resumed = new ShippedState(new Map(first.marks), first.resumeQuery().cursor);
      const query = resumed.resumeQuery();
      let again: LogRecord[];
      if (exact && query.cursor !== undefined) {
        resumed.resumedExactly();
        again = source.slice(source.findIndex((l) => l.cursor === query.cursor) + 1);
      } else {
        resumed.resumedFromSince();
        // The provider gives every line at or after since (and may give a few before).
        again = source.filter((l) => query.since === undefined || l.timestamp >= query.since);
      }
      const after = ship(resumed, again);
      assertEquals([...before, ...after], whole, `cut ${cut}, exact ${exact}`);
    }
  }
});

Deno.test("ShippedState.resumeQuery() gives the earliest mark and the last cursor", () => {
  const state = new ShippedState();
  assertEquals(state.resumeQuery(), {});
  ship(state, [line("a", 5, "", "x1"), line("b", 3, "", "x2"), line("a", 7, "", "x3")]);
  assertEquals(state.resumeQuery(), { cursor: "x3", since: T(3) });
});

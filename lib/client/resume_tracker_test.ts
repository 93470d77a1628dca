import { assertEquals, assertThrows } from "@std/assert";
import { ResumeTracker } from "./resume_tracker.ts";
import type { LogRecord } from "../types.ts";
import { compareTimestamps } from "../time/timestamp.ts";

function rec(instance: string, timestamp: string, text: string, cursor?: string): LogRecord {
  return cursor === undefined
    ? { name: "f", namespace: "ns", instance, timestamp, text }
    : { name: "f", namespace: "ns", instance, timestamp, text, cursor };
}

/** A seeded generator (mulberry32) so that failures can be replayed. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A history of three instances whose lines often share a timestamp. */
function history(random: () => number, length: number): LogRecord[] {
  const clocks = [0, 0, 0];
  const out: LogRecord[] = [];
  for (let i = 0; i < length; i++) {
    const k = Math.floor(random() * 3);
    if (random() < 0.4) clocks[k] += Math.floor(random() * 3) * 250_000_000 + 1;
    const nanos = BigInt(1_700_000_000) * 1_000_000_000n + BigInt(clocks[k]);
    const seconds = nanos / 1_000_000_000n;
    const fraction = String(nanos % 1_000_000_000n).padStart(9, "0").replace(/0+$/, "");
    const date = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
    out.push(rec(`f-${k}`, date + (fraction ? "." + fraction : "") + "Z", `line ${i}`));
  }
  return out;
}

/** What a server answers to `since`: every record at or after it, in the original order. */
function answer(all: LogRecord[], since: string | undefined, truncate: boolean): LogRecord[] {
  if (since === undefined) return all;
  const from = truncate ? since.replace(/\.\d+Z$/, "Z") : since;
  return all.filter((r) => compareTimestamps(r.timestamp, from) >= 0);
}

for (const [truncate, restart] of [[false, false], [true, false], [false, true], [true, true]]) {
  Deno.test(
    `ResumeTracker delivers every line exactly once across many cuts${
      truncate ? " when the server truncates since to seconds" : ""
    }${restart ? ", each cut a new tracker from the last one's exportState() as JSON" : ""}`,
    () => {
      for (let seed = 1; seed <= 40; seed++) {
        const random = seeded(seed);
        const all = history(random, 300);
        let tracker = new ResumeTracker({ now: () => 0 });
        const got: LogRecord[] = [];
        let cuts = 0;
        for (;;) {
          if (restart) {
            const state = JSON.parse(JSON.stringify(tracker.exportState()));
            tracker = new ResumeTracker({ now: () => 0, state });
          }
          const point = tracker.resumePoint();
          if (point !== undefined) tracker.beginResume("since");
          const sent = answer(all, point?.since, truncate);
          // Deliver a random prefix in random batches, then cut.
          const cutAt = random() < 0.15 ? sent.length : Math.floor(random() * (sent.length + 1));
          let i = 0;
          while (i < cutAt) {
            const size = 1 + Math.floor(random() * 7);
            got.push(...tracker.filter(sent.slice(i, Math.min(cutAt, i + size))));
            i += size;
          }
          if (cutAt === sent.length && got.length === all.length) break;
          cuts++;
          if (cuts > 1000) throw new Error(`seed ${seed}: no progress`);
        }
        assertEquals(got.map((r) => r.text), all.map((r) => r.text), `seed ${seed}`);
        if (!restart) assertEquals(tracker.delivered, all.length);
      }
    },
  );
}

Deno.test("ResumeTracker.resumePoint() is undefined before anything was delivered", () => {
  const tracker = new ResumeTracker();
  assertEquals(tracker.resumePoint(), undefined);
  tracker.filter([]);
  assertEquals(tracker.resumePoint(), undefined);
});

Deno.test("ResumeTracker.resumePoint() takes the earliest recent instance, at full precision", () => {
  const tracker = new ResumeTracker({ now: () => 0 });
  tracker.filter([
    rec("a", "2024-01-01T00:00:05.123456789Z", "1"),
    rec("b", "2024-01-01T00:00:03.000000001Z", "2"),
    rec("a", "2024-01-01T00:00:07Z", "3"),
  ]);
  assertEquals(tracker.resumePoint(), { since: "2024-01-01T00:00:03.000000001Z" });
});

Deno.test("ResumeTracker.resumePoint() lets an instance quiet past the window go", () => {
  let now = 0;
  const tracker = new ResumeTracker({ now: () => now, windowMs: 1000 });
  tracker.filter([rec("old", "2024-01-01T00:00:00Z", "1")]);
  now = 5000;
  tracker.filter([rec("new", "2024-01-01T01:00:00.5Z", "2")]);
  assertEquals(tracker.resumePoint(), { since: "2024-01-01T01:00:00.5Z" });
  now = 10_000;
  // Nobody was heard from within the window: the latest timestamp delivered.
  assertEquals(tracker.resumePoint(), { since: "2024-01-01T01:00:00.5Z" });
});

Deno.test("ResumeTracker normalizes offsets and compares instants, not text", () => {
  const tracker = new ResumeTracker({ now: () => 0 });
  tracker.filter([rec("a", "2024-01-01T01:00:00.25+01:00", "1")]);
  assertEquals(tracker.resumePoint(), { since: "2024-01-01T00:00:00.25Z" });
  tracker.beginResume("since");
  const out = tracker.filter([
    rec("a", "2024-01-01T00:00:00.250Z", "1 again"),
    rec("a", "2024-01-01T00:00:00.25Z", "2"),
  ]);
  assertEquals(out.map((r) => r.text), ["2"]);
  assertEquals(tracker.dropped, 1);
});

Deno.test("ResumeTracker.beginResume('cursor') drops nothing and the cursor is remembered", () => {
  const tracker = new ResumeTracker();
  tracker.filter([
    rec("a", "2024-01-01T00:00:00Z", "1", "c1"),
    rec("a", "2024-01-01T00:00:00Z", "2", "c2"),
  ]);
  assertEquals(tracker.cursor, "c2");
  assertEquals(tracker.resumePoint(), { since: "2024-01-01T00:00:00Z", cursor: "c2" });
  tracker.beginResume("cursor");
  const out = tracker.filter([rec("a", "2024-01-01T00:00:00Z", "3", "c3")]);
  assertEquals(out.map((r) => r.text), ["3"]);
  assertEquals(tracker.cursor, "c3");
});

Deno.test("ResumeTracker delivers new instances and untracked records at once", () => {
  const tracker = new ResumeTracker();
  tracker.filter([rec("a", "2024-01-01T00:00:02Z", "a1")]);
  tracker.beginResume("since");
  const gap: LogRecord = { ...rec("", "2024-01-01T00:00:02Z", "missed"), missed: 3 };
  const out = tracker.filter([
    rec("b", "2024-01-01T00:00:01Z", "b-new"),
    rec("a", "", "no timestamp"),
    gap,
    rec("a", "2024-01-01T00:00:02Z", "a1 again"),
    rec("a", "2024-01-01T00:00:02Z", "a2"),
  ]);
  assertEquals(out.map((r) => r.text), ["b-new", "no timestamp", "missed", "a2"]);
});

Deno.test("ResumeTracker.filter() keeps an out-of-order record without moving backwards", () => {
  const tracker = new ResumeTracker();
  tracker.filter([rec("a", "2024-01-01T00:00:05Z", "5"), rec("a", "2024-01-01T00:00:03Z", "3")]);
  assertEquals(tracker.resumePoint()?.since, "2024-01-01T00:00:05Z");
});

Deno.test("ResumeTracker.exportState() round-trips the cursor, counts and how long ago each instance was heard", () => {
  let now = 1000, wall = 1_700_000_000_000;
  const tracker = new ResumeTracker({ now: () => now, wallNow: () => wall, windowMs: 1000 });
  tracker.filter([
    rec("old", "2024-01-01T00:00:00Z", "1"),
    rec("old", "2024-01-01T00:00:00Z", "2"),
  ]);
  now += 5000;
  wall += 5000;
  tracker.filter([rec("new", "2024-01-01T01:00:00.5Z", "3", "c3")]);
  const state = tracker.exportState();
  assertEquals(state, {
    cursor: "c3",
    instances: [
      { instance: "old", timestamp: "2024-01-01T00:00:00Z", count: 2, heardAt: 1_700_000_000_000 },
      {
        instance: "new",
        timestamp: "2024-01-01T01:00:00.5Z",
        count: 1,
        heardAt: 1_700_000_005_000,
      },
    ],
  });
  // A later process, 100 ms of wall time on, on a clock of its own: "old" is still out of the window.
  const later = new ResumeTracker({
    now: () => 0,
    wallNow: () => wall + 100,
    windowMs: 1000,
    state,
  });
  assertEquals(later.resumePoint(), { since: "2024-01-01T01:00:00.5Z", cursor: "c3" });
  later.beginResume("since");
  const out = later.filter([
    rec("old", "2024-01-01T00:00:00Z", "1 again"),
    rec("old", "2024-01-01T00:00:00Z", "2 again"),
    rec("old", "2024-01-01T00:00:00Z", "4"),
    rec("new", "2024-01-01T01:00:00.5Z", "3 again"),
    rec("new", "2024-01-01T01:00:00.6Z", "5"),
  ]);
  assertEquals(out.map((r) => r.text), ["4", "5"]);
});

Deno.test("ResumeTracker refuses a state it cannot resume from", () => {
  const bad = (timestamp: string, count: number) => () =>
    new ResumeTracker({ state: { instances: [{ instance: "a", timestamp, count, heardAt: 0 }] } });
  assertThrows(bad("yesterday", 1), TypeError, 'Cannot resume from timestamp "yesterday"');
  assertThrows(bad("2024-01-01T00:00:00Z", 0), TypeError, "Cannot resume from a count of 0");
});

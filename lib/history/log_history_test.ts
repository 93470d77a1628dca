import { assert, assertEquals, assertRejects, assertStrictEquals, assertThrows } from "@std/assert";
import { InvalidInputError } from "../errors.ts";
import { LogHistory, type LogHistoryOptions } from "./log_history.ts";
import { timestampToNanos } from "../time/timestamp.ts";
import type { LogBatch } from "../types.ts";

/** A clock that returns the given epoch milliseconds in turn, then the last one. */
function clockOf(...ms: number[]): () => number {
  let i = 0;
  return () => ms[Math.min(i++, ms.length - 1)];
}

function history(options: LogHistoryOptions = {}): LogHistory {
  return new LogHistory("fn", "ns", { id: "h1", clock: clockOf(0), ...options });
}

function fill(h: LogHistory, count: number, instance = "i"): void {
  for (let i = 0; i < count; i++) h.append(instance, [`line ${i}`]);
}

async function readAll(h: LogHistory, position: number, instance?: string): Promise<LogBatch[]> {
  return await Array.fromAsync(h.read(position, { follow: false, instance }));
}

function texts(batches: LogBatch[]): string[] {
  return batches.flat().map((r) => r.text);
}

Deno.test("LogHistory.append() numbers and stamps records, strictly increasing", () => {
  const h = history({ clock: clockOf(1000.5, 1000.5, 999, 2000) });
  h.append("a", ["x", "y"]);
  h.append("b", ["z"]);
  h.append("a", ["w"]);
  h.append("a", []);
  assertEquals([h.firstSequence, h.nextSequence, h.length, h.byteLength], [0, 4, 4, 4]);
  assertEquals(h.slice(0), [
    {
      name: "fn",
      namespace: "ns",
      instance: "a",
      timestamp: "1970-01-01T00:00:01.0005Z",
      text: "x",
      cursor: "h1-0",
    },
    {
      name: "fn",
      namespace: "ns",
      instance: "a",
      timestamp: "1970-01-01T00:00:01.000500001Z",
      text: "y",
      cursor: "h1-1",
    },
    {
      name: "fn",
      namespace: "ns",
      instance: "b",
      timestamp: "1970-01-01T00:00:01.000500002Z",
      text: "z",
      cursor: "h1-2",
    },
    {
      name: "fn",
      namespace: "ns",
      instance: "a",
      timestamp: "1970-01-01T00:00:01.000500003Z",
      text: "w",
      cursor: "h1-3",
    },
  ]);
  h.append("a", ["later"]);
  assertEquals(h.at(4)?.timestamp, "1970-01-01T00:00:02Z");
  assertEquals(h.at(5), undefined);
});

Deno.test("LogHistory drops the oldest records beyond maxLines", async () => {
  const h = history({ maxLines: 3 });
  fill(h, 5);
  assertEquals([h.firstSequence, h.nextSequence, h.length], [2, 5, 3]);
  assertEquals(texts(await readAll(h, 0)).slice(1), ["line 2", "line 3", "line 4"]);
  assertEquals(h.at(1), undefined);
  assertEquals(h.slice(0).map((r) => r.cursor), ["h1-2", "h1-3", "h1-4"]);
});

Deno.test("LogHistory drops the oldest records beyond maxBytes, keeping the newest", () => {
  const h = history({ maxBytes: 10 });
  h.append("a", ["12345", "678", "90"]);
  assertEquals([h.length, h.byteLength], [3, 10]);
  h.append("a", ["x"]);
  assertEquals([h.firstSequence, h.byteLength], [1, 6]);
  h.append("a", ["a very long line"]);
  assertEquals([h.firstSequence, h.length, h.byteLength], [4, 1, 16]);
  h.append("a", ["ok"]);
  assertEquals(h.slice(0).map((r) => r.text), ["ok"]);
});

Deno.test("LogHistory.slice() reads across the ring's end and shares equal slices", () => {
  const h = history({ maxLines: 4 });
  fill(h, 6);
  const batch = h.slice(2, 6);
  assertEquals(batch.map((r) => r.text), ["line 2", "line 3", "line 4", "line 5"]);
  assertStrictEquals(h.slice(2, 6), batch);
  assertEquals(h.slice(0, 3).map((r) => r.text), ["line 2"]);
  assertEquals(h.slice(5, 99).map((r) => r.text), ["line 5"]);
  assertEquals(h.slice(6), []);
});

Deno.test("LogHistory.start() finds since by binary search", () => {
  const h = history({ clock: clockOf(1000, 2000, 2000, 3000, 4250) });
  for (const text of ["a", "b", "c", "d", "e"]) h.append("i", [text]);
  // b at 2s, c at 2s + 1ns.
  const at = (since: string) => h.start({ since }).position;
  assertEquals(at("1970-01-01T00:00:00Z"), 0);
  assertEquals(at("1970-01-01T00:00:01Z"), 0);
  assertEquals(at("1970-01-01T00:00:01.5Z"), 1);
  assertEquals(at("1970-01-01T00:00:02.000000001Z"), 2);
  assertEquals(at("1970-01-01T01:00:03+01:00"), 3);
  assertEquals(at("1970-01-01T00:00:04.25Z"), 4);
  assertEquals(at("1970-01-01T00:00:04.250000001Z"), 5);
  let error: unknown;
  try {
    at("yesterday");
  } catch (e) {
    error = e;
  }
  assert(error instanceof InvalidInputError);
});

Deno.test("LogHistory.start() applies tail after since and the instance filter", async () => {
  const h = history({ clock: clockOf(1000, 2000, 3000, 4000, 5000, 6000) });
  for (const [instance, text] of [["a", "1"], ["b", "2"], ["a", "3"], ["b", "4"], ["a", "5"]]) {
    h.append(instance, [text]);
  }
  assertEquals(h.start({ tail: 2 }), { position: 3, fromCursor: false });
  assertEquals(h.start({ tail: 0 }).position, 0);
  assertEquals(h.start({ tail: 99 }).position, 0);
  const a = h.start({ tail: 2, instance: "a" }).position;
  assertEquals(texts(await readAll(h, a, "a")), ["3", "5"]);
  const since = h.start({ since: "1970-01-01T00:00:04Z", tail: 5, instance: "a" }).position;
  assertEquals(texts(await readAll(h, since, "a")), ["5"]);
  assertEquals(texts(await readAll(h, 0, "b")), ["2", "4"]);
  assertEquals(texts(await readAll(h, 0, "nobody")), []);
});

Deno.test("LogHistory.start() resumes after its own cursor while it is held", () => {
  const h = history({ maxLines: 3 });
  fill(h, 5);
  assertEquals(h.start({ cursor: "h1-3", tail: 1 }), { position: 4, fromCursor: true });
  assertEquals(h.start({ cursor: "h1-4" }), { position: 5, fromCursor: true });
  // h1-1 was evicted but the record after it (h1-2) is still held.
  assertEquals(h.start({ cursor: "h1-1" }), { position: 2, fromCursor: true });
  for (const cursor of ["h1-0", "h1-5", "h2-3", "h1-x", "3", "-3", "h1-3-4"]) {
    assertEquals(h.start({ cursor, tail: 1 }), { position: 4, fromCursor: false }, cursor);
  }
});

Deno.test("LogHistory.read() without follow yields batches capped at maxBatch and closes", async () => {
  const h = history({ maxBatch: 4 });
  fill(h, 10);
  const batches = await readAll(h, 0);
  assertEquals(batches.map((b) => b.length), [4, 4, 2]);
  assertEquals(h.followerCount, 0);
  assertEquals(await readAll(h, 10), []);
});

Deno.test("LogHistory.read() with follow wakes on append, one batch per tick", async () => {
  const h = history();
  fill(h, 2);
  const reader = h.read(1, { follow: true }).getReader();
  assertEquals(h.followerCount, 1);
  assertEquals(texts([(await reader.read()).value!]), ["line 1"]);
  const next = reader.read();
  h.append("a", ["x"]);
  h.append("b", ["y", "z"]);
  assertEquals(texts([(await next).value!]), ["x", "y", "z"]);
  await reader.cancel();
  assertEquals(h.followerCount, 0);
});

Deno.test("LogHistory.read() gives a lapped reader one gap record, then the oldest held", async () => {
  const h = history({ maxLines: 4, clock: clockOf(5000) });
  fill(h, 2);
  const reader = h.read(0, { follow: true }).getReader();
  assertEquals(texts([(await reader.read()).value!]), ["line 0", "line 1"]);
  fill(h, 9); // sequences 2..10; 7..10 are held, 2..6 are lost to this reader.
  const gap = (await reader.read()).value!;
  assertEquals(gap.length, 1);
  assertEquals(gap[0].missed, 5);
  assertEquals(gap[0].text, "[fnlogs] 5 lines missed: this reader fell behind");
  assertEquals([gap[0].name, gap[0].namespace, gap[0].instance], ["fn", "ns", ""]);
  assertEquals(gap[0].cursor, "h1-6");
  assertEquals(h.start({ cursor: gap[0].cursor }), { position: 7, fromCursor: true });
  assert(timestampToNanos(gap[0].timestamp) >= 5_000_000_000n);
  assertEquals(texts([(await reader.read()).value!]), ["line 5", "line 6", "line 7", "line 8"]);
  await reader.cancel();
});

Deno.test("LogHistory.read() stops on abort and removes the reader", async () => {
  const h = history();
  const controller = new AbortController();
  const reader = h.read(0, { follow: true, signal: controller.signal }).getReader();
  const pending = reader.read();
  assertEquals(h.followerCount, 1);
  controller.abort(new Error("gone"));
  await assertRejects(() => pending, Error, "gone");
  assertEquals(h.followerCount, 0);
  const aborted = h.read(0, { follow: true, signal: AbortSignal.abort() });
  assertEquals(h.followerCount, 0);
  await assertRejects(() => aborted.getReader().read());
});

Deno.test("LogHistory.read() cancel while waiting removes the reader at once", async () => {
  const h = history();
  const readers = Array.from({ length: 3 }, () => h.read(0, { follow: true }).getReader());
  const pending = readers.map((r) => r.read());
  assertEquals(h.followerCount, 3);
  await readers[0].cancel();
  assertEquals(h.followerCount, 2);
  assertEquals((await pending[0]).done, true);
  h.append("a", ["x"]);
  const [b, c] = await Promise.all(pending.slice(1));
  assertStrictEquals(b.value, c.value); // readers in step share one batch
  for (const r of readers.slice(1)) await r.cancel();
  assertEquals(h.followerCount, 0);
});

Deno.test("LogHistory.close() ends followers after they drain, and ignores appends", async () => {
  const h = history();
  fill(h, 1);
  const waiting = h.read(1, { follow: true });
  const behind = h.read(0, { follow: true });
  const reading = Array.fromAsync(waiting);
  h.close();
  h.append("a", ["ignored"]);
  assertEquals(await reading, []);
  assertEquals(texts(await Array.fromAsync(behind)), ["line 0"]);
  assertEquals([h.closed, h.length, h.followerCount], [true, 1, 0]);
  const late = h.read(1, { follow: true });
  assertEquals(await Array.fromAsync(late), []);
});

Deno.test("LogHistory.close() ends idle readers that are caught up at once", () => {
  const h = history();
  fill(h, 1);
  h.read(1, { follow: true });
  h.read(0, { follow: true });
  assertEquals(h.followerCount, 2);
  h.close();
  assertEquals(h.followerCount, 1); // the one behind keeps its line until it reads it
});

Deno.test("LogHistory holds and reads a million lines", async () => {
  let ms = 1_700_000_000_000;
  const h = new LogHistory("fn", "ns", { maxLines: 1_000_000, maxBytes: 1e9, clock: () => ms++ });
  const lines = Array.from({ length: 1000 }, (_, i) => `line ${i}`);
  for (let i = 0; i < 1001; i++) h.append("a", lines);
  assertEquals([h.firstSequence, h.length], [1000, 1_000_000]);
  let count = 0;
  for await (const batch of h.read(0, { follow: false })) count += batch.length;
  assertEquals(count, 1_000_001); // one gap record, then everything held
  const half = h.start({ since: h.at(500_000)!.timestamp }).position;
  assertEquals(half, 500_000);
});

Deno.test("LogHistory calls onAppend with each append's records and first sequence number", () => {
  const calls: [string[], number][] = [];
  const h = history({
    maxLines: 2,
    onAppend: (records, first) => calls.push([records.map((r) => r.cursor!), first]),
  });
  h.append("a", ["x"]);
  h.append("a", []);
  h.append("b", ["y", "z", "w"]); // More than the ring holds: all of them still pass.
  assertEquals(calls, [[["h1-0"], 0], [["h1-1", "h1-2", "h1-3"], 1]]);
  h.close();
  h.append("a", ["late"]);
  assertEquals(calls.length, 2);
});

Deno.test("LogHistory starts from a seed: sequence, clock, since, tail and former cursors", async () => {
  const seed = {
    nextSequence: 10,
    records: [7, 8, 9].map((n) => ({
      instance: "a",
      timestamp: `1970-01-01T00:00:0${n}Z`,
      text: `old ${n}`,
      seconds: n,
      nanos: 0,
    })),
    formerIds: [{ id: "old", before: 9 }],
  };
  const h = history({ seed, maxLines: 2, clock: clockOf(1000) });
  assertEquals([h.firstSequence, h.nextSequence], [8, 10]);
  assertEquals(h.at(9), {
    name: "fn",
    namespace: "ns",
    instance: "a",
    timestamp: "1970-01-01T00:00:09Z",
    text: "old 9",
    cursor: "h1-9",
  });
  h.append("a", ["new"]); // The clock is behind the seed: 1 ns after it.
  assertEquals(h.at(10)?.timestamp, "1970-01-01T00:00:09.000000001Z");
  assertEquals(h.start({ since: "1970-01-01T00:00:09Z" }).position, 9);
  assertEquals(h.start({ tail: 1 }).position, 10);
  assertEquals(h.start({ cursor: "old-8" }), { position: 9, fromCursor: true });
  assertEquals(h.start({ cursor: "old-9" }).fromCursor, false); // Not below `before`.
  assertEquals(h.start({ cursor: "h1-9" }), { position: 10, fromCursor: true });
  assertEquals(texts(await readAll(h, 9)), ["old 9", "new"]);
  const empty = history({ seed: { nextSequence: 5, records: [] }, clock: clockOf(1000) });
  assertEquals([empty.firstSequence, empty.nextSequence], [5, 5]);
  assertEquals(empty.start({ cursor: "h1-4" }), { position: 5, fromCursor: true });
  assertThrows(() => history({ seed: { nextSequence: 1, records: seed.records } }), RangeError);
});

Deno.test("LogHistory seeded far into its ring finds every record by since", () => {
  // Records 15,000-15,002 land at ring index 5,000 onwards, past the time
  // arrays' first size: each must still be stamped, not dropped at 0.
  const records = [0, 1, 2].map((n) => ({
    instance: "a",
    timestamp: `1970-01-01T00:01:0${n}Z`,
    text: `old ${n}`,
    seconds: 60 + n,
    nanos: 0,
  }));
  const h = history({ seed: { nextSequence: 15_003, records }, maxLines: 10_000 });
  assertEquals(h.start({ since: "1970-01-01T00:00:00Z" }).position, 15_000);
  assertEquals(h.start({ since: "1970-01-01T00:01:01Z" }).position, 15_001);
  assertEquals(h.start({ since: "1970-01-01T00:01:02Z" }).position, 15_002);
});

Deno.test("LogHistory wakes followers at once after a quiet spell, then at most once per wakeIntervalMs", async () => {
  const history = new LogHistory("fn", "ns", { wakeIntervalMs: 60_000 });
  const reader = history.read(0, { follow: true }).getReader();
  const first = reader.read();
  await new Promise((resolve) => setTimeout(resolve, 0)); // The reader waits now.
  history.append("fn-1", ["a"]);
  assertEquals((await first).value?.map((r) => r.text), ["a"]);
  // Within the interval the next lines wait for the next wake: close() is one.
  const next = reader.read();
  await new Promise((resolve) => setTimeout(resolve, 0)); // The reader waits now.
  history.append("fn-1", ["b"]);
  history.append("fn-1", ["c"]);
  let settled = false;
  next.then(() => settled = true);
  await new Promise((resolve) => setTimeout(resolve, 0));
  assertEquals(settled, false);
  history.close();
  assertEquals((await next).value?.map((r) => r.text), ["b", "c"]);
  assertEquals((await reader.read()).done, true);
});

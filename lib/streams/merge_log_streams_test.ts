import { assert, assertEquals, assertRejects } from "@std/assert";
import { LogStreamMerger, mergeLogStreams } from "./merge_log_streams.ts";
import type { LogBatch, LogRecord } from "../types.ts";

function rec(instance: string, millis: number, text = `${instance}${millis}`): LogRecord {
  const ts = new Date(Date.UTC(2024, 0, 1) + millis).toISOString();
  return { name: "fn", namespace: "ns", instance, timestamp: ts, text };
}

function texts(batches: LogBatch[]): string[] {
  return batches.flat().map((r) => r.text);
}

/** A source the test pushes into; it records pulls and cancellation. */
class Pushable {
  readonly stream: ReadableStream<LogBatch>;
  controller!: ReadableStreamDefaultController<LogBatch>;
  cancelled: unknown[] = [];
  constructor() {
    this.stream = new ReadableStream<LogBatch>({
      start: (c) => {
        this.controller = c;
      },
      cancel: (reason) => {
        this.cancelled.push(reason);
      },
    }, { highWaterMark: 0 });
  }
  push(...records: LogRecord[]): void {
    this.controller.enqueue(records);
  }
  end(): void {
    this.controller.close();
  }
}

/** A fake clock whose timers fire only when the test advances it. */
class FakeClock {
  time = 0;
  #timers: { at: number; callback: () => void }[] = [];
  #armed?: () => void;
  now = (): number => this.time;
  setTimer = (callback: () => void, delayMs: number): () => void => {
    const timer = { at: this.time + delayMs, callback };
    this.#timers.push(timer);
    this.#armed?.();
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  };
  get pending(): number {
    return this.#timers.length;
  }
  /** Resolves when a timer is armed (at once if one is). */
  armed(): Promise<void> {
    if (this.#timers.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.#armed = resolve);
  }
  advance(ms: number): void {
    this.time += ms;
    const due = this.#timers.filter((t) => t.at <= this.time);
    this.#timers = this.#timers.filter((t) => t.at > this.time);
    for (const t of due) t.callback();
  }
}

Deno.test("LogStreamMerger orders records of several sources within the window", async () => {
  const clock = new FakeClock();
  const merger = new LogStreamMerger({ now: clock.now, setTimer: clock.setTimer });
  const a = new Pushable(), b = new Pushable();
  merger.add(a.stream);
  merger.add(b.stream);
  const reader = merger.stream.getReader();
  a.push(rec("a", 1000), rec("a", 3000));
  const first = reader.read();
  await clock.armed(); // a's records wait: b has nothing yet
  clock.time = 50;
  b.push(rec("b", 500), rec("b", 2000));
  // Both sources have records waiting: b500 a1000 b2000 leave at once, a3000 waits.
  assertEquals(texts([(await first).value!]), ["b500", "a1000", "b2000"]);
  const second = reader.read();
  await clock.armed();
  clock.advance(50); // a3000 arrived at 0: its window ends at 100
  assertEquals(texts([(await second).value!]), ["a3000"]);
  a.end();
  b.end();
  merger.closeWhenDrained();
  assertEquals(await reader.read(), { done: true, value: undefined });
  assertEquals(clock.pending, 0);
});

Deno.test("LogStreamMerger releases late records in arrival order without loss", async () => {
  const clock = new FakeClock();
  const merger = new LogStreamMerger({ now: clock.now, setTimer: clock.setTimer });
  const a = new Pushable(), b = new Pushable(), c = new Pushable();
  for (const s of [a, b, c]) merger.add(s.stream);
  const reader = merger.stream.getReader();
  const step = async (advance: number) => {
    const read = reader.read();
    await clock.armed();
    clock.advance(advance);
    return texts([(await read).value!]);
  };
  a.push(rec("a", 5000));
  assertEquals(await step(100), ["a5000"]);
  // Far earlier than what already left: released as they come, none lost.
  clock.time = 150;
  b.push(rec("b", 1000));
  c.push(rec("c", 4000), rec("c", 4500));
  assertEquals(await step(100), ["b1000", "c4000", "c4500"]);
  clock.time = 300;
  c.push(rec("c", 900));
  assertEquals(await step(100), ["c900"]);
  await reader.cancel();
  assertEquals(clock.pending, 0);
});

Deno.test("LogStreamMerger never delays a source when every live source has records", async () => {
  const clock = new FakeClock();
  const merger = new LogStreamMerger({ now: clock.now, setTimer: clock.setTimer });
  const a = new Pushable();
  merger.add(a.stream);
  const reader = merger.stream.getReader();
  for (let i = 0; i < 3; i++) {
    a.push(rec("a", i), rec("a", i + 0.5));
    assertEquals((await reader.read()).value!.length, 2);
  }
  assertEquals(clock.pending, 0);
  await reader.cancel();
});

Deno.test("LogStreamMerger follows sources added later and ends after closeWhenDrained", async () => {
  const merger = new LogStreamMerger({ reorderWindowMs: 0 });
  const a = new Pushable();
  merger.add(a.stream);
  const reader = merger.stream.getReader();
  a.push(rec("a", 1));
  assertEquals(texts([(await reader.read()).value!]), ["a1"]);
  a.end();
  const next = reader.read();
  const b = new Pushable();
  merger.add(b.stream);
  b.push(rec("b", 2));
  assertEquals(texts([(await next).value!]), ["b2"]);
  b.end();
  const last = reader.read();
  let ended = false;
  last.then(() => ended = true);
  await Promise.resolve();
  assertEquals(ended, false); // all sources done, but more may be added
  merger.closeWhenDrained();
  assertEquals(await last, { done: true, value: undefined });
  assertEquals(merger.sourceCount, 0);
});

Deno.test("LogStreamMerger with a zero window passes records on in arrival order", async () => {
  const merger = new LogStreamMerger({ reorderWindowMs: 0 });
  const a = new Pushable(), b = new Pushable();
  merger.add(a.stream);
  merger.add(b.stream);
  const reader = merger.stream.getReader();
  a.push(rec("a", 5000));
  assertEquals(texts([(await reader.read()).value!]), ["a5000"]);
  b.push(rec("b", 1000));
  assertEquals(texts([(await reader.read()).value!]), ["b1000"]);
  await reader.cancel();
});

Deno.test("LogStreamMerger cancel cancels every source, and sources added afterwards", async () => {
  const merger = new LogStreamMerger();
  const a = new Pushable(), b = new Pushable(), c = new Pushable();
  merger.add(a.stream);
  merger.add(b.stream);
  const reader = merger.stream.getReader();
  const pending = reader.read();
  await reader.cancel("bye");
  assertEquals((await pending).done, true);
  assertEquals(a.cancelled, ["bye"]);
  assertEquals(b.cancelled, ["bye"]);
  merger.add(c.stream);
  await Promise.resolve();
  assertEquals(c.cancelled.length, 1);
});

Deno.test("LogStreamMerger reads sources only as its reader pulls", async () => {
  let pulls = 0;
  const source = new ReadableStream<LogBatch>({
    pull(controller) {
      pulls++;
      controller.enqueue([rec("a", pulls)]);
    },
  }, { highWaterMark: 0 });
  const merger = new LogStreamMerger();
  merger.add(source);
  await new Promise((resolve) => setTimeout(resolve, 0));
  assertEquals(pulls, 0);
  const reader = merger.stream.getReader();
  for (let i = 1; i <= 10; i++) {
    await reader.read();
    await new Promise((resolve) => setTimeout(resolve, 0));
    assertEquals(pulls, i);
  }
  await reader.cancel();
});

Deno.test("LogStreamMerger bounds what it holds and keeps each source's order", async () => {
  const clock = new FakeClock();
  const merger = new LogStreamMerger({
    reorderWindowMs: 1e9,
    maxHeld: 5,
    now: clock.now,
    setTimer: clock.setTimer,
  });
  const quiet = new Pushable();
  let n = 0;
  merger.add(quiet.stream);
  merger.add(
    new ReadableStream<LogBatch>({
      pull(controller) {
        // Out-of-order timestamps inside one source keep their order.
        controller.enqueue([rec("a", 1000 - n, `a${n++}`), rec("a", 2000, `a${n++}`)]);
      },
    }, { highWaterMark: 0 }),
  );
  const reader = merger.stream.getReader();
  const got: string[] = [];
  while (got.length < 100) {
    const { value } = await reader.read();
    assert(value!.length <= 6);
    got.push(...texts([value!]));
  }
  assertEquals(got.slice(0, 100), Array.from({ length: 100 }, (_, i) => `a${i}`));
  await reader.cancel();
});

Deno.test("LogStreamMerger errors when a source errors and cancels the others", async () => {
  const a = new Pushable();
  const broken = new ReadableStream<LogBatch>({
    pull() {
      throw new Error("boom");
    },
  });
  const merger = new LogStreamMerger();
  merger.add(a.stream);
  merger.add(broken);
  const reader = merger.stream.getReader();
  await assertRejects(() => reader.read(), Error, "boom");
  assertEquals(a.cancelled.length, 1);
});

Deno.test("mergeLogStreams() merges history and ends when every source ends", async () => {
  const merged = mergeLogStreams([
    ReadableStream.from([[rec("a", 1), rec("a", 4)], [rec("a", 6)]]),
    ReadableStream.from([[rec("b", 2)], [rec("b", 3), rec("b", 5)]]),
    ReadableStream.from<LogBatch>([]),
  ]);
  assertEquals(texts(await Array.fromAsync(merged)), ["a1", "b2", "b3", "a4", "b5", "a6"]);
});

Deno.test("mergeLogStreams() orders by the instant whatever the timestamp's form", async () => {
  const at = (instance: string, timestamp: string): LogRecord => ({
    name: "fn",
    namespace: "ns",
    instance,
    timestamp,
    text: timestamp,
  });
  const merged = mergeLogStreams([
    ReadableStream.from([[
      at("a", "2024-01-01T00:00:00.000000001Z"),
      at("a", "2024-01-01T00:00:00.3Z"),
      at("a", "2024-01-01T00:00:01Z"),
    ]]),
    ReadableStream.from([[
      at("b", "not a time"),
      at("b", "2024-01-01T01:00:00.2+01:00"),
      at("b", "2024-01-01T00:00:00.999999999Z"),
    ]]),
  ]);
  assertEquals(texts(await Array.fromAsync(merged)), [
    "not a time",
    "2024-01-01T00:00:00.000000001Z",
    "2024-01-01T01:00:00.2+01:00",
    "2024-01-01T00:00:00.3Z",
    "2024-01-01T00:00:00.999999999Z",
    "2024-01-01T00:00:01Z",
  ]);
});

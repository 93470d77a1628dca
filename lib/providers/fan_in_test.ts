import { assertEquals, assertRejects } from "@std/assert";
import { InstanceFanIn } from "./fan_in.ts";
import type { LogBatch, LogRecord } from "../types.ts";

const rec = (instance: string, second: number): LogRecord => ({
  name: "fn",
  namespace: "ns",
  instance,
  timestamp: `2024-01-01T00:00:${String(second).padStart(2, "0")}Z`,
  text: `${instance}${second}`,
});

/** A source the test writes to, which tells when it was cancelled and why. */
function source() {
  let controller!: ReadableStreamDefaultController<LogBatch>;
  let cancelled!: (reason: unknown) => void;
  const cancel = new Promise<unknown>((resolve) => cancelled = resolve);
  const stream = new ReadableStream<LogBatch>({
    start: (c) => {
      controller = c;
    },
    cancel: (reason) => cancelled(reason),
  });
  return { stream, controller, cancel };
}

Deno.test("InstanceFanIn gives the history in batches, then the merged live records", async () => {
  const history = Array.from({ length: 5000 }, (_, i) => ({ ...rec("h", 0), text: `h${i}` }));
  const stops: string[] = [];
  let started = 0;
  const fanIn = new InstanceFanIn({
    reorderWindowMs: 0,
    start: (f) => {
      started++;
      f.add(ReadableStream.from([[rec("a", 1)], [rec("a", 2)]]));
      f.closeWhenDrained();
      return history;
    },
    onStop: () => stops.push("stopped"),
  });
  await Promise.resolve();
  assertEquals(started, 0); // nothing before the first pull
  const batches = await Array.fromAsync(fanIn.stream);
  assertEquals(batches.map((b) => b.length), [4096, 904, 1, 1]);
  assertEquals(batches.flat().slice(4998).map((r) => r.text), ["h4998", "h4999", "a1", "a2"]);
  assertEquals([started, stops, fanIn.signal.aborted], [1, ["stopped"], true]);
});

Deno.test("InstanceFanIn ends with nothing when no instance was added", async () => {
  const fanIn = new InstanceFanIn({ start: (f) => f.closeWhenDrained() });
  assertEquals(await Array.fromAsync(fanIn.stream), []);
});

Deno.test("InstanceFanIn cancel stops every source, and those added later", async () => {
  const a = source(), b = source(), later = source();
  let stops = 0;
  const fanIn = new InstanceFanIn({ reorderWindowMs: 0, onStop: () => stops++ });
  fanIn.add(a.stream);
  fanIn.add(b.stream);
  const reader = fanIn.stream.getReader();
  const pending = reader.read();
  a.controller.enqueue([rec("a", 1)]);
  assertEquals(await pending, { done: false, value: [rec("a", 1)] });
  await reader.cancel("reader left");
  assertEquals(await Promise.all([a.cancel, b.cancel]), ["reader left", "reader left"]);
  assertEquals([fanIn.signal.aborted, fanIn.signal.reason, stops], [true, "reader left", 1]);
  fanIn.add(later.stream);
  assertEquals(await later.cancel, undefined);
  fanIn.fail(new Error("too late"));
  assertEquals(stops, 1);
});

Deno.test("InstanceFanIn fails with the signal's reason, fail()'s error or a source's", async () => {
  {
    const a = source(), abort = new AbortController();
    const fanIn = new InstanceFanIn({ signal: abort.signal });
    fanIn.add(a.stream);
    const reading = fanIn.stream.getReader().read();
    abort.abort(new Error("client went away"));
    await assertRejects(() => reading, Error, "client went away");
    assertEquals(((await a.cancel) as Error).message, "client went away");
  }
  {
    const a = source();
    const fanIn = new InstanceFanIn();
    fanIn.add(a.stream);
    const reader = fanIn.stream.getReader();
    fanIn.fail(new Error("watch refused"));
    await assertRejects(() => reader.read(), Error, "watch refused");
    assertEquals(((await a.cancel) as Error).message, "watch refused");
    assertEquals(fanIn.signal.aborted, true);
  }
  {
    const a = source(), b = source();
    const fanIn = new InstanceFanIn();
    fanIn.add(a.stream);
    fanIn.add(b.stream);
    const reading = fanIn.stream.getReader().read();
    a.controller.error(new Error("pod log failed"));
    await assertRejects(() => reading, Error, "pod log failed");
    assertEquals(((await b.cancel) as Error).message, "pod log failed");
  }
  {
    const fanIn = new InstanceFanIn({
      start: () => Promise.reject(new Error("history failed")),
    });
    await assertRejects(() => Array.fromAsync(fanIn.stream), Error, "history failed");
    assertEquals(fanIn.signal.aborted, true);
  }
  {
    const abort = new AbortController();
    abort.abort(new Error("gone before"));
    let started = false;
    const fanIn = new InstanceFanIn({ signal: abort.signal, start: () => void (started = true) });
    await assertRejects(() => fanIn.stream.getReader().read(), Error, "gone before");
    assertEquals(started, false);
  }
});

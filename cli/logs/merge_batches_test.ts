import { assertEquals, assertRejects } from "@std/assert";
import { mergeBatches } from "./merge_batches.ts";

Deno.test("mergeBatches() yields items in arrival order and ends when all ended", async () => {
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  async function* slow() {
    await gate;
    yield "slow";
  }
  async function* fast() {
    yield "fast 1";
    yield "fast 2";
    release();
  }
  assertEquals(await Array.fromAsync(mergeBatches([slow(), fast()])), ["fast 1", "fast 2", "slow"]);
});

Deno.test("mergeBatches() rejects when one source fails, after asking the others to stop", async () => {
  const controller = new AbortController();
  async function* busy() {
    await new Promise((resolve) => controller.signal.addEventListener("abort", resolve));
    yield 0;
  }
  async function* failing() {
    yield 1;
    throw new Error("boom");
  }
  await assertRejects(
    () => Array.fromAsync(mergeBatches([busy(), failing()], { onClose: () => controller.abort() })),
    Error,
    "boom",
  );
  assertEquals(controller.signal.aborted, true);
});

Deno.test("mergeBatches() closes busy sources when the consumer stops early", async () => {
  const controller = new AbortController();
  let closed = 0;
  async function* source(name: string) {
    try {
      yield name;
      await new Promise((resolve) => controller.signal.addEventListener("abort", resolve));
    } finally {
      closed++;
    }
  }
  for await (
    const _ of mergeBatches([source("a"), source("b")], { onClose: () => controller.abort() })
  ) {
    break;
  }
  assertEquals(closed, 2);
});

Deno.test("mergeBatches() holds a failure that comes while the consumer is busy, and throws it after", async () => {
  // b fails at once when asked again, while the consumer still holds b's
  // first item (a slow stdout): that used to be an unhandled rejection,
  // which ends a Deno process with a stack trace.
  let consumed = () => {};
  const busy = new Promise<void>((resolve) => consumed = resolve);
  const controller = new AbortController();
  async function* a() {
    await new Promise((resolve) => controller.signal.addEventListener("abort", resolve));
    yield "a";
  }
  async function* b() {
    yield "b";
    throw new Error("404 after a reconnect");
  }
  const seen: string[] = [];
  const run = (async () => {
    for await (const item of mergeBatches([a(), b()], { onClose: () => controller.abort() })) {
      seen.push(item);
      await busy;
    }
  })();
  // One turn of the event loop while the consumer is held: b's failure
  // settles, and Deno checks for unhandled rejections at the turn's end.
  await new Promise((resolve) => setTimeout(resolve, 0));
  consumed();
  await assertRejects(() => run, Error, "404 after a reconnect");
  assertEquals(seen, ["b"]);
});

Deno.test("mergeBatches() takes ready sources in turn: a busy one does not starve the others", async () => {
  async function* always(name: string) {
    for (let i = 0; i < 1000; i++) yield name;
  }
  const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
  let taken = 0;
  for await (const name of mergeBatches([always("a"), always("b"), always("c")])) {
    counts[name]++;
    // A consumer slower than the sources (stdout backed up): all are ready.
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (++taken === 30) break;
  }
  assertEquals(counts, { a: 10, b: 10, c: 10 });
});

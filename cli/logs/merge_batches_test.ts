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

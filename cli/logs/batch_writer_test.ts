import { assertEquals, assertRejects } from "@std/assert";
import { BatchWriter } from "./batch_writer.ts";

Deno.test("BatchWriter.write() keeps one write in flight while the caller goes on", async () => {
  const started: string[] = [];
  let finish!: () => void;
  const writer = new BatchWriter(
    new WritableStream({
      write: (c) => {
        started.push(new TextDecoder().decode(c));
        return new Promise<void>((resolve) => finish = resolve);
      },
    }),
  );
  assertEquals(await writer.write("a"), true); // Started, not finished.
  assertEquals(started, ["a"]);
  const second = writer.write("b"); // Waits for "a".
  let settled = false;
  second.then(() => settled = true);
  await new Promise((resolve) => setTimeout(resolve, 0));
  assertEquals(settled, false);
  finish();
  assertEquals(await second, true);
  await new Promise((resolve) => setTimeout(resolve, 0));
  assertEquals(started, ["a", "b"]);
  finish();
  await writer.release();
});

Deno.test("BatchWriter.write() keeps call order and skips empty text", async () => {
  const chunks: string[] = [];
  const writer = new BatchWriter(
    new WritableStream({ write: (c) => void chunks.push(new TextDecoder().decode(c)) }),
  );
  writer.post("a");
  assertEquals(await writer.write("b"), true);
  assertEquals(await writer.write(""), true);
  writer.post("c");
  await writer.release();
  assertEquals(chunks, ["a", "b", "c"]);
});

Deno.test("BatchWriter.write() turns a broken pipe into false, and stays closed", async () => {
  let calls = 0;
  const writer = new BatchWriter(
    new WritableStream({
      write() {
        calls++;
        throw new Deno.errors.BrokenPipe("Broken pipe (os error 32)");
      },
    }),
  );
  // The failure of a write shows on the next one (one write is in flight at a time).
  assertEquals(await writer.write("x"), true);
  assertEquals(await writer.write("y"), false);
  assertEquals(writer.closed, true);
  assertEquals(await writer.write("z"), false);
  assertEquals(calls, 1);
  await writer.release();
});

Deno.test("BatchWriter.write() rethrows other write errors", async () => {
  const writer = new BatchWriter(
    new WritableStream({
      write() {
        throw new Deno.errors.PermissionDenied("no");
      },
    }),
  );
  assertEquals(await writer.write("x"), true);
  await assertRejects(() => writer.write("y"), Deno.errors.PermissionDenied);
  await writer.release();
});

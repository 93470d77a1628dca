import { assertEquals, assertRejects } from "@std/assert";
import { BatchWriter } from "./batch_writer.ts";

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
  assertEquals(await writer.write("x"), false);
  assertEquals(writer.closed, true);
  assertEquals(await writer.write("y"), false);
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
  await assertRejects(() => writer.write("x"), Deno.errors.PermissionDenied);
  await writer.release();
});

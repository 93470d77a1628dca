import { assertEquals, assertRejects } from "@std/assert";
import { BatchWriter } from "./batch_writer.ts";

const decode = (chunk: Uint8Array) => new TextDecoder().decode(chunk);

/** A sink whose writes finish only when the test says so. */
function gatedSink() {
  const started: string[] = [];
  const finishers: (() => void)[] = [];
  const stream = new WritableStream<Uint8Array>({
    write: (chunk) => {
      started.push(decode(chunk));
      return new Promise<void>((resolve) => finishers.push(resolve));
    },
  });
  return { stream, started, finish: () => finishers.shift()?.() };
}

/** A clock the test moves. */
function clock() {
  let t = 1_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

Deno.test("BatchWriter.write() writes a line that comes alone at once", async () => {
  const chunks: string[] = [];
  const time = clock();
  const writer = new BatchWriter(
    new WritableStream({ write: (c) => void chunks.push(decode(c)) }),
    { now: time.now },
  );
  assertEquals(await writer.write("a\n"), true);
  await Promise.resolve();
  assertEquals(chunks, ["a\n"]);
  time.advance(5);
  assertEquals(await writer.write("b\n"), true);
  await writer.release();
  assertEquals(chunks, ["a\n", "b\n"]);
});

Deno.test("BatchWriter.write() holds a burst and writes it in one piece", async () => {
  const sink = gatedSink();
  const time = clock();
  const writer = new BatchWriter(sink.stream, { now: time.now, coalesceMs: 1 });
  await writer.write("1\n"); // Alone: written at once, and in flight.
  for (let i = 2; i <= 5; i++) {
    time.advance(0.01);
    assertEquals(await writer.write(`${i}\n`), true); // Held behind the write in flight.
  }
  assertEquals(sink.started, ["1\n"]);
  sink.finish();
  await new Promise((resolve) => setTimeout(resolve, 0));
  assertEquals(sink.started, ["1\n", "2\n3\n4\n5\n"]);
  sink.finish();
  await writer.release();
});

Deno.test("BatchWriter.write() writes a held burst once it is coalesceMs old, or at maxHeldChars", async () => {
  const chunks: string[] = [];
  const time = clock();
  const writer = new BatchWriter(
    new WritableStream({ write: (c) => void chunks.push(decode(c)) }),
    { now: time.now, coalesceMs: 1, maxHeldChars: 6 },
  );
  time.advance(10);
  await writer.write("a\n"); // Alone.
  await new Promise((resolve) => setTimeout(resolve, 0));
  time.advance(0.1);
  await writer.write("b\n"); // Close behind: held.
  time.advance(0.1);
  await writer.write("c\n");
  assertEquals(chunks, ["a\n"]);
  time.advance(1);
  await writer.write("d\n"); // The first held text is over 1 ms old.
  await new Promise((resolve) => setTimeout(resolve, 0));
  assertEquals(chunks, ["a\n", "b\nc\nd\n"]);
  time.advance(0.1);
  await writer.write("eee\n");
  time.advance(0.1);
  await writer.write("ff\n"); // 7 characters held: over maxHeldChars.
  await new Promise((resolve) => setTimeout(resolve, 0));
  assertEquals(chunks, ["a\n", "b\nc\nd\n", "eee\nff\n"]);
  time.advance(0.1);
  await writer.write("g\n"); // Held; the timer writes it when no more comes.
  await new Promise((resolve) => setTimeout(resolve, 5));
  assertEquals(chunks.at(-1), "g\n");
  await writer.release();
});

Deno.test("BatchWriter keeps call order with notices and skips empty text", async () => {
  const chunks: string[] = [];
  const writer = new BatchWriter(
    new WritableStream({ write: (c) => void chunks.push(decode(c)) }),
  );
  writer.post("a");
  assertEquals(await writer.write("b"), true);
  assertEquals(await writer.write(""), true);
  writer.post("c");
  await writer.release();
  assertEquals(chunks.join(""), "abc");
});

Deno.test("BatchWriter.write() turns a broken pipe into false, says so once, and stays closed", async () => {
  let calls = 0;
  let closedCalls = 0;
  const writer = new BatchWriter(
    new WritableStream({
      write() {
        calls++;
        throw new Deno.errors.BrokenPipe("Broken pipe (os error 32)");
      },
    }),
  );
  writer.onClosed(() => closedCalls++);
  assertEquals(await writer.write("x"), true); // Not known yet: the write is in flight.
  await new Promise((resolve) => setTimeout(resolve, 0));
  assertEquals([writer.closed, closedCalls], [true, 1]);
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
  assertEquals(await writer.write("x"), true);
  await new Promise((resolve) => setTimeout(resolve, 0));
  await assertRejects(() => writer.write("y"), Deno.errors.PermissionDenied);
  await writer.release();
});

Deno.test("BatchWriter.write() waits when four times maxHeldChars are held behind a slow write", async () => {
  const sink = gatedSink();
  const time = clock();
  const writer = new BatchWriter(sink.stream, { now: time.now, maxHeldChars: 4 });
  await writer.write("aaaa"); // In flight.
  time.advance(0.01);
  await writer.write("bbbbbbbb");
  time.advance(0.01);
  let done = false;
  const waiting = writer.write("cccccccc").then(() => done = true); // 16 held: waits.
  await new Promise((resolve) => setTimeout(resolve, 0));
  assertEquals(done, false);
  sink.finish();
  await waiting;
  assertEquals(sink.started, ["aaaa", "bbbbbbbbcccccccc"]);
  sink.finish();
  await writer.release();
});

Deno.test("BatchWriter.write(text, onWritten) calls back once that text's write completed, then awaits afterEachWrite before the next write", async () => {
  const sink = gatedSink();
  const time = clock();
  const log: string[] = [];
  let saved: (() => void) | undefined;
  const writer = new BatchWriter(sink.stream, { now: time.now });
  writer.afterEachWrite(() => {
    log.push("save");
    return new Promise<void>((resolve) => saved = resolve);
  });
  await writer.write("", () => log.push("nothing pending")); // Called at once.
  await writer.write("a\n", () => log.push("a")); // Alone: in flight.
  time.advance(0.01);
  await writer.write("b\n", () => log.push("b")); // Held.
  await writer.write("", () => log.push("after b")); // Behind b.
  assertEquals(log, ["nothing pending"]);
  sink.finish();
  await new Promise((resolve) => setTimeout(resolve, 0));
  // a's write completed and its save runs; b waits for the save.
  assertEquals([log, sink.started], [["nothing pending", "a", "save"], ["a\n"]]);
  saved?.();
  await new Promise((resolve) => setTimeout(resolve, 0));
  assertEquals(sink.started, ["a\n", "b\n"]);
  sink.finish();
  await new Promise((resolve) => setTimeout(resolve, 0));
  assertEquals(log, ["nothing pending", "a", "save", "b", "after b", "save"]);
  saved?.();
  await writer.release();
});

Deno.test("BatchWriter never calls onWritten for text the reader did not take", async () => {
  const called: string[] = [];
  let writes = 0;
  const writer = new BatchWriter(
    new WritableStream({
      write: () => {
        if (writes++ > 0) throw new Deno.errors.BrokenPipe("Broken pipe (os error 32)");
      },
    }),
    { coalesceMs: 0 },
  );
  await writer.write("a\n", () => called.push("a"));
  await new Promise((resolve) => setTimeout(resolve, 0));
  await writer.write("b\n", () => called.push("b"));
  await new Promise((resolve) => setTimeout(resolve, 0));
  assertEquals(await writer.write("c\n", () => called.push("c")), false);
  await writer.write("", () => called.push("d"));
  await writer.release();
  assertEquals([called, writer.closed], [["a"], true]);
});

Deno.test("BatchWriter throws afterEachWrite's failure from the next call", async () => {
  const writer = new BatchWriter(new WritableStream());
  writer.afterEachWrite(() => Promise.reject(new Error("disk full")));
  await writer.write("a\n");
  await new Promise((resolve) => setTimeout(resolve, 0));
  await assertRejects(() => writer.write("b\n"), Error, "disk full");
  await writer.release();
});

import { assertEquals, assertThrows } from "@std/assert";
import { RateLimitStream } from "./rate_limit_stream.ts";
import { drive, line } from "../../tests/helpers/batch_stage.ts";
import { ManualTimers } from "../../tests/helpers/manual_timers.ts";

Deno.test("RateLimitStream keeps N lines per second per function, and every warning", async () => {
  let now = 0;
  const timers = new ManualTimers();
  const dropped: [string, number][] = [];
  const stage = drive(
    new RateLimitStream({
      perSecond: 3,
      now: () => now,
      setTimer: timers.set,
      onDropped: (name, count) => dropped.push([name, count]),
    }),
  );
  const burst = (name: string) =>
    ["1", "2", "3", "4", '{"level":"warn","msg":"5"}', "ERROR 6", "7"].map((t) =>
      line(t, 0, `${name}-1`, name)
    );
  assertEquals(await stage.write([...burst("a"), ...burst("b")]), [
    "1",
    "2",
    "3",
    '{"level":"warn","msg":"5"}',
    "ERROR 6",
    "1",
    "2",
    "3",
    '{"level":"warn","msg":"5"}',
    "ERROR 6",
  ]);
  assertEquals(dropped, []);
  timers.fireAll();
  assertEquals(dropped, [["a", 2], ["b", 2]]);
  // Half a second later, one and a half tokens came back.
  now = 500;
  assertEquals(await stage.write(["8", "9", "10"].map((t) => line(t, 0, "a-1", "a"))), ["8"]);
  assertEquals(await stage.close(), []);
  assertEquals(dropped, [["a", 2], ["b", 2], ["a", 2]]);
});

Deno.test("RateLimitStream reports drops when the reader cancels, and refuses a rate of 0", async () => {
  const dropped: number[] = [];
  const stream = new RateLimitStream({
    perSecond: 1,
    now: () => 0,
    onDropped: (_, n) => dropped.push(n),
  });
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  const reading = reader.read();
  await writer.write([line("a"), line("b"), line("c")]);
  assertEquals((await reading).value?.map((r) => r.text), ["a"]);
  await reader.cancel();
  assertEquals(dropped, [2]);
  assertThrows(() => new RateLimitStream({ perSecond: 0, onDropped: () => {} }), RangeError);
});

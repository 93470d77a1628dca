import { assertEquals, assertStrictEquals, assertThrows } from "@std/assert";
import { LogHistory } from "../history/log_history.ts";
import {
  END,
  type PollSource,
  pollSourceOf,
  PollSourceStream,
  pollSourceStream,
  readerPollSource,
} from "./poll_source.ts";
import type { LogBatch } from "../types.ts";

const waitFor = <T>(source: PollSource<T>) => new Promise<void>((resolve) => source.wait(resolve));

Deno.test("pollSourceStream() reads what poll gives, waits when it gives nothing, and forwards a cancel", async () => {
  const items: (number | undefined)[] = [1, undefined, 2];
  let wake: (() => void) | undefined;
  let waited!: () => void;
  const waiting = new Promise<void>((resolve) => waited = resolve);
  let cancelled: unknown;
  const source: PollSource<number> = {
    poll: () => items.length === 0 ? END : items.shift(),
    wait: (ready) => {
      wake = ready;
      waited();
    },
    cancel: (reason) => cancelled = reason,
  };
  const reader = pollSourceStream(source).getReader();
  assertEquals(await reader.read(), { done: false, value: 1 });
  const second = reader.read();
  await waiting;
  wake!(); // poll gave nothing: the stream waits until woken
  assertEquals(await second, { done: false, value: 2 });
  await reader.cancel("bye");
  assertEquals(cancelled, "bye");
});

Deno.test("pollSourceOf() gives the source of our own unlocked streams only, and locks the stream", () => {
  const source: PollSource<number> = { poll: () => END, wait() {}, cancel() {} };
  const ours = pollSourceStream(source);
  assertStrictEquals(pollSourceOf(ours), source);
  assertEquals(ours.locked, true);
  assertEquals(pollSourceOf(ours), undefined); // locked: someone else reads it
  assertEquals(pollSourceOf(ReadableStream.from([1])), undefined);
});

Deno.test("a stream piped on from a PollSourceStream is off the lane, in its type and when run", () => {
  const ours = pollSourceStream<number>({ poll: () => END, wait() {}, cancel() {} });
  assertEquals(ours instanceof PollSourceStream, true);
  // @ts-expect-error pipeThrough makes a plain ReadableStream: leaving the lane is a type error.
  const piped: PollSourceStream<number> = ours.pipeThrough(new TransformStream());
  assertEquals(pollSourceOf(piped), undefined);
});

Deno.test("readerPollSource() polls a plain stream: items, its error, and the end", async () => {
  const source = readerPollSource(ReadableStream.from(["a", "b"]));
  const seen: string[] = [];
  for (;;) {
    const item = source.poll();
    if (item === END) break;
    if (item === undefined) await waitFor(source);
    else seen.push(item);
  }
  assertEquals(seen, ["a", "b"]);
  assertEquals(source.poll(), END); // and stays ended

  const failing = readerPollSource(
    new ReadableStream<string>({ pull: (c) => c.error(new Error("upstream broke")) }),
  );
  assertEquals(failing.poll(), undefined);
  await waitFor(failing);
  assertThrows(() => failing.poll(), Error, "upstream broke");
});

Deno.test("readerPollSource() cancels the stream it reads and wakes its waiter", async () => {
  let cancelled: unknown;
  const stream = new ReadableStream<string>({ cancel: (reason) => void (cancelled = reason) });
  const source = readerPollSource(stream);
  const woken = waitFor(source); // a read is pending: the stream never yields
  source.cancel("client went away");
  await woken;
  assertEquals(cancelled, "client went away");
  assertEquals(source.poll(), END);
});

Deno.test("a history follower calls its waiter once per wake, and not again when cancelled", async () => {
  const history = new LogHistory("fn", "ns", { wakeIntervalMs: 0 });
  const follower = pollSourceOf(history.read(0, { follow: true }))!;
  assertEquals(follower.poll(), undefined);
  let calls = 0;
  let woken!: () => void;
  const wokenOnce = new Promise<void>((resolve) => woken = resolve);
  follower.wait(() => {
    calls++;
    woken();
  });
  history.append("fn-1", ["one", "two"]);
  await wokenOnce;
  const batch = follower.poll() as LogBatch;
  assertEquals(batch.map((r) => r.text), ["one", "two"]);
  assertEquals(follower.poll(), undefined);
  follower.cancel();
  history.append("fn-1", ["three"]);
  await new Promise((resolve) => setTimeout(resolve, 0));
  assertEquals(calls, 1);
  assertEquals(follower.poll(), END);
  assertEquals(history.followerCount, 0);
});

Deno.test("a history follower that is caught up ends when the history closes; one behind ends once it catches up", async () => {
  const history = new LogHistory("fn", "ns", { wakeIntervalMs: 0 });
  history.append("fn-1", ["one"]);
  const behind = pollSourceOf(history.read(0, { follow: true }))!;
  const caughtUp = pollSourceOf(history.read(1, { follow: true }))!;
  assertEquals(caughtUp.poll(), undefined);
  const closed = waitFor(caughtUp);
  history.close();
  await closed;
  assertEquals(caughtUp.poll(), END);
  assertEquals(history.followerCount, 1);
  assertEquals((behind.poll() as LogBatch).map((r) => r.text), ["one"]);
  assertEquals(behind.poll(), END);
  assertEquals(history.followerCount, 0);
});

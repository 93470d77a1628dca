import { isGone as gone } from "../../../tests/helpers/process_state.ts";
import { assert, assertEquals, assertMatch, assertRejects, assertStrictEquals } from "@std/assert";
import { FunctionNotFoundError, InvalidInputError } from "../../errors.ts";
import { LocalProvider, type LocalProviderOptions } from "./provider.ts";
import { parseStackFile } from "./stack_file.ts";
import { timestampToNanos } from "../../time/timestamp.ts";
import type { LogBatch, LogRecord } from "../../types.ts";

async function start(yaml: string, options: LocalProviderOptions = {}): Promise<LocalProvider> {
  const dir = Deno.makeTempDirSync();
  return await LocalProvider.start(parseStackFile(yaml, dir), {
    restartDelay: { initialMs: 1, maxMs: 4 },
    stopGraceMs: 200,
    ...options,
  });
}

/** Reads until `done(records so far)` holds; returns the records and the batches. */
async function readUntil(
  reader: ReadableStreamDefaultReader<LogBatch>,
  done: (records: LogRecord[]) => boolean,
): Promise<{ records: LogRecord[]; batches: LogBatch[] }> {
  const records: LogRecord[] = [];
  const batches: LogBatch[] = [];
  while (!done(records)) {
    const { value, done: ended } = await reader.read();
    if (ended) throw new Error(`stream ended after ${JSON.stringify(records)}`);
    assert(value.length > 0, "empty batch");
    batches.push(value);
    records.push(...value);
  }
  return { records, batches };
}

const has = (text: string) => (records: LogRecord[]) => records.some((r) => r.text === text);

Deno.test("LocalProvider serves stdout and stderr lines with strictly increasing timestamps", async () => {
  const provider = await start(`
functions:
  echo:
    environment: { GREETING: hello }
    fnlogs:
      command: >-
        echo "$GREETING from $FNLOGS_FUNCTION $FNLOGS_INSTANCE"; echo e1 >&2; echo o2;
        echo e2 >&2; printf 'm1\\nm2\\nm3\\n'; echo end; exec sleep 300
`);
  try {
    const { stream, fromCursor } = await provider.openLogs({ name: "echo", follow: true });
    assertEquals(fromCursor, false);
    const reader = stream.getReader();
    const { records } = await readUntil(reader, (r) => r.length >= 8);
    const [instance] = (await provider.listFunctions(undefined))[0].instances!;
    assertMatch(instance, /^echo-[a-z0-9]{5}$/);
    assertEquals(
      records.map((r) => r.text).toSorted(),
      ["e1", "e2", "end", `hello from echo ${instance}`, "m1", "m2", "m3", "o2"],
    );
    let last = 0n;
    for (const r of records) {
      assertEquals([r.name, r.namespace, r.instance], ["echo", "openfaas-fn", instance]);
      const nanos = timestampToNanos(r.timestamp);
      assert(nanos > last, `${r.timestamp} is not after the previous record`);
      last = nanos;
      assertMatch(r.cursor!, /^[a-z0-9]{10}-\d+$/);
    }
    await reader.cancel();
  } finally {
    await provider.close();
  }
});

Deno.test("LocalProvider runs deno commands and names each replica", async () => {
  const provider = await start(`
functions:
  hi:
    fnlogs:
      command: ["deno", "eval", "console.log('argv ' + Deno.pid)"]
      replicas: 2
      restart: never
  sh:
    fnlogs: { command: "deno eval \\"console.log('path')\\"", restart: never }
`);
  try {
    const read = async (name: string, lines: number) => {
      const reader = (await provider.openLogs({ name, follow: true })).stream.getReader();
      const { records } = await readUntil(reader, (r) => r.length >= lines);
      await reader.cancel();
      return records;
    };
    const hi = await read("hi", 4);
    const instances = new Set(hi.map((r) => r.instance));
    assertEquals(instances.size, 2);
    for (const i of instances) assertMatch(i, /^hi-[a-z0-9]{5}$/);
    assertEquals(hi.filter((r) => r.text.startsWith("argv ")).length, 2);
    assertEquals((await read("sh", 1))[0].text, "path");
  } finally {
    await provider.close();
  }
});

Deno.test("LocalProvider.openLogs() applies tail, then follows live lines", async () => {
  const provider = await start(`
functions:
  five:
    fnlogs: { command: "for i in 1 2 3 4 5; do echo line$i; done; exec sleep 300" }
`);
  try {
    const all = (await provider.openLogs({ name: "five", follow: true })).stream.getReader();
    await readUntil(all, has("line5"));
    await all.cancel();
    const { stream } = await provider.openLogs({ name: "five", follow: true, tail: 2 });
    const reader = stream.getReader();
    const first = await readUntil(reader, (r) => r.length >= 2);
    assertEquals(first.records.map((r) => r.text), ["line4", "line5"]);
    const instance = first.records[0].instance;
    provider.publish("five", instance, ["live 1", "live 2"]);
    const live = await readUntil(reader, (r) => r.length >= 2);
    assertEquals(live.batches.map((b) => b.map((r) => r.text)), [["live 1", "live 2"]]);
    await reader.cancel();
    const other = await provider.openLogs({ name: "five", follow: false, instance: "nobody" });
    assertEquals(await Array.fromAsync(other.stream), []);
  } finally {
    await provider.close();
  }
});

Deno.test("LocalProvider.openLogs() without follow yields the history and closes", async () => {
  const provider = await start("functions: { fn: {} }", { spawn: false, maxBatch: 2 });
  provider.publish("fn", "fn-aaaaa", ["a", "b", "c"]);
  provider.publish("fn", "fn-bbbbb", ["d"]);
  const { stream } = await provider.openLogs({ name: "fn", follow: false });
  const batches = await Array.fromAsync(stream);
  assertEquals(batches.map((b) => b.map((r) => r.text)), [["a", "b"], ["c", "d"]]);
  const since = batches[1][1].timestamp;
  const fromSince = await provider.openLogs({ name: "fn", follow: false, since });
  assertEquals((await Array.fromAsync(fromSince.stream)).flat().map((r) => r.text), ["d"]);
  const mine = await provider.openLogs({
    name: "fn",
    follow: false,
    instance: "fn-aaaaa",
    tail: 2,
  });
  assertEquals((await Array.fromAsync(mine.stream)).flat().map((r) => r.text), ["b", "c"]);
  assertEquals(provider.followerCount("fn"), 0);
  await provider.close();
});

Deno.test("LocalProvider.openLogs() resumes after a cursor it holds", async () => {
  const provider = await start("functions: { fn: {} }", { spawn: false, maxLines: 3 });
  provider.publish("fn", "fn-aaaaa", ["a", "b", "c"]);
  const read = async (cursor: string) => {
    const source = await provider.openLogs({ name: "fn", follow: false, tail: 1, cursor });
    return [source.fromCursor, (await Array.fromAsync(source.stream)).flat().map((r) => r.text)];
  };
  const records = (await Array.fromAsync(
    (await provider.openLogs({
      name: "fn",
      follow: false,
    })).stream,
  )).flat();
  assertEquals(await read(records[0].cursor!), [true, ["b", "c"]]);
  provider.publish("fn", "fn-aaaaa", ["d", "e"]);
  assertEquals(await read(records[0].cursor!), [false, ["e"]]);
  assertEquals(await read(records[2].cursor!), [true, ["d", "e"]]);
  assertEquals(await read("elsewhere-1"), [false, ["e"]]);
  await provider.close();
});

Deno.test("LocalProvider restarts a crashing replica and logs the restart", async () => {
  const provider = await start(`
functions:
  crash:
    fnlogs: { command: "echo started; exit 3" }
`);
  try {
    const { stream } = await provider.openLogs({ name: "crash", follow: true });
    const reader = stream.getReader();
    const { records } = await readUntil(
      reader,
      (r) => r.filter((x) => x.text === "started").length >= 2,
    );
    const instance = records[0].instance;
    assertEquals(records.slice(0, 2).map((r) => r.text), [
      "started",
      `[fnlogs] ${instance} exited with code 3; restarting in 1ms`,
    ]);
    assertMatch(records[2].text, new RegExp(`^\\[fnlogs\\] ${instance} started \\(pid \\d+\\)$`));
    assertEquals(records[3].text, "started");
    await reader.cancel();
  } finally {
    await provider.close();
  }
});

Deno.test("LocalProvider removes a follower at once on cancel or abort", async () => {
  const provider = await start("functions: { fn: {} }", { spawn: false });
  const { stream } = await provider.openLogs({ name: "fn", follow: true });
  const reader = stream.getReader();
  const pending = reader.read();
  assertEquals(provider.followerCount("fn"), 1);
  await reader.cancel();
  assertEquals(provider.followerCount("fn"), 0);
  assertEquals((await pending).done, true);

  const controller = new AbortController();
  const aborted = await provider.openLogs({ name: "fn", follow: true }, {
    signal: controller.signal,
  });
  const read = aborted.stream.getReader().read();
  assertEquals(provider.followerCount("fn"), 1);
  controller.abort();
  await assertRejects(() => read);
  assertEquals(provider.followerCount("fn"), 0);
  await assertRejects(
    () => provider.openLogs({ name: "fn", follow: true }, { signal: controller.signal }),
  );
  assertEquals(provider.followerCount("fn"), 0);
  await provider.close();
});

Deno.test("LocalProvider.close() kills every child and ends follow streams cleanly", async () => {
  const events: string[] = [];
  const provider = await start(
    `
functions:
  stubborn:
    fnlogs:
      command: "trap '' TERM; sleep 300 & echo helper $!; while :; do sleep 1; done"
      replicas: 2
  calm:
    fnlogs: { command: "echo ready; exec sleep 300" }
`,
    { onEvent: (e) => events.push(`${e.type} ${e.instance}`) },
  );
  const stubborn = (await provider.openLogs({ name: "stubborn", follow: true })).stream;
  const calm = (await provider.openLogs({ name: "calm", follow: true })).stream;
  const s = stubborn.getReader();
  const helpers =
    (await readUntil(s, (r) => r.filter((x) => x.text.startsWith("helper")).length === 2))
      .records.map((r) => Number(r.text.split(" ")[1]));
  const c = calm.getReader();
  await readUntil(c, has("ready"));
  const pids = [...provider.pids("stubborn"), ...provider.pids("calm")];
  assertEquals(pids.length, 3);
  for (const pid of [...pids, ...helpers]) assert(!gone(pid), `${pid} is not running`);
  const info = await provider.listFunctions(undefined);
  assertEquals(info.map((f) => [f.name, f.replicas, f.availableReplicas]), [
    ["stubborn", 2, 2],
    ["calm", 1, 1],
  ]);

  const rest = Array.fromAsync({ [Symbol.asyncIterator]: () => iterate(s) });
  await provider.close();
  for (const pid of [...pids, ...helpers]) assert(gone(pid), `${pid} still runs`);
  const tail = (await rest).flat().map((r) => r.text);
  assertEquals(tail.filter((t) => t.endsWith("exited on signal SIGKILL; stopped")).length, 2);
  assertEquals(provider.followerCount("stubborn"), 0);
  // calm's reader has not read its stop notice yet: it stays open until it has.
  assertEquals(provider.followerCount("calm"), 1);
  const calmRest = (await Array.fromAsync({ [Symbol.asyncIterator]: () => iterate(c) })).flat();
  assertMatch(calmRest[0].text, /^\[fnlogs\] calm-[a-z0-9]{5} exited on signal SIGTERM; stopped$/);
  assertEquals(provider.followerCount("calm"), 0);
  assertEquals(events.filter((e) => e.startsWith("exited")).length, 3);
  assertEquals(provider.pids("stubborn"), []);
  await provider.close();
});

async function* iterate<T>(reader: ReadableStreamDefaultReader<T>): AsyncGenerator<T> {
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    yield value;
  }
}

Deno.test("LocalProvider rejects unknown functions and other namespaces", async () => {
  const provider = await start(
    `
functions:
  fn:
    image: fn:latest
    labels: { team: a }
    namespace: dev
  other:
    namespace: prod
`,
    { spawn: false },
  );
  assertEquals(provider.defaultNamespace, "openfaas-fn");
  await assertRejects(
    () => provider.openLogs({ name: "nope", follow: false }),
    FunctionNotFoundError,
    `Function "nope" not found in namespace "openfaas-fn"`,
  );
  await assertRejects(
    () => provider.openLogs({ name: "fn", follow: false }),
    FunctionNotFoundError,
  );
  await assertRejects(
    () => provider.openLogs({ name: "fn", namespace: "prod", follow: false }),
    FunctionNotFoundError,
    `namespace "prod"`,
  );
  const ok = await provider.openLogs({ name: "fn", namespace: "dev", follow: false });
  assertEquals(await Array.fromAsync(ok.stream), []);
  assertEquals(await provider.listFunctions("dev"), [{
    name: "fn",
    namespace: "dev",
    replicas: 0,
    availableReplicas: 0,
    image: "fn:latest",
    labels: { team: "a" },
    instances: [],
  }]);
  assertEquals(await provider.listFunctions(undefined), []);
  assertEquals(provider.functionNames(), ["fn", "other"]);
  assertEquals([provider.kind, provider.resumesByCursor], ["local", true]);
  assertEquals(provider.followerCount("nope"), 0);
  let error: unknown;
  try {
    provider.publish("nope", "x", ["y"]);
  } catch (e) {
    error = e;
  }
  assert(error instanceof FunctionNotFoundError);
  await provider.close();
});

Deno.test("LocalProvider.start() reports a missing working directory", async () => {
  const stack = parseStackFile(
    "functions: { fn: { fnlogs: { command: 'true', cwd: nope } } }",
    "/",
  );
  await assertRejects(
    () => LocalProvider.start(stack),
    InvalidInputError,
    `function "fn": working directory "/nope" does not exist`,
  );
});

Deno.test("LocalProvider shares one batch between followers in step", async () => {
  const provider = await start("functions: { fn: {} }", { spawn: false });
  const readers = await Promise.all(
    [1, 2, 3].map(async () =>
      (await provider.openLogs({ name: "fn", follow: true })).stream.getReader()
    ),
  );
  const reads = readers.map((r) => r.read());
  provider.publish("fn", "fn-aaaaa", ["x", "y"]);
  const [a, b, c] = await Promise.all(reads);
  assertStrictEquals(a.value, b.value);
  assertStrictEquals(b.value, c.value);
  assertEquals(provider.followerCount("fn"), 3);
  await provider.close();
  for (const r of readers) assertEquals((await r.read()).done, true);
  assertEquals(provider.followerCount("fn"), 0);
});

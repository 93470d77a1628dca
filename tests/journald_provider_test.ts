// JournaldProvider against the real journalctl, reading real journal files
// written by systemd-journal-remote (see helpers/journal_writer.ts).
// CI: apt-get install -y systemd-journal-remote (journalctl comes with systemd).
import { assert, assertEquals, assertMatch, assertRejects } from "@std/assert";
import { JournaldProvider } from "../lib/providers/journald/provider.ts";
import { FunctionNotFoundError } from "../lib/errors.ts";
import type { LogBatch, LogQuery, LogRecord } from "../lib/types.ts";
import {
  type JournalEntryInit,
  journalToolsMissing,
  JournalWriter,
} from "./helpers/journal_writer.ts";

const missing = journalToolsMissing();
if (missing !== undefined) console.warn(`tests/journald_provider_test.ts: ${missing}`);
const ignore = missing !== undefined || Deno.build.os !== "linux";

/** 2023-11-14T22:13:20Z in microseconds. */
const T = 1_700_000_000_000_000n;
const CURSOR_FORMAT =
  /^s=[0-9a-f]{32};i=[0-9a-f]+;b=[0-9a-f]{32};m=[0-9a-f]+;t=[0-9a-f]+;x=[0-9a-f]+$/;

function fn(
  name: string,
  message: string | Uint8Array,
  pid: number,
  realtime?: bigint,
): JournalEntryInit {
  return { message, identifier: `openfaas-fn:${name}`, pid, realtime };
}

type Query = Omit<LogQuery, "follow" | "name"> & { follow?: boolean; name?: string };

async function setup(entries: JournalEntryInit[] = []) {
  const writer = await JournalWriter.create();
  if (entries.length > 0) await writer.append(entries);
  const provider = new JournaldProvider({ directory: writer.directory });
  return {
    writer,
    provider,
    open: (query: Query = {}, signal?: AbortSignal) =>
      provider.openLogs({ name: "env", follow: false, ...query }, { signal }),
    texts: async (query: Query = {}) => {
      const { stream } = await provider.openLogs({ name: "env", follow: false, ...query });
      return (await Array.fromAsync(stream)).flat().map((r) => r.text);
    },
    async [Symbol.asyncDispose]() {
      await provider.close();
      await writer[Symbol.asyncDispose]();
    },
  };
}

/** Reads until `count` records have arrived (the stream stays open). */
async function take(reader: ReadableStreamDefaultReader<LogBatch>, count: number) {
  const records: LogRecord[] = [];
  while (records.length < count) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`stream ended after ${records.length} of ${count} records`);
    records.push(...value);
  }
  return records;
}

/** journalctl processes reading this directory, from /proc. */
function journalctlPids(directory: string): number[] {
  const pids: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const argv = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`).split("\0");
      if (argv[0].endsWith("journalctl") && argv.includes(`--directory=${directory}`)) {
        pids.push(Number(entry.name));
      }
    } catch {
      // It exited while we looked.
    }
  }
  return pids;
}

Deno.test({
  name: "JournaldProvider.openLogs() reads a function's history from real journal files",
  ignore,
  fn: async () => {
    const big = "0123456789".repeat(1000); // over journalctl's 4096-byte null limit without --all
    await using t = await setup([
      fn("env", "Listening on port: 8080", 101, T),
      fn("other", "not mine", 101, T + 1n),
      fn("env", "two\nlines", 101, T + 2n),
      fn("env", new Uint8Array([0x61, 0xff, 0xfe, 0x62]), 101, T + 3n),
      fn("env", "\x1b[31mred\x1b[0m\ttab", 101, T + 4n),
      fn("env", "caf\u00e9 \u{1F600}", 102, T + 1_000_000n),
      fn("env", big, 102, T + 1_500_000n),
    ]);
    const { stream, fromCursor } = await t.open();
    assertEquals(fromCursor, false);
    const records = (await Array.fromAsync(stream)).flat();
    for (const r of records) assertMatch(r.cursor ?? "", CURSOR_FORMAT);
    assertEquals(
      records.map(({ cursor: _, ...r }) => r),
      [
        ["101", "2023-11-14T22:13:20Z", "Listening on port: 8080"],
        ["101", "2023-11-14T22:13:20.000002Z", "two\nlines"],
        ["101", "2023-11-14T22:13:20.000003Z", "a\uFFFD\uFFFDb"],
        ["101", "2023-11-14T22:13:20.000004Z", "\x1b[31mred\x1b[0m\ttab"],
        ["102", "2023-11-14T22:13:21Z", "caf\u00e9 \u{1F600}"],
        ["102", "2023-11-14T22:13:21.5Z", big],
      ].map(([instance, timestamp, text]) => ({
        name: "env",
        namespace: "openfaas-fn",
        instance,
        timestamp,
        text,
      })),
    );
  },
});

Deno.test({
  name: "JournaldProvider.openLogs() keeps the last N lines for tail, per instance if asked",
  ignore,
  fn: async () => {
    await using t = await setup(
      [1, 2, 3, 4, 5, 6].map((i) => fn("env", `m${i}`, i % 2 ? 11 : 22, T + BigInt(i))),
    );
    assertEquals(await t.texts({ tail: 2 }), ["m5", "m6"]);
    assertEquals(await t.texts({ tail: 100 }), ["m1", "m2", "m3", "m4", "m5", "m6"]);
    assertEquals(await t.texts({ instance: "11" }), ["m1", "m3", "m5"]);
    assertEquals(await t.texts({ instance: "22", tail: 2 }), ["m4", "m6"]);
  },
});

Deno.test({
  name: "JournaldProvider.openLogs() applies since exactly, to the microsecond",
  ignore,
  fn: async () => {
    await using t = await setup([0n, 1n, 2n, 3n].map((d) => fn("env", `t+${d}`, 1, T + d)));
    assertEquals(await t.texts({ since: "2023-11-14T22:13:20.000001Z" }), ["t+1", "t+2", "t+3"]);
    assertEquals(await t.texts({ since: "2023-11-14T22:13:20.000001001Z" }), ["t+2", "t+3"]);
    assertEquals(await t.texts({ since: "2023-11-15T00:13:20.000002+02:00" }), ["t+2", "t+3"]);
    assertEquals(await t.texts({ since: "2023-11-14T22:13:20.000002Z", tail: 1 }), ["t+3"]);
    assertEquals(await t.texts({ since: "2023-11-14T22:13:20.000002Z", tail: 9 }), ["t+2", "t+3"]);
    assertEquals(await t.texts({ since: "2023-11-14T22:13:20.000004Z" }), []);
  },
});

Deno.test({
  name: "JournaldProvider.openLogs() follows entries appended after it started",
  ignore,
  fn: async () => {
    await using t = await setup();
    const queries: Query[] = [{}, { tail: 1 }, { since: "2000-01-01T00:00:00Z" }, { tail: 5 }];
    for (const [i, query] of queries.entries()) {
      const name = `fn${i}`;
      await t.writer.append([fn(name, "old1", 1), fn(name, "old2", 1)]);
      const { stream } = await t.open({ name, follow: true, ...query });
      const reader = stream.getReader();
      const history = (await take(reader, query.tail === 1 ? 1 : 2)).map((r) => r.text);
      assertEquals(history, query.tail === 1 ? ["old2"] : ["old1", "old2"]);
      await t.writer.append([fn(name, "new1", 2), fn("other", "not mine", 2), fn(name, "new2", 3)]);
      const live = await take(reader, 2);
      assertEquals(live.map((r) => [r.text, r.instance]), [["new1", "2"], ["new2", "3"]]);
      await reader.cancel();
    }
  },
});

Deno.test({
  name: "JournaldProvider.openLogs() follows a function that has not logged yet",
  ignore,
  fn: async () => {
    await using t = await setup([fn("other", "x", 1)]);
    const { stream } = await t.open({ name: "fresh", follow: true });
    const reader = stream.getReader();
    await t.writer.append(fn("fresh", "first words", 9));
    assertEquals((await take(reader, 1))[0].text, "first words");
    await reader.cancel();
  },
});

Deno.test({
  name: "JournaldProvider.openLogs() resumes exactly after a cursor",
  ignore,
  fn: async () => {
    // Three entries share one microsecond: only a cursor can resume between them.
    await using t = await setup([
      fn("env", "a", 1, T),
      fn("env", "b", 1, T + 1n),
      fn("env", "c", 1, T + 1n),
      fn("env", "d", 1, T + 1n),
      fn("env", "e", 2, T + 2n),
    ]);
    const all = (await Array.fromAsync((await t.open()).stream)).flat();
    const afterB = await t.open({ cursor: all[1].cursor, tail: 1, since: "2030-01-01T00:00:00Z" });
    assertEquals(afterB.fromCursor, true);
    assertEquals((await Array.fromAsync(afterB.stream)).flat(), all.slice(2));
    // Following from the last cursor gives exactly what is appended.
    const live = await t.open({ cursor: all[4].cursor, follow: true });
    const reader = live.stream.getReader();
    await t.writer.append([fn("env", "f", 3), fn("env", "g", 3)]);
    const fresh = await take(reader, 2);
    assertEquals(fresh.map((r) => r.text), ["f", "g"]);
    await reader.cancel();
    // The instance filter still applies after a cursor, even one of another instance.
    const only2 = await t.open({ cursor: all[0].cursor, instance: "2" });
    assertEquals((await Array.fromAsync(only2.stream)).flat().map((r) => r.text), ["e"]);
    const only2live = (await t.open({ cursor: all[4].cursor, instance: "3", follow: true }))
      .stream.getReader();
    assertEquals((await take(only2live, 2)).map((r) => r.text), ["f", "g"]);
    await t.writer.append(fn("env", "h", 3));
    assertEquals((await take(only2live, 1)).map((r) => r.text), ["h"]);
    await only2live.cancel();
    // Another instance's last cursor, nothing after it yet, then new lines.
    const [last] = (await Array.fromAsync((await t.open({ tail: 1 })).stream)).flat();
    const quiet = (await t.open({ cursor: last.cursor, instance: "4", follow: true })).stream
      .getReader();
    await t.writer.append([fn("env", "i", 3), fn("env", "j", 4)]);
    assertEquals((await take(quiet, 1)).map((r) => r.text), ["j"]);
    await quiet.cancel();
    // An unknown cursor format is ignored.
    const foreign = await t.open({ cursor: "sse-17", tail: 1 });
    assertEquals(foreign.fromCursor, false);
    assertEquals((await Array.fromAsync(foreign.stream)).flat().map((r) => r.text), ["j"]);
  },
});

Deno.test({
  name: "JournaldProvider.openLogs() rejects an unknown function, not a quiet one",
  ignore,
  fn: async () => {
    await using t = await setup([fn("env", "hello", 1, T)]);
    await assertRejects(() => t.texts({ name: "nope" }), FunctionNotFoundError);
    await assertRejects(() => t.texts({ name: "nope", tail: 3 }), FunctionNotFoundError);
    await assertRejects(() => t.texts({ namespace: "team" }), FunctionNotFoundError);
    assertEquals(await t.texts({ since: "2030-01-01T00:00:00Z" }), []);
    assertEquals(await t.texts({ instance: "999" }), []);
  },
});

Deno.test({
  name: "JournaldProvider.listFunctions() lists the identifiers of a namespace",
  ignore,
  fn: async () => {
    await using t = await setup([
      fn("b", "x", 1),
      fn("a", "x", 1),
      fn("a", "y", 2),
      { message: "x", identifier: "team:c", pid: 1 },
      { message: "x", identifier: "sshd", pid: 1 },
    ]);
    assertEquals((await t.provider.listFunctions(undefined)).map((f) => f.name), ["a", "b"]);
    assertEquals(await t.provider.listFunctions("team"), [
      { name: "c", namespace: "team", replicas: 0, availableReplicas: 0 },
    ]);
  },
});

Deno.test({
  name: "JournaldProvider.openLogs() kills journalctl when the stream is cancelled or aborted",
  ignore,
  fn: async () => {
    await using t = await setup(Array.from({ length: 3000 }, (_, i) => fn("env", `line ${i}`, 1)));
    const dir = t.writer.directory;
    // Following.
    const follow = (await t.open({ follow: true })).stream.getReader();
    await follow.read();
    assertEquals(journalctlPids(dir).length, 1);
    await follow.cancel();
    assertEquals(journalctlPids(dir), []);
    // History, with output still unread.
    const history = (await t.open({})).stream.getReader();
    await history.read();
    assertEquals(journalctlPids(dir).length, 1);
    await history.cancel();
    assertEquals(journalctlPids(dir), []);
    // An aborted signal.
    const controller = new AbortController();
    const aborted = (await t.open({ follow: true }, controller.signal)).stream.getReader();
    await aborted.read();
    controller.abort(new Error("gone"));
    await assertRejects(() => aborted.read(), Error, "gone");
    assertEquals(journalctlPids(dir), []);
  },
});

Deno.test({
  name: "JournaldProvider.openLogs() reads journalctl no faster than batches are taken",
  ignore,
  fn: async () => {
    const count = 20_000;
    const message = "y".repeat(200);
    await using t = await setup(Array.from({ length: count }, (_, i) => fn("env", message + i, 1)));
    const reader = (await t.open()).stream.getReader();
    let received = (await reader.read()).value?.length ?? 0;
    const [pid] = journalctlPids(t.writer.directory);
    // Wait until journalctl blocks writing to its full pipe (or stops writing).
    let written = -1, still = 0;
    for (let i = 0; i < 5000 && still < 50; i++) {
      const wchan = Deno.readTextFileSync(`/proc/${pid}/wchan`);
      if (wchan.includes("pipe_write")) break;
      const now = Number(/wchar: (\d+)/.exec(Deno.readTextFileSync(`/proc/${pid}/io`))?.[1]);
      still = now === written ? still + 1 : 0;
      written = now;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    written = Number(/wchar: (\d+)/.exec(Deno.readTextFileSync(`/proc/${pid}/io`))?.[1]);
    const total = count * (message.length + 300);
    assert(written < total / 10, `journalctl wrote ${written} of about ${total} bytes`);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.length;
    }
    assertEquals(received, count);
  },
});

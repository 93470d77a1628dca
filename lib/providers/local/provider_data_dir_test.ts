import { assert, assertEquals, assertRejects } from "@std/assert";
import { LocalProvider } from "./provider.ts";
import { parseStackFile } from "./stack_file.ts";
import { timestampToNanos } from "../../time/timestamp.ts";
import type { LogQuery } from "../../types.ts";

// The local provider with a data directory: its history outlives the process.

Deno.test("LocalProvider with dataDir keeps history, cursors, tail and since across a restart", async () => {
  const dataDir = await Deno.makeTempDir();
  const stack = parseStackFile(
    "functions: { fn: { namespace: openfaas-fn }, other: { namespace: dev } }",
    dataDir,
  );
  const all = async (provider: LocalProvider, query: Partial<LogQuery> = {}) => {
    const source = await provider.openLogs({ name: "fn", follow: false, ...query });
    return {
      fromCursor: source.fromCursor,
      records: (await Array.fromAsync(source.stream)).flat(),
    };
  };
  try {
    let ms = 1_700_000_000_000;
    const first = await LocalProvider.start(stack, { spawn: false, dataDir, clock: () => ms++ });
    first.publish("fn", "fn-aaaaa", ["a", "b", "c"]);
    first.publish("fn", "fn-bbbbb", ["d"]);
    const before = (await all(first)).records;
    await first.close();
    const files = [...Deno.readDirSync(`${dataDir}/openfaas-fn/fn`)].map((e) => e.name).sort();
    assertEquals(files, ["00000000000000000000.ndjson", "lock", "meta.json"]);
    assert(Deno.statSync(`${dataDir}/dev/other/meta.json`).isFile);

    // The clock is now far behind: new lines still come after the stored ones.
    const second = await LocalProvider.start(stack, { spawn: false, dataDir, clock: () => 0 });
    try {
      assertEquals((await all(second)).records, before);
      const resumed = await all(second, { cursor: before[1].cursor, tail: 1 });
      assertEquals(resumed.fromCursor, true);
      assertEquals(resumed.records.map((r) => r.text), ["c", "d"]);
      assertEquals((await all(second, { tail: 2 })).records.map((r) => r.text), ["c", "d"]);
      const since = (await all(second, { since: before[2].timestamp })).records;
      assertEquals(since.map((r) => r.text), ["c", "d"]);
      const mine = await all(second, { instance: "fn-aaaaa", tail: 1 });
      assertEquals(mine.records.map((r) => r.text), ["c"]);
      second.publish("fn", "fn-aaaaa", ["e"]);
      const e = (await all(second, { cursor: before[3].cursor })).records;
      assertEquals(e.map((r) => [r.text, r.cursor]), [["e", before[0].cursor!.replace(/0$/, "4")]]);
      assert(timestampToNanos(e[0].timestamp) > timestampToNanos(before[3].timestamp));
      await assertRejects(
        () => LocalProvider.start(stack, { spawn: false, dataDir }),
        Error,
        "another fnlogs process holds it",
      );
    } finally {
      await second.close();
    }
    const third = await LocalProvider.start(stack, { spawn: false, dataDir });
    assertEquals((await all(third)).records.map((r) => r.text), ["a", "b", "c", "d", "e"]);
    await third.close();
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

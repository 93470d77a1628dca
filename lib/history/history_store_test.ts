import { assert, assertEquals, assertMatch, assertNotEquals, assertRejects } from "@std/assert";
import { HistoryStore, type HistoryStoreOptions } from "./history_store.ts";
import { LogHistory } from "./log_history.ts";
import { formatTimestamp, timestampToNanos } from "../time/timestamp.ts";
import type { LogRecord } from "../types.ts";

/** Records with these texts, 1 ms apart from `startMs` on. */
function records(texts: string[], startMs = 1_700_000_000_000, instance = "fn-abcde"): LogRecord[] {
  return texts.map((text, i) => {
    const ms = startMs + i;
    return {
      name: "fn",
      namespace: "ns",
      instance,
      timestamp: formatTimestamp(Math.floor(ms / 1000), (ms % 1000) * 1e6),
      text,
    };
  });
}

function numbered(from: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `line ${from + i}`);
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function open(dir: string, options: HistoryStoreOptions = {}) {
  const notices: string[] = [];
  const store = await HistoryStore.open(dir, { onNotice: (m) => notices.push(m), ...options });
  return { store, notices };
}

async function segmentFiles(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) if (e.name.endsWith(".ndjson")) names.push(e.name);
  return names.sort();
}

/** Every line of every segment, parsed (throws on an unreadable one). */
async function storedLines(dir: string): Promise<{ seq: number; text: string }[]> {
  const out = [];
  for (const name of await segmentFiles(dir)) {
    const text = await Deno.readTextFile(`${dir}/${name}`);
    assert(text === "" || text.endsWith("\n"), `${name} does not end with a newline`);
    for (const line of text.split("\n").slice(0, -1)) out.push(JSON.parse(line));
  }
  return out;
}

Deno.test("HistoryStore writes one JSON line per record and reads them back after close", async () => {
  await withDir(async (dir) => {
    const { store, notices } = await open(dir);
    assertEquals(store.seed, { nextSequence: 0, records: [], after: undefined, formerIds: [] });
    const texts = ['say "hi" \\ \t ünï 🎉', "two", "three", "four", "five"];
    const written = records(texts);
    store.append(0, written.slice(0, 3));
    store.append(3, written.slice(3));
    await store.close();
    assertEquals(await segmentFiles(dir), ["00000000000000000000.ndjson"]);
    const first = (await Deno.readTextFile(`${dir}/00000000000000000000.ndjson`)).split("\n")[0];
    assertEquals(
      first,
      '{"seq":0,"timestamp":"2023-11-14T22:13:20Z","instance":"fn-abcde",' +
        '"text":"say \\"hi\\" \\\\ \\t ünï 🎉"}',
    );
    const meta = JSON.parse(await Deno.readTextFile(`${dir}/meta.json`));
    assertEquals(meta, { id: store.id, state: "closed", next: 5, formerIds: [] });

    const again = await open(dir);
    assertEquals(again.store.id, store.id);
    assertEquals(again.store.skipped, 0);
    assertEquals(again.store.seed.nextSequence, 5);
    assertEquals(again.store.seed.formerIds, []);
    assertEquals(
      again.store.seed.records.map((r) => [r.instance, r.timestamp, r.text]),
      written.map((r) => [r.instance, r.timestamp, r.text]),
    );
    const t = again.store.seed.records[4];
    assertEquals([t.seconds, t.nanos], [1_700_000_000, 4_000_000]);
    await again.store.close();
    assertEquals([...notices, ...again.notices], []);
  });
});

Deno.test("HistoryStore.flush() waits for lines queued while a write is in flight", async () => {
  await withDir(async (dir) => {
    const { store } = await open(dir);
    store.append(0, records(["a"]));
    for (let i = 0; i < 5; i++) await Promise.resolve(); // "a" is being written.
    store.append(1, records(["b"], 2e12));
    await store.flush();
    assertEquals((await storedLines(dir)).map((r) => r.text), ["a", "b"]);
    await store.close();
  });
});

Deno.test("HistoryStore.open() reads back only the newest loadLines or loadBytes", async () => {
  await withDir(async (dir) => {
    const { store } = await open(dir);
    for (let i = 0; i < 100; i += 10) store.append(i, records(numbered(i, 10), 1e12 + i));
    await store.close();
    const lines = await open(dir, { loadLines: 7 });
    assertEquals(lines.store.seed.nextSequence, 100);
    assertEquals(lines.store.seed.records.map((r) => r.text), numbered(93, 7));
    await lines.store.close();
    const bytes = await open(dir, { loadBytes: 3 * "line 99".length });
    assertEquals(bytes.store.seed.records.map((r) => r.text), numbered(97, 3));
    await bytes.store.close();
  });
});

Deno.test("HistoryStore rotates segments and deletes the oldest past maxBytes", async () => {
  await withDir(async (dir) => {
    const { store } = await open(dir, { segmentBytes: 1000, maxBytes: 4500 });
    for (let i = 0; i < 200; i += 5) {
      store.append(i, records(numbered(i, 5), 1e12 + i));
      await store.flush();
    }
    const segments = store.segments;
    await store.close();
    assert(segments.length >= 3, JSON.stringify(segments));
    assertEquals(
      await segmentFiles(dir),
      segments.map((s) => String(s.first).padStart(20, "0") + ".ndjson"),
    );
    for (const s of segments.slice(0, -1)) assert(s.size >= 1000, `${s.size} bytes`);
    const total = segments.reduce((sum, s) => sum + s.size, 0);
    assert(total <= 4500 && total > 4500 - 1400, `${total} bytes kept`);
    const oldest = segments[0].first;
    assert(oldest > 0);
    assertEquals(
      (await storedLines(dir)).map((r) => r.seq),
      Array.from({ length: 200 - oldest }, (_, i) => oldest + i),
    );

    const again = await open(dir, { segmentBytes: 1000, maxBytes: 4500, loadLines: 1000 });
    assertEquals(again.store.seed.records.map((r) => r.text), numbered(oldest, 200 - oldest));
    again.store.append(200, records(["after"], 2e12));
    await again.store.close();
    assertEquals((await storedLines(dir)).at(-1)?.text, "after");
  });
});

Deno.test("HistoryStore.open() cuts a torn last line, skips unreadable lines, reports once", async () => {
  await withDir(async (dir) => {
    const { store } = await open(dir);
    store.append(0, records(numbered(0, 5)));
    await store.close();
    const path = `${dir}/00000000000000000000.ndjson`;
    const lines = (await Deno.readTextFile(path)).split("\n").slice(0, -1);
    const torn = '{"seq":5,"timestamp":"2023-11-14T22:1';
    await Deno.writeTextFile(
      path,
      [...lines.slice(0, 3), "garbage", '{"seq":"x"}', ...lines.slice(3)].join("\n") + "\n" +
        torn,
    );
    const { size } = await Deno.stat(path);

    const reopened = await open(dir);
    assertEquals(reopened.store.skipped, 3);
    assertEquals(reopened.notices.length, 1);
    assertMatch(reopened.notices[0], /skipped 3 unreadable lines, cut the last 37 bytes/);
    assertEquals((await Deno.stat(path)).size, size - torn.length);
    assertEquals(reopened.store.seed.nextSequence, 5);
    assertEquals(reopened.store.seed.records.map((r) => r.text), numbered(0, 5));
    reopened.store.append(5, records(["six"], 2e12));
    await reopened.store.close();

    const text = await Deno.readTextFile(path);
    assertEquals(
      text.split("\n").at(-2),
      lines[0].replace(/"seq":0,.*$/, "") +
        '"seq":5,"timestamp":"2033-05-18T03:33:20Z","instance":"fn-abcde","text":"six"}',
    );
    const third = await open(dir);
    assertEquals(third.store.skipped, 2); // The middle lines stay, and are skipped again.
    assertEquals(third.store.seed.records.map((r) => r.text), [...numbered(0, 5), "six"]);
    await third.store.close();
  });
});

Deno.test("HistoryStore.open() cuts unreadable lines at the end and continues the sequence", async () => {
  await withDir(async (dir) => {
    const { store } = await open(dir);
    store.append(0, records(numbered(0, 3)));
    await store.close();
    const path = `${dir}/00000000000000000000.ndjson`;
    const good = await Deno.readTextFile(path);
    await Deno.writeTextFile(path, good + "\0\0\0\nnot json\n", { append: false });
    const reopened = await open(dir);
    assertEquals(reopened.store.skipped, 2);
    assertEquals(await Deno.readTextFile(path), good);
    assertEquals(reopened.store.seed.nextSequence, 3);
    assertEquals(reopened.store.seed.records.length, 3);
    await reopened.store.close();
  });
});

Deno.test("HistoryStore after a crash: a new id, the old one resumes only what was written", async () => {
  await withDir(async (dir) => {
    const crashed = `${dir}/crashed`;
    const { store } = await open(`${dir}/live`);
    store.append(0, records(numbered(0, 3)));
    await store.flush();
    // The files as a SIGKILL now would leave them: the lock dies with the process.
    await Deno.mkdir(crashed);
    for (const name of ["meta.json", "00000000000000000000.ndjson"]) {
      await Deno.copyFile(`${dir}/live/${name}`, `${crashed}/${name}`);
    }
    await store.close();

    const after = await open(crashed);
    assertNotEquals(after.store.id, store.id);
    assertEquals(after.store.seed.formerIds, [{ id: store.id, before: 3 }]);
    const history = new LogHistory("fn", "ns", { id: after.store.id, seed: after.store.seed });
    assertEquals(history.start({ cursor: `${store.id}-1` }), { position: 2, fromCursor: true });
    assertEquals(history.start({ cursor: `${store.id}-2` }), { position: 3, fromCursor: true });
    // Served before the crash but never written: its number is reused, so no resume.
    history.append("fn-abcde", ["new"]);
    assertEquals(history.start({ cursor: `${store.id}-3` }).fromCursor, false);
    assertEquals(history.start({ cursor: `${after.store.id}-3` }), {
      position: 4,
      fromCursor: true,
    });
    await after.store.close();
    const clean = await open(crashed);
    assertEquals(clean.store.id, after.store.id);
    assertEquals(clean.store.seed.formerIds, [{ id: store.id, before: 3 }]);
    await clean.store.close();
  });
});

Deno.test("HistoryStore with LogHistory: sequence and clock continue, even when the clock goes back", async () => {
  await withDir(async (dir) => {
    const run = async (ms: number, lines: string[]) => {
      const { store } = await open(dir);
      const history = new LogHistory("fn", "ns", {
        id: store.id,
        seed: store.seed,
        clock: () => ms,
        onAppend: (r, first) => store.append(first, r),
      });
      history.append("fn-abcde", lines);
      const all = history.slice(history.firstSequence);
      await store.close();
      return all;
    };
    const first = await run(5_000, ["a", "b"]);
    const second = await run(1_000, ["c"]);
    assertEquals(second.map((r) => [r.text, r.cursor]), [
      ["a", first[0].cursor],
      ["b", first[1].cursor],
      ["c", first[0].cursor!.replace(/-0$/, "-2")],
    ]);
    assertEquals(second[2].timestamp, "1970-01-01T00:00:05.000000002Z");
    assert(timestampToNanos(second[2].timestamp) > timestampToNanos(first[1].timestamp));
  });
});

Deno.test("HistoryStore reports a failed write once and stops writing", async () => {
  await withDir(async (dir) => {
    // The first segment is /dev/full: every write fails with ENOSPC.
    await Deno.symlink("/dev/full", `${dir}/00000000000000000000.ndjson`);
    const { store, notices } = await open(dir);
    store.append(0, records(["a"]));
    await store.flush();
    store.append(1, records(["b"]));
    await store.flush();
    assert(store.failed);
    assertEquals(notices.length, 1);
    assertMatch(notices[0], /cannot write \(.*\); keeping this function's logs in memory only/);
    await store.close();
    assertEquals(JSON.parse(await Deno.readTextFile(`${dir}/meta.json`)).state, "open");
  });
});

Deno.test("HistoryStore drops lines while too much waits for the disk, and says so", async () => {
  await withDir(async (dir) => {
    const { store, notices } = await open(dir, { maxPendingBytes: 300 });
    store.append(0, records(["a"]));
    store.append(1, records(numbered(1, 10))); // Queued behind "a": too much.
    assertEquals(notices, [`history in ${dir}: the disk is behind; lines are not written`]);
    await store.flush();
    store.append(11, records(["b"], 2e12));
    assertEquals(notices.at(-1), `history in ${dir}: 10 lines were not written`);
    await store.close();
    assertEquals((await storedLines(dir)).map((r) => r.seq), [0, 11]);
    const again = await open(dir);
    assertEquals(again.store.seed.nextSequence, 12);
    assertEquals(again.store.seed.records.map((r) => r.text), ["b"]); // Only after the gap.
    await again.store.close();
  });
});

Deno.test("HistoryStore.open() refuses a directory another store holds", async () => {
  await withDir(async (dir) => {
    const { store } = await open(dir);
    await assertRejects(() => HistoryStore.open(dir), Error, "another fnlogs process holds it");
    await store.close();
    await (await open(dir)).store.close();
    await assertRejects(() => HistoryStore.open(dir, { maxBytes: 0 }), RangeError);
  });
});

Deno.test("HistoryStore.open() on a full disk drops the oldest segments to write its meta, else serves from memory", async () => {
  await withDir(async (dir) => {
    // Two runs' worth of segments.
    const first = await open(dir, { segmentBytes: 200 });
    for (let i = 0; i < 4; i++) {
      first.store.append(i * 5, records(numbered(i * 5, 5), 1_700_000_000_000 + i * 5));
      await first.store.flush();
    }
    await first.store.close();
    const before = await segmentFiles(dir);
    assert(before.length >= 3, before.join(", "));
    // The disk is full for the meta's next write (and only for it: /dev/full).
    await Deno.symlink("/dev/full", `${dir}/meta.json.tmp`);
    const { store } = await open(dir, { segmentBytes: 200 });
    assertEquals(store.failed, false);
    const after = await segmentFiles(dir);
    // The oldest segment went to make room; the rest is read back.
    assertEquals(after.includes(before[0]), false);
    assertEquals(JSON.parse(await Deno.readTextFile(`${dir}/meta.json`)).state, "open");
    await store.close();
  });
  await withDir(async (dir) => {
    // Nothing to drop (no segment at all): it starts anyway, from memory, and says why.
    await Deno.symlink("/dev/full", `${dir}/meta.json.tmp`);
    const { store, notices } = await open(dir);
    assert(store.failed);
    assertMatch(notices.join("\n"), /cannot write meta\.json \(.*\): logs kept in memory only/);
    store.append(0, records(["a"]));
    await store.flush();
    await store.close();
  });
});

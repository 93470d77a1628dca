/**
 * `fnlogs serve --data-dir` as a user runs it: a function writes numbered
 * lines flat out, the server is killed with SIGKILL (or stopped with
 * SIGTERM) mid-stream and started again on the same directory. Every line
 * in the files is readable and in sequence, and a client resuming from a
 * cursor or a time taken before the kill gets every stored line after it,
 * once, in order.
 */
import { assert, assertEquals, assertMatch } from "@std/assert";
import { SseLogDecoderStream } from "../lib/wire/sse_log_decoder_stream.ts";
import type { LogRecord } from "../lib/types.ts";
import { childrenOf, isGone } from "./helpers/process_state.ts";
import { type ServeProcess, startServeProcess } from "./helpers/serve_process.ts";

const NUMBERED = new URL("./functions/numbered.ts", import.meta.url).pathname;
const SSE = { accept: "text/event-stream" };

interface Stored {
  seq: number;
  timestamp: string;
  instance: string;
  text: string;
}

/** A directory with two stacks for function `numbers`: one runs the writer, one nothing. */
async function setUp(): Promise<{ dir: string; writing: string[]; idle: string[] }> {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/writing.yml`,
    `functions:\n  numbers:\n    fnlogs:\n      command: ["deno", "run", "${NUMBERED}"]\n`,
  );
  await Deno.writeTextFile(`${dir}/idle.yml`, "functions:\n  numbers: {}\n");
  const flags = [
    "--quiet",
    "--data-dir",
    `${dir}/data`,
    "--data-segment-bytes",
    "200000",
    "--history-lines",
    "1000000",
  ];
  return {
    dir,
    writing: ["--stack", `${dir}/writing.yml`, ...flags],
    idle: ["--stack", `${dir}/idle.yml`, ...flags],
  };
}

const functionDir = (dir: string) => `${dir}/data/openfaas-fn/numbers`;

/** Every complete line of every segment, parsed (a bad line fails the test), and the torn tail. */
async function readFiles(dir: string): Promise<{ lines: Stored[]; torn: string }> {
  const names = [...Deno.readDirSync(functionDir(dir))].map((e) => e.name)
    .filter((n) => n.endsWith(".ndjson")).sort();
  const lines: Stored[] = [];
  let torn = "";
  for (const [i, name] of names.entries()) {
    const pieces = (await Deno.readTextFile(`${functionDir(dir)}/${name}`)).split("\n");
    const tail = pieces.pop()!;
    if (i < names.length - 1) assertEquals(tail, "", `${name} ends with a torn line`);
    else torn = tail;
    for (const piece of pieces) lines.push(JSON.parse(piece));
  }
  return { lines, torn };
}

const seqOf = (cursor: string | undefined) => Number(cursor!.slice(cursor!.lastIndexOf("-") + 1));

/** Follows the function until a record with sequence number >= `seq` arrives; returns it. */
async function recordAt(server: ServeProcess, seq: number): Promise<LogRecord> {
  const response = await fetch(`${server.url}/system/logs?name=numbers&follow=true&tail=1`, {
    headers: SSE,
  });
  assertEquals(response.status, 200);
  const reader = response.body!.pipeThrough(new TextDecoderStream())
    .pipeThrough(new SseLogDecoderStream()).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error("the stream ended");
      const found = value.find((r) => seqOf(r.cursor) >= seq);
      if (found !== undefined) return found;
    }
  } finally {
    await reader.cancel();
  }
}

/** Non-following read with fnlogs' event stream. */
async function readAll(server: ServeProcess, query: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/system/logs?name=numbers&follow=false${query}`, {
    headers: { ...SSE, ...headers },
  });
  assertEquals(response.status, 200);
  const resume = response.headers.get("x-fnlogs-resume");
  const body = response.body!.pipeThrough(new TextDecoderStream())
    .pipeThrough(new SseLogDecoderStream());
  return { resume, records: (await Array.fromAsync(body)).flat() };
}

/** Resolves once the files hold a complete line with sequence number >= `seq` (file events). */
async function storedUpTo(dir: string, seq: number): Promise<void> {
  using watcher = Deno.watchFs(functionDir(dir));
  const stored = async () => {
    const { lines } = await readFiles(dir);
    return (lines.at(-1)?.seq ?? -1) >= seq;
  };
  if (await stored()) return;
  for await (const _ of watcher) if (await stored()) return;
}

/** The writer's lines are "line N ..." with N equal to their sequence number. */
function assertNumbered(lines: readonly { text: string }[], from: number, to: number): void {
  assertEquals(lines.length, to - from + 1, `expected lines ${from} to ${to}`);
  for (const [i, line] of lines.entries()) {
    const n = Number(line.text.split(" ")[1]);
    if (n !== from + i) throw new Error(`line ${i} is "${line.text}", expected line ${from + i}`);
  }
}

Deno.test("serve --data-dir: after SIGKILL mid-write the files are intact and a resume misses nothing", async () => {
  const { dir, writing, idle } = await setUp();
  let first: ServeProcess | undefined, second: ServeProcess | undefined;
  try {
    first = await startServeProcess(writing);
    const mark = await recordAt(first, 20_000);
    const markSeq = seqOf(mark.cursor);
    assertEquals(mark.text.split(" ")[1], String(markSeq));
    const replicas = childrenOf(first.pid);
    assertEquals(replicas.length, 1);
    await storedUpTo(dir, markSeq + 5000); // The server is busy writing when it dies.
    first.child.kill("SIGKILL");
    assertEquals((await first.child.status).signal, "SIGKILL");
    // The replica leads its own process group and outlives the server: end it here.
    for (const pid of replicas) {
      try {
        Deno.kill(-pid, "SIGKILL");
      } catch {
        // It already died of the broken pipe.
      }
    }
    for (const pid of replicas) assert(isGone(pid), `replica ${pid} still runs after our SIGKILL`);

    const before = await readFiles(dir);
    const last = before.lines.at(-1)!.seq;
    assert(last >= markSeq + 5000);
    assertEquals(before.lines.map((l) => l.seq), before.lines.map((_, i) => i));
    assertNumbered(before.lines, 0, last);

    second = await startServeProcess(idle);
    const byCursor = await readAll(second, "", { "last-event-id": mark.cursor! });
    assertEquals(byCursor.resume, "cursor");
    assertNumbered(byCursor.records, markSeq + 1, last);
    const bySince = await readAll(second, `&since=${mark.timestamp}`);
    assertEquals(bySince.resume, "since");
    assertNumbered(bySince.records, markSeq, last);
    assertEquals(bySince.records[0].timestamp, mark.timestamp);
    await second.stop();
    assertEquals((await second.child.status).code, 0);

    const after = await readFiles(dir);
    assertEquals(after.torn, "");
    assertEquals(after.lines, before.lines);
  } finally {
    await first?.stop();
    await second?.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("serve --data-dir: after SIGTERM everything written before is served again", async () => {
  const { dir, writing, idle } = await setUp();
  let first: ServeProcess | undefined, second: ServeProcess | undefined;
  try {
    first = await startServeProcess(writing);
    const mark = await recordAt(first, 10_000);
    await first.stop();
    assertEquals((await first.child.status).code, 0);

    const { lines, torn } = await readFiles(dir);
    assertEquals(torn, "");
    assertEquals(lines.map((l) => l.seq), lines.map((_, i) => i));
    assertMatch(lines.at(-1)!.text, /^\[fnlogs\] numbers-[a-z0-9]{5} exited .*; stopped$/);
    // The function is stopped mid-write: its last line may be the start of a
    // line (what it wrote is kept), never anything else.
    let numbered = lines.slice(0, -1);
    const lastText = numbered.at(-1)!.text;
    const full = `line ${numbered.length - 1} ${"x".repeat(40)}`;
    if (lastText !== full) {
      assert(
        full.startsWith(lastText),
        `the last line "${lastText}" is not the start of "${full}"`,
      );
      numbered = numbered.slice(0, -1);
    }
    assertNumbered(numbered, 0, numbered.length - 1);
    const meta = JSON.parse(await Deno.readTextFile(`${functionDir(dir)}/meta.json`));
    assertEquals([meta.state, meta.next], ["closed", lines.length]);

    second = await startServeProcess(idle);
    const all = await readAll(second, "");
    assertEquals(all.records.map((r) => r.text), lines.map((l) => l.text));
    assertEquals(all.records.map((r) => r.timestamp), lines.map((l) => l.timestamp));
    const id = mark.cursor!.slice(0, mark.cursor!.lastIndexOf("-"));
    assertEquals(all.records.map((r) => r.cursor), lines.map((l) => `${id}-${l.seq}`));
    const resumed = await readAll(second, "", { "last-event-id": mark.cursor! });
    assertEquals(resumed.resume, "cursor");
    assertEquals(resumed.records, all.records.slice(seqOf(mark.cursor) + 1));
  } finally {
    await first?.stop();
    await second?.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

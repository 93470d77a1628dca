/**
 * Server-side filters end to end: a real `fnlogs serve` runs a function that
 * writes 100,000 JSON lines, 1% of them errors; followers that ask for
 * `level=error` get exactly those 1,000, also through a proxy that cuts and
 * resets the connection at random bytes, resuming by cursor past the lines
 * the server dropped; `fnlogs logs` pushes its filters and prints the same.
 */
import { assert, assertEquals } from "@std/assert";
import { type FollowEvent, followLogBatches } from "../lib/client/follow_logs.ts";
import { startCuttingProxy } from "./helpers/cutting_proxy.ts";
import { seeded } from "./helpers/fuzz.ts";
import { followUntil, runLogs, startServeProcess } from "./helpers/serve_process.ts";

const LINES = 100_000;
const ERRORS = LINES / 100;
const FUNCTION = new URL("./functions/leveled.ts", import.meta.url).pathname;
const errorNumbers = Array.from({ length: ERRORS }, (_, i) => i * 100 + 99);

async function startServer() {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/stack.yml`,
    `functions:\n  leveled:\n    fnlogs:\n      command: ["deno", "run", "--allow-env", ${
      JSON.stringify(FUNCTION)
    }]\n`,
  );
  const server = await startServeProcess([
    "--stack",
    `${dir}/stack.yml`,
    "--history-lines",
    String(LINES + 10),
    "--history-bytes",
    String(1 << 28),
    "--quiet",
  ], { LINES: String(LINES) });
  // Until the function has written everything: its last line, live.
  // Filtered on the server, so only that line comes (the text is JSON in JSON: quotes escaped).
  await followUntil(
    `${server.url}/system/logs?name=leveled&follow=true&grep=END`,
    'msg\\":\\"END',
    { headers: { accept: "text/event-stream" } },
  );
  return {
    server,
    async [Symbol.asyncDispose]() {
      await server.stop();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** A fetch that counts the body bytes it hands out and remembers each request's Last-Event-ID. */
function countingFetch() {
  const seen = { bytes: 0, lastEventIds: [] as (string | null)[] };
  const counted: typeof fetch = async (input, init) => {
    seen.lastEventIds.push(new Headers(init?.headers).get("last-event-id"));
    const response = await fetch(input, init);
    if (response.body === null) return response;
    const body = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          seen.bytes += chunk.byteLength;
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(body, { status: response.status, headers: response.headers });
  };
  return { fetch: counted, seen };
}

/** Follows `leveled` through a proxy that cuts and resets connections; what came, and how. */
async function followThroughCuts(
  serverUrl: string,
  level: "error" | "fatal",
  faults: number,
  maxBytes: number,
) {
  const proxy = await startCuttingProxy({
    target: { hostname: "127.0.0.1", port: Number(new URL(serverUrl).port) },
    random: seeded(1100),
    maxFaults: faults,
    weights: { cut: 1, reset: 1 },
    minBytes: 1,
    maxBytes,
    firstMinBytes: 32,
  });
  const { fetch: counted, seen } = countingFetch();
  const events: FollowEvent[] = [];
  const numbers: number[] = [];
  try {
    for await (
      const batch of followLogBatches({
        gateway: proxy.url,
        name: "leveled",
        follow: false,
        level,
        backoff: { initialMs: 0, capMs: 2 },
        fetch: counted,
        onEvent: (e) => events.push(e),
      })
    ) {
      for (const m of batch) numbers.push(JSON.parse(m.text).n);
    }
  } finally {
    await proxy.close();
  }
  const resumes = events.flatMap((e) => e.event === "resumed" ? [e.resume] : []);
  const reconnects = events.filter((e) => e.event === "reconnecting").length;
  return { numbers, resumes, reconnects, faults: proxy.faults, ...seen };
}

Deno.test("fnlogs serve filters 100,000 lines before the wire; followers resume exactly through cuts", async (t) => {
  await using running = await startServer();
  const { server } = running;

  await t.step("level=error: exactly the 1,000 errors, each once, through 30 cuts", async () => {
    const run = await followThroughCuts(server.url, "error", 30, 8 * 1024);
    assertEquals(run.numbers, errorNumbers);
    assertEquals(run.faults, 30);
    // Every fault was noticed and answered by a reconnect; a reconnect cut
    // again before the server's preamble arrived is not a resume, so there
    // may be fewer resumes than faults, but each one was by cursor.
    assertEquals(run.reconnects, 30);
    assert(run.resumes.length >= 15, JSON.stringify(run.resumes));
    assert(run.resumes.every((r) => r === "cursor"), JSON.stringify(run.resumes));
    // About the errors' worth on the wire, nothing like 100,000 lines (~7 MB).
    assert(run.bytes < 600_000, `${run.bytes} bytes on the wire`);
  });

  await t.step(
    "level=fatal: nothing matches, and each reconnect resumes past what was dropped",
    async () => {
      // Segments just longer than the preamble (retry and hello, ~50 bytes) and a few id-only events.
      const run = await followThroughCuts(server.url, "fatal", 8, 160);
      assertEquals(run.numbers, []);
      assertEquals(run.faults, 8);
      assert(run.resumes.every((r) => r === "cursor"), JSON.stringify(run.resumes));
      // Only id-only events carried the cursors: they move forward, never back to the start.
      const sequences = run.lastEventIds.slice(1).map((id) => Number(id?.split("-").pop()));
      assertEquals(run.lastEventIds[0], null);
      assert(
        sequences.length === 8 && sequences.every((n) => n > 0),
        JSON.stringify(run.lastEventIds),
      );
      for (let i = 1; i < sequences.length; i++) {
        assert(sequences[i] >= sequences[i - 1], JSON.stringify(run.lastEventIds));
      }
      assert(run.bytes < 20_000, `${run.bytes} bytes on the wire`);
    },
  );

  await t.step(
    "fnlogs logs --level error prints the same 1,000 lines, and templates them",
    async () => {
      const json = await runLogs([
        "leveled",
        "-g",
        server.url,
        "--tail=false",
        "--level",
        "error",
        "-o",
        "json",
      ]);
      assertEquals([json.code, json.stderr], [0, ""]);
      const lines = json.stdout.trimEnd().split("\n");
      assertEquals(lines.map((l) => JSON.parse(JSON.parse(l).text).n), errorNumbers);
      const templated = await runLogs([
        "leveled",
        "-g",
        server.url,
        "--tail=false",
        "--where",
        "n>=99000",
        "--where",
        "status>500",
        "--template",
        '{{.n}} {{.Level}} {{printf "%q" .msg}}',
      ]);
      assertEquals(templated, {
        code: 0,
        stdout: Array.from({ length: 10 }, (_, i) => `${99_099 + i * 100} error "request failed"\n`)
          .join(""),
        stderr: "",
      });
    },
  );

  await t.step("a bad filter answers 400 with the reason", async () => {
    const bad = await fetch(`${server.url}/system/logs?name=leveled&where=n%3E`, {
      headers: { accept: "text/event-stream" },
    });
    assertEquals([bad.status, await bad.text()], [
      400,
      'invalid filter: Cannot parse where condition "n>": > needs a number\n',
    ]);
  });
});

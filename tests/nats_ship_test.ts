/**
 * `fnlogs ship` and `fnlogs serve --provider nats` as users run them, against
 * real nats-server processes on loopback: every line compared, exactly once.
 */
import { assertEquals, assertMatch } from "@std/assert";
import { NatsFixture, natsServerAvailable } from "./helpers/nats_server.ts";
import { startFnlogs } from "./helpers/fnlogs_process.ts";
import { followUntil, runLogs, startServeProcess } from "./helpers/serve_process.ts";
import { countedLines, countedStack, readStream, streamMessages } from "./helpers/nats_logs.ts";

const ignore = !natsServerAvailable();

Deno.test({
  name: "ship from the local runner, serve from the stream: every line once",
  ignore,
  async fn() {
    await using nats = await NatsFixture.single();
    const dir = await Deno.makeTempDir();
    const N = 5000;
    const stack = await countedStack(dir, N, 250, 1);
    await using shipper = startFnlogs([
      "ship",
      "--from",
      "local",
      "--stack",
      stack,
      "--to",
      nats.urls[0],
      "--stats-interval",
      "0",
    ]);
    await shipper.waitFor("stderr", /shipping openfaas-fn\/counted from its first line/);
    await using server = await startServeProcess([
      "--provider",
      "nats",
      "--nats",
      nats.urls[0],
      "--quiet",
    ]);
    await followUntil(`${server.url}/system/logs?name=counted&follow=true`, `line ${N - 1} `);
    const body = await (await fetch(`${server.url}/system/logs?name=counted`)).text();
    const messages = body.trimEnd().split("\n").map((l) => JSON.parse(l));
    assertEquals(messages.map((m) => m.text), countedLines(N));
    assertEquals(new Set(messages.map((m) => m.instance)).size, 1);
    assertMatch(messages[0].instance, /^counted-/);
    const tail = await (await fetch(`${server.url}/system/logs?name=counted&tail=10`)).text();
    assertEquals(
      tail.trimEnd().split("\n").map((l) => JSON.parse(l).text),
      countedLines(N).slice(-10),
    );
    const functions = await (await fetch(`${server.url}/system/functions`)).json();
    assertEquals(functions.map((f: { name: string }) => f.name), ["counted"]);
    // The client's direct mode reads the same stream without a server.
    const direct = await runLogs([
      "counted",
      "--provider",
      "nats",
      "--nats",
      nats.urls[0],
      "--tail=false",
      "-o",
      "json",
    ]);
    assertEquals(direct.code, 0);
    assertEquals(
      direct.stdout.trimEnd().split("\n").map((l) => JSON.parse(l).text),
      countedLines(N),
    );
    assertEquals(await shipper.stop(), 0);
    assertEquals(
      shipper.stderr.some((l) => l.includes(`stopped: ${N} lines accepted, ${N} acknowledged`)),
      true,
    );
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name:
    "ship: killed with SIGKILL mid-burst and restarted twice at once, the stream holds every line once",
  ignore,
  async fn() {
    await using nats = await NatsFixture.single();
    const dir = await Deno.makeTempDir();
    const N = 40_000;
    const stack = await countedStack(dir, N, 400, 1);
    await using source = await startServeProcess([
      "--stack",
      stack,
      "--history-lines",
      "100000",
      "--quiet",
    ]);
    const args = [
      "ship",
      "--from",
      "openfaas",
      "--upstream",
      source.url,
      "--to",
      nats.urls[0],
      "--stats-interval",
      "0",
      "--discover-interval",
      "200ms",
    ];
    const first = startFnlogs(args);
    await first.waitFor("stderr", /shipping openfaas-fn\/counted/);
    // Kill it once a third of the lines are in the stream, while it publishes.
    const early = await readStream(nats.urls, "counted", N / 3);
    assertEquals(await first.stop("SIGKILL"), 137);
    const stored = await streamMessages(nats.urls);
    // Two restarts at once (a replacement started before the old one is gone): both resume
    // from what the stream holds, after the same cursor, and publish the same message ids;
    // the broker's duplicate window keeps one copy of each.
    await using second = startFnlogs(args);
    await using third = startFnlogs(args);
    await second.waitFor("stderr", /shipping openfaas-fn\/counted after cursor /);
    await third.waitFor("stderr", /shipping openfaas-fn\/counted after cursor /);
    const all = await readStream(nats.urls, "counted", N);
    assertEquals(all.map((r) => r.text), countedLines(N));
    assertEquals(early.map((r) => r.text), countedLines(N).slice(0, early.length));
    assertEquals(await second.stop(), 0);
    assertEquals(await third.stop(), 0);
    assertEquals(await streamMessages(nats.urls), N);
    const summaries = [second, third].map((s) => s.stderr.find((l) => l.includes("stopped:"))!);
    const duplicates = summaries.map((l) => Number(l.match(/\((\d+) duplicates dropped/)![1]));
    assertEquals(duplicates[0] + duplicates[1] > 0, true);
    console.log(
      `  killed with ${stored} of ${N} lines stored; restarted twice: ` +
        summaries.map((l) => l.replace(/.*stopped: /, "")).join("; "),
    );
    await Deno.remove(dir, { recursive: true });
  },
});

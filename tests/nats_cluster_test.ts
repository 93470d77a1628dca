/**
 * Past one machine: a three-node JetStream cluster whose stream leader is
 * killed while lines are shipped and followed, and two `fnlogs serve
 * --provider nats` replicas behind a round-robin proxy, one killed while a
 * client follows through it. Every line once, in both.
 */
import { assertEquals } from "@std/assert";
import { jetstreamManager } from "@nats-io/jetstream";
import { NatsFixture, natsServerAvailable } from "./helpers/nats_server.ts";
import { startFnlogs } from "./helpers/fnlogs_process.ts";
import { startServeProcess } from "./helpers/serve_process.ts";
import { startRoundRobinProxy } from "./helpers/round_robin_proxy.ts";
import {
  assertExactlyOnce,
  countedLines,
  countedStack,
  readStream,
  streamMessages,
} from "./helpers/nats_logs.ts";
import { connectNats } from "../lib/providers/nats/connection.ts";

const ignore = !natsServerAvailable();
const texts = (lines: string[]) => lines.map((l) => JSON.parse(l).text);

Deno.test({
  name:
    "cluster: the stream leader killed (SIGKILL) while shipping and following loses and repeats nothing",
  ignore,
  async fn() {
    await using nats = await NatsFixture.cluster();
    const dir = await Deno.makeTempDir();
    const N = 20_000;
    await using source = await startServeProcess([
      "--stack",
      await countedStack(dir, N, 20, 4),
      "--history-lines",
      "100000",
      "--quiet",
    ]);
    const urls = nats.urls.join(",");
    await using shipper = startFnlogs([
      "ship",
      "--from",
      "openfaas",
      "--upstream",
      source.url,
      "--to",
      urls,
      "--replicas",
      "3",
      "--stats-interval",
      "0",
      "--discover-interval",
      "200ms",
      "--ack-timeout",
      "1s",
    ]);
    await shipper.waitFor("stderr", /shipping openfaas-fn\/counted/);
    await using server = await startServeProcess(["--provider", "nats", "--nats", urls, "--quiet"]);
    await using follower = startFnlogs(["logs", "counted", "-g", server.url, "-f", "-o", "json"]);
    await follower.waitForLines(N / 4);

    const nc = await connectNats({ servers: nats.urls, name: "test" });
    const jsm = await jetstreamManager(nc, { checkAPI: false });
    const leader = (await jsm.streams.info("FNLOGS")).cluster!.leader!;
    await nc.close();
    const node = nats.nodes[Number(leader.slice(1))];
    await node.stop("SIGKILL");
    const atKill = follower.stdout.length;

    await follower.waitForLines(N);
    const inOrder = assertExactlyOnce(texts(follower.stdout), countedLines(N));
    const alive = nats.nodes.filter((n) => n.running).map((n) => n.url);
    assertExactlyOnce((await readStream(alive, "counted", N)).map((r) => r.text), countedLines(N));
    assertEquals(await streamMessages(alive), N);
    assertEquals(await shipper.stop(), 0);
    console.log(
      `  leader ${leader} killed after ${atKill} of ${N} lines followed; ` +
        `order ${inOrder ? "kept" : "changed by a resend"}; shipper: ${
          shipper.stderr.find((l) => l.includes("stopped:"))?.replace(/.*stopped: /, "")
        }`,
    );
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name:
    "replicas: fnlogs logs -f through a round-robin proxy, a replica killed mid-follow, every line once",
  ignore,
  async fn() {
    await using nats = await NatsFixture.single();
    const dir = await Deno.makeTempDir();
    const N = 20_000;
    await using shipper = startFnlogs([
      "ship",
      "--from",
      "local",
      "--stack",
      await countedStack(dir, N, 20, 4),
      "--to",
      nats.urls[0],
      "--stats-interval",
      "0",
    ]);
    await shipper.waitFor("stderr", /shipping openfaas-fn\/counted/);
    const replicas = [
      await startServeProcess(["--provider", "nats", "--nats", nats.urls[0], "--quiet"]),
      await startServeProcess(["--provider", "nats", "--nats", nats.urls[0], "--quiet"]),
    ];
    try {
      await using proxy = startRoundRobinProxy(
        replicas.map((r) => ({ hostname: "127.0.0.1", port: Number(new URL(r.url).port) })),
      );
      await using follower = startFnlogs(["logs", "counted", "-g", proxy.url, "-f", "-o", "json"]);
      await follower.waitForLines(N / 3);
      const serving = proxy.counts.findIndex((c) => c > 0);
      replicas[serving].child.kill("SIGKILL");
      await replicas[serving].child.status;
      const atKill = follower.stdout.length;
      await follower.waitForLines(N);
      assertExactlyOnce(texts(follower.stdout), countedLines(N));
      assertEquals(proxy.counts[1 - serving] > 0, true);
      await follower.waitFor("stderr", /reconnect|resum/i);
      console.log(
        `  replica ${serving} killed after ${atKill} of ${N} lines; resumed on the other`,
      );
    } finally {
      for (const r of replicas) await r.stop();
    }
    await Deno.remove(dir, { recursive: true });
  },
});

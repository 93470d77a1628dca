/**
 * The broker away: unreachable when the shipper starts, then gone for 10 s
 * mid-stream; and the errors a user gets for bad URLs and credentials.
 */
import { assertEquals, assertMatch } from "@std/assert";
import { NatsFixture, natsServerAvailable } from "./helpers/nats_server.ts";
import { startFnlogs } from "./helpers/fnlogs_process.ts";
import { startServeProcess } from "./helpers/serve_process.ts";
import {
  assertExactlyOnce,
  countedLines,
  countedStack,
  readStream,
  streamMessages,
} from "./helpers/nats_logs.ts";

const ignore = !natsServerAvailable();

Deno.test({
  name: "ship: broker unreachable at start and gone for 10 s mid-stream, nothing lost or repeated",
  ignore,
  async fn() {
    await using nats = await NatsFixture.single();
    const node = nats.nodes[0];
    await node.stop();
    const dir = await Deno.makeTempDir();
    const N = 30_000;
    await using source = await startServeProcess([
      "--stack",
      await countedStack(dir, N, 20, 2),
      "--history-lines",
      "100000",
      "--quiet",
    ]);
    await using shipper = startFnlogs([
      "ship",
      "--from",
      "openfaas",
      "--upstream",
      source.url,
      "--to",
      node.url,
      "--stats-interval",
      "0",
      "--discover-interval",
      "200ms",
      "--ack-timeout",
      "1s",
    ]);
    assertMatch(
      await shipper.waitFor("stderr", /cannot reach NATS/),
      /cannot reach NATS at nats:\/\/127\.0\.0\.1:\d+ \(.*\); retrying in \d+\.\d s/,
    );
    await node.start();
    await shipper.waitFor("stderr", /shipping openfaas-fn\/counted/);
    await readStream([node.url], "counted", N / 4);
    await node.stop();
    await shipper.waitFor("stderr", /lost NATS server .*; reconnecting with backoff/);
    await new Promise((resolve) => setTimeout(resolve, 10_000)); // the outage itself
    await node.start();
    await shipper.waitFor("stderr", /reconnected to NATS/);
    const all = await readStream([node.url], "counted", N);
    const inOrder = assertExactlyOnce(all.map((r) => r.text), countedLines(N));
    assertEquals(await streamMessages([node.url]), N);
    assertEquals(await shipper.stop(), 0);
    const summary = shipper.stderr.find((l) => l.includes("stopped:"))?.replace(/.*stopped: /, "");
    console.log(`  ${N} lines once, order ${inOrder ? "kept" : "changed"}; shipper: ${summary}`);
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name:
    "ship: told to stop while the broker is away, it stops at once; the next run ships the rest once",
  ignore,
  async fn() {
    await using nats = await NatsFixture.single();
    const node = nats.nodes[0];
    const dir = await Deno.makeTempDir();
    const N = 20_000;
    await using source = await startServeProcess([
      "--stack",
      await countedStack(dir, N, 20, 2),
      "--history-lines",
      "100000",
      "--quiet",
    ]);
    const shipArgs = [
      "ship",
      "--from",
      "openfaas",
      "--upstream",
      source.url,
      "--to",
      node.url,
      "--stats-interval",
      "0",
      "--max-in-flight",
      "64",
    ];
    {
      await using shipper = startFnlogs(shipArgs);
      await shipper.waitFor("stderr", /shipping openfaas-fn\/counted/);
      await readStream([node.url], "counted", 100);
      await node.stop();
      await shipper.waitFor("stderr", /lost NATS server/);
      // Blocked on room only the broker can make, with lines unacknowledged:
      // SIGTERM must still end it (it used to wait for the broker forever;
      // a hang is cut at 10 s and fails as SIGKILL's exit code).
      const hung = setTimeout(() => shipper.child.kill("SIGKILL"), 10_000);
      const code = await shipper.stop("SIGTERM");
      clearTimeout(hung);
      if (code !== 0) console.error(shipper.stderr.join("\n"));
      assertEquals(code, 0);
      assertMatch(
        shipper.stderr.join("\n"),
        /stopped with NATS away: \d+ lines accepted, \d+ acknowledged, [1-9]\d* left for the next run/,
      );
    }
    await node.start();
    await using again = startFnlogs(shipArgs);
    await again.waitFor("stderr", /shipping openfaas-fn\/counted after cursor/);
    const all = await readStream([node.url], "counted", N);
    assertExactlyOnce(all.map((r) => r.text), countedLines(N));
    assertEquals(await streamMessages([node.url]), N);
    assertEquals(await again.stop(), 0);
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name: "ship: told to stop before the broker could ever be reached, it says so and exits 0",
  ignore,
  async fn() {
    await using nats = await NatsFixture.single();
    const node = nats.nodes[0];
    await node.stop();
    const dir = await Deno.makeTempDir();
    await using shipper = startFnlogs([
      "ship",
      "--from",
      "local",
      "--stack",
      await countedStack(dir, 10, 10, 1),
      "--to",
      node.url,
    ]);
    await shipper.waitFor("stderr", /cannot reach NATS/);
    assertEquals(await shipper.stop("SIGINT"), 0);
    assertMatch(shipper.stderr.join("\n"), /stopped before NATS could be reached: nothing shipped/);
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name: "ship and serve: bad URLs, refused credentials and missing permissions are clear errors",
  ignore,
  async fn() {
    const dir = await Deno.makeTempDir();
    await Deno.writeTextFile(
      `${dir}/auth.conf`,
      `accounts {
  LOGS {
    jetstream: enabled
    users: [
      { user: reader, password: pw, permissions: { publish: { deny: ["fnlogs.>"] } } }
    ]
  }
}
`,
    );
    await using nats = await NatsFixture.single(["-c", `${dir}/auth.conf`]);
    const stack = await countedStack(dir, 10, 10, 1);
    const ship = async (to: string) => {
      await using run = startFnlogs(["ship", "--from", "local", "--stack", stack, "--to", to]);
      const timer = setTimeout(() => console.error(run.stderr.join("\n")), 15000);
      const code = await run.child.status.then((s) => s.code);
      clearTimeout(timer);
      return {
        code,
        error: run.stderr.find((l) => l.startsWith("error: ")) ?? run.stderr.join("\n"),
      };
    };
    const port = new URL(nats.urls[0]).port;
    const bad = await ship("http://127.0.0.1:4222");
    assertEquals(bad, {
      code: 2,
      error:
        'error: --to: Cannot use NATS URL "http://127.0.0.1:4222": the scheme must be nats:// or tls://',
    });
    const refused = await ship(`nats://reader:wrong@127.0.0.1:${port}`);
    assertEquals(refused.code, 1);
    assertMatch(
      refused.error,
      /^error: Cannot connect to NATS at nats:\/\/127\.0\.0\.1:\d+: NATS refused the credentials/,
    );
    const denied = await ship(`nats://reader:pw@127.0.0.1:${port}`);
    assertEquals(denied.code, 1);
    assertMatch(denied.error, /^error: NATS denied permission: .*fnlogs\.openfaas-fn\.counted/i);

    const serve = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("../main.ts", import.meta.url).pathname,
        "serve",
        "--provider",
        "nats",
        "--nats",
        "nats://a b",
      ],
      stdout: "null",
      stderr: "piped",
    });
    const out = await serve.output();
    assertEquals(out.code, 2);
    assertMatch(
      new TextDecoder().decode(out.stderr),
      /^error: --nats: Cannot parse NATS URL "nats:\/\/a b"/,
    );
    await Deno.remove(dir, { recursive: true });
  },
});

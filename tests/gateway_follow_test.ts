/**
 * fnlogs behind an OpenFaaS gateway, the most common production setup:
 * `fnlogs serve` as the gateway's logs provider, clients pointed at the
 * gateway (`helpers/openfaas_gateway.ts` behaves as the real one: headers
 * dropped, `text/plain`, headers only with the first write, cut at its write
 * timeout without the terminating chunk, 404 -> empty 501). Every line
 * arrives exactly once through many write-timeout cuts, directly and through
 * a relay on either side of the gateway; history dumps match a direct read
 * byte for byte; an unknown function gets faas-cli's line and a hint.
 */
import { assert, assertEquals } from "@std/assert";
import { followLogBatches } from "../lib/client/follow_logs.ts";
import { startOpenFaasGateway } from "./helpers/openfaas_gateway.ts";
import { followUntil, runLogs, startServeProcess } from "./helpers/serve_process.ts";

const PACED = new URL("./functions/paced.ts", import.meta.url).pathname;

/** A stack with `ticks` (a line every 2 ms) and `history` (60 awkward lines, then silence). */
async function stack(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "fnlogs-gateway-" });
  const history = `${dir}/history.ts`;
  await Deno.writeTextFile(
    history,
    `for (let i = 0; i < 60; i++) console.log(i % 3 === 0 ? \`{"level":"info","n":\${i},"msg":"a<b & \\\\"q\\\\""}\` : \`line \${i} é 日本 \\\\t tab\`);\nsetInterval(() => {}, 1 << 30);\n`,
  );
  await Deno.writeTextFile(
    `${dir}/stack.yml`,
    `functions:\n  ticks:\n    fnlogs:\n      command: ["deno", "run", "${PACED}", "2"]\n` +
      `  history:\n    fnlogs:\n      command: ["deno", "run", "${history}"]\n`,
  );
  return `${dir}/stack.yml`;
}

/** Follows `ticks` through `gateway` until `count` lines arrived; returns their texts. */
async function follow(gateway: string, count: number): Promise<string[]> {
  const controller = new AbortController();
  const texts: string[] = [];
  for await (
    const batch of followLogBatches({
      gateway,
      name: "ticks",
      tail: -1,
      backoff: { initialMs: 0, capMs: 5 },
      signal: controller.signal,
    })
  ) {
    for (const record of batch) texts.push(record.text);
    if (texts.length >= count) controller.abort();
  }
  return texts.slice(0, count);
}

/**
 * Waits until a line of `ticks` comes through `url` (relays and gateways
 * connected once). The gateway's short write timeout can cut a first answer
 * that a freshly started relay is slow to give; a client fails at once on a
 * first connection that ends before any answer (as faas-cli does), so the
 * follow starts only once the path answers.
 */
async function warmUp(url: string): Promise<void> {
  for (let attempt = 0;; attempt++) {
    try {
      return await followUntil(`${url}/system/logs?name=ticks&follow=true&tail=1`, '"text":');
    } catch (error) {
      if (attempt === 20) throw error;
    }
  }
}

const expected = (count: number) => Array.from({ length: count }, (_, i) => `line ${i}`);

Deno.test("through the gateway's write-timeout cuts, every line arrives exactly once", async () => {
  await using server = await startServeProcess(["--quiet", "--stack", await stack()]);
  await using gateway = startOpenFaasGateway({ provider: server.url, writeTimeoutMs: 120 });
  await warmUp(gateway.url);
  // 20 cuts at 120 ms, 2 ms a line: well over 1,200 lines.
  const lines = await follow(gateway.url, 2_000);
  assertEquals(lines, expected(2_000));
  assert(gateway.cuts >= 20, `only ${gateway.cuts} cuts`);
  // The resume point crossed the gateway as Last-Event-ID.
  assert(gateway.forwarded.filter((h) => h.has("last-event-id")).length >= 20);
});

Deno.test("through a relay on either side of the gateway, every line arrives exactly once", async () => {
  await using server = await startServeProcess(["--quiet", "--stack", await stack()]);
  // client -> relay -> gateway -> fnlogs serve
  await using inner = startOpenFaasGateway({ provider: server.url, writeTimeoutMs: 150 });
  await using relayInFront = await startServeProcess(["--quiet", "--upstream", inner.url]);
  // client -> gateway -> relay -> fnlogs serve
  await using relayBehind = await startServeProcess(["--quiet", "--upstream", server.url]);
  await using outer = startOpenFaasGateway({ provider: relayBehind.url, writeTimeoutMs: 150 });
  await Promise.all([warmUp(relayInFront.url), warmUp(outer.url)]);
  const [front, behind] = await Promise.all([
    follow(relayInFront.url, 1_000),
    follow(outer.url, 1_000),
  ]);
  assertEquals(front, expected(1_000));
  assertEquals(behind, expected(1_000));
  assert(inner.cuts >= 5 && outer.cuts >= 5, `cuts: ${inner.cuts}, ${outer.cuts}`);
});

Deno.test("history through the gateway prints what a direct read prints, in every output format", async () => {
  await using server = await startServeProcess(["--quiet", "--stack", await stack()]);
  await using gateway = startOpenFaasGateway({ provider: server.url });
  // Once the function wrote its 60 lines (the history is read at once after).
  await followUntil(`${server.url}/system/logs?name=history&follow=true`, '"text":"line 59 ');
  for (const output of ["plain", "keyvalue", "json"]) {
    const args = ["history", "--tail=false", "-o", output];
    const direct = await runLogs([...args, "-g", server.url]);
    const through = await runLogs([...args, "-g", gateway.url]);
    assertEquals(direct.code, 0, direct.stderr);
    assertEquals(direct.stdout.split("\n").length, 61, direct.stdout);
    assertEquals(through, direct);
  }
});

Deno.test("an unknown function through the gateway: faas-cli's line, then a hint", async () => {
  await using server = await startServeProcess(["--quiet", "--stack", await stack()]);
  await using gateway = startOpenFaasGateway({ provider: server.url });
  const result = await runLogs(["nosuch", "-g", gateway.url]);
  assertEquals(result.code, 1);
  assertEquals(result.stdout, "");
  assertEquals(
    result.stderr,
    "error: Server returned unexpected status code: 501 - \n" +
      "hint: the gateway's logs provider found no such function in the default namespace, or " +
      'it does not serve logs (check the name with "faas-cli list" and the namespace with -n)\n',
  );
});

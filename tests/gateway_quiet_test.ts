/**
 * A quiet function behind an OpenFaaS gateway: the gateway sends no headers
 * until the first body write, so a client must not take ten silent seconds
 * for a dead gateway. Both what fnlogs serve sends (its event stream, whose
 * preamble goes out at once) and what faas-provider sends (NDJSON, nothing
 * until the first line).
 */
import { assertEquals } from "@std/assert";
import { startOpenFaasGateway } from "./helpers/openfaas_gateway.ts";
import { runLogs, startServeProcess } from "./helpers/serve_process.ts";

const PACED = new URL("./functions/paced.ts", import.meta.url).pathname;

Deno.test("a function quiet for 10 s prints its first line through the gateway", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fnlogs-quiet-" });
  await Deno.writeTextFile(
    `${dir}/stack.yml`,
    `functions:\n  quiet:\n    fnlogs:\n      command: ["deno", "run", "${PACED}", "1", "10000", "1"]\n`,
  );
  await using server = await startServeProcess(["--quiet", "--stack", `${dir}/stack.yml`]);
  await using eventStream = startOpenFaasGateway({ provider: server.url });
  await using ndjson = startOpenFaasGateway({ provider: server.url, ndjsonOnly: true });
  const args = ["quiet", "-f", "--max-lines", "1", "--time-format="];
  const started = performance.now();
  const [viaEventStream, viaNdjson] = await Promise.all([
    runLogs([...args, "-g", eventStream.url]),
    runLogs([...args, "-g", ndjson.url]),
  ]);
  const waited = performance.now() - started;
  for (const run of [viaEventStream, viaNdjson]) {
    assertEquals(run, { code: 0, stdout: "line 0\n", stderr: "" });
  }
  // It really was quiet that long (the line is written 10 s after the start).
  assertEquals(waited > 9_000, true, `${waited} ms`);
  assertEquals(ndjson.forwarded.every((h) => !h.has("accept")), true);
});

Deno.test("a quiet function whose gateway's write timeout cuts the first request before any header: reconnected, not 'Cannot connect'", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fnlogs-quiet-" });
  await Deno.writeTextFile(
    `${dir}/stack.yml`,
    `functions:\n  quiet:\n    fnlogs:\n      command: ["deno", "run", "${PACED}", "1", "2500", "1"]\n`,
  );
  await using server = await startServeProcess(["--quiet", "--stack", `${dir}/stack.yml`]);
  // NDJSON, as faas-provider answers: nothing at all until the first line,
  // and the gateway's deadline (400 ms here, 60 s by default) ends the
  // request before its head.
  await using gateway = startOpenFaasGateway({
    provider: server.url,
    ndjsonOnly: true,
    writeTimeoutMs: 400,
  });
  const run = await runLogs([
    "quiet",
    "-f",
    "--tail",
    "0",
    "--max-lines",
    "1",
    "--time-format=",
    "-g",
    gateway.url,
  ]);
  assertEquals([run.code, run.stdout], [0, "line 0\n"]);
  assertEquals(gateway.cuts >= 2, true, `cut ${gateway.cuts} times`);
  // Said as a reconnect (it was fatal: exit 1 after the first cut).
  assertEquals(
    /\(The connection closed before the response head\); reconnecting in \d+ms \(attempt 1\)/
      .test(run.stderr),
    true,
    run.stderr,
  );
});

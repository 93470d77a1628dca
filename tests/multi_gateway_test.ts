/**
 * `fnlogs logs` reading several gateways at once (`-g` repeated, or a
 * `--context` of the config file), as a black box against fake OpenFaaS
 * gateways: lines merged in timestamp order, each saying where it came
 * from, credentials per gateway, and a resume file covering both.
 */
import { assertEquals, assertStringIncludes } from "@std/assert";
import { type FakeGateway, gatewayScript, startFakeGateway } from "./helpers/fake_gateway.ts";
import type { LogMessage } from "../lib/types.ts";
import { runLogs } from "./helpers/serve_process.ts";

/** A history of `env` on one gateway: lines at the given milliseconds past a minute. */
function history(instance: string, ms: number[]): LogMessage[] {
  return ms.map((m) => ({
    name: "env",
    namespace: "openfaas-fn",
    instance,
    timestamp: `2023-07-04T16:32:22.${String(m).padStart(3, "0")}000001Z`,
    text: `${instance} ${m}`,
  }));
}

/** Two gateways whose lines interleave in time; each honours `since`. */
function twoGateways(tokens: [string?, string?] = []): [FakeGateway, FakeGateway] {
  const serve = (lines: LogMessage[], token?: string) =>
    startFakeGateway(gatewayScript((request) => {
      const since = request.query.get("since");
      return since === null ? lines : lines.filter((m) => m.timestamp >= since);
    }, { token }));
  return [serve(history("a", [0, 2, 4]), tokens[0]), serve(history("b", [1, 3, 5]), tokens[1])];
}

const host = (g: FakeGateway) => new URL(g.url).host;
// A generous window: both histories arrive within it however busy the machine is.
const BASE = ["env", "--tail=false", "--time-format=", "--reorder-window", "5000"];

Deno.test("fnlogs logs -g A -g B merges both gateways in timestamp order, each line saying where from", async () => {
  const [a, b] = twoGateways();
  await using _a = a;
  await using _b = b;
  const plain = await runLogs([...BASE, "-g", a.url, "-g", b.url]);
  assertEquals(plain.code, 0, plain.stderr);
  const [ha, hb] = [host(a), host(b)];
  assertEquals(plain.stdout.split("\n"), [
    `[${ha}] env (a) a 0`,
    `[${hb}] env (b) b 1`,
    `[${ha}] env (a) a 2`,
    `[${hb}] env (b) b 3`,
    `[${ha}] env (a) a 4`,
    `[${hb}] env (b) b 5`,
    "",
  ]);
  const json = await runLogs([...BASE, "-g", a.url, "-g", b.url, "-o", "json"]);
  assertEquals(
    json.stdout.split("\n")[1],
    `{"name":"env","namespace":"openfaas-fn","instance":"b","timestamp":"2023-07-04T16:32:22.001000001Z","text":"b 1","gateway":"${hb}"}`,
  );
  const keyvalue = await runLogs([...BASE, "-g", a.url, "-g", b.url, "-o", "keyvalue"]);
  assertEquals(
    keyvalue.stdout.split("\n")[0],
    `gateway="${ha}" name="env" instance="a" text="a 0" `,
  );
});

Deno.test("fnlogs logs --context reads the config file's gateways, labels and tokens", async () => {
  const [a, b] = twoGateways(["ta", "tb"]);
  await using _a = a;
  await using _b = b;
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/b.token`, "tb\n");
    await Deno.writeTextFile(
      `${dir}/config.yaml`,
      `contexts:\n  both:\n    gateways:\n` +
        `      - {url: "${a.url}", label: eu, token: ta}\n` +
        `      - {url: "${b.url}", label: us, token-file: b.token}\n`,
    );
    const run = await runLogs([...BASE, "--context", "both"], {
      FNLOGS_CONFIG: `${dir}/config.yaml`,
    });
    assertEquals(run.code, 0, run.stderr);
    assertEquals(run.stdout.split("\n").slice(0, 2), ["[eu] env (a) a 0", "[us] env (b) b 1"]);
    const unknown = await runLogs([...BASE, "--context", "nope"], {
      FNLOGS_CONFIG: `${dir}/config.yaml`,
    });
    assertEquals(unknown.code, 2);
    assertStringIncludes(unknown.stderr, "has no such context (contexts: both)");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fnlogs logs --resume-file covers several gateways: a second run prints the rest, once", async () => {
  const [a, b] = twoGateways();
  await using _a = a;
  await using _b = b;
  const dir = await Deno.makeTempDir();
  try {
    const args = [...BASE, "-g", a.url, "-g", b.url, "--resume-file", `${dir}/pos.json`];
    const first = await runLogs([...args, "--max-lines", "3"]);
    const second = await runLogs(args);
    assertEquals([first.code, second.code], [0, 0], first.stderr + second.stderr);
    const texts = (first.stdout + second.stdout).split("\n").filter((l) => l).map((l) =>
      l.replace(/^.* /, "")
    );
    assertEquals(texts, ["0", "1", "2", "3", "4", "5"]);
    // The other set of gateways is refused, not misread.
    const other = await runLogs([...BASE, "-g", a.url, "--resume-file", `${dir}/pos.json`]);
    assertEquals(other.code, 2);
    assertStringIncludes(
      other.stderr,
      `error: Cannot use resume file ${dir}/pos.json: it was written for env from`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

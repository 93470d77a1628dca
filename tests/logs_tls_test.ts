/**
 * `fnlogs logs` against a gateway served over TLS with a certificate from a
 * test CA: refused without trust, accepted with `--cacert`, and accepted with
 * `--tls-no-verify` (which makes fnlogs run itself again with Deno's
 * certificate checks off for that host only).
 */
import { assert, assertEquals } from "@std/assert";
import { createHandler } from "../server/handler.ts";
import { TEST_TLS } from "./helpers/fake_kube_api.ts";
import { MemoryProvider, record } from "./helpers/memory_provider.ts";
import {
  followUntil,
  LOGS_RUN_FLAGS,
  MAIN,
  runLogs,
  startServeProcess,
} from "./helpers/serve_process.ts";

const logs = (args: string[]) => runLogs(args);

/** A gateway over TLS (the test CA's certificate, for localhost) holding one line of `fn`. */
function tlsGateway() {
  const provider = new MemoryProvider();
  provider.history.set("fn", [record("over tls", { timestamp: "2024-05-06T07:08:09Z" })]);
  const server = Deno.serve({
    port: 0,
    hostname: "127.0.0.1",
    cert: TEST_TLS.serverCert,
    key: TEST_TLS.serverKey,
    onListen() {},
  }, createHandler({ provider }));
  return { server, gateway: `https://localhost:${server.addr.port}` };
}

Deno.test("fnlogs logs over TLS: refused without trust, accepted with --cacert or --tls-no-verify", async () => {
  const { server, gateway } = tlsGateway();
  const dir = await Deno.makeTempDir();
  try {
    const common = ["fn", "-g", gateway, "--tail=false"];
    const refused = await logs(common);
    assertEquals(refused.code, 1);
    assert(
      refused.stderr.includes(`error: Cannot connect to OpenFaaS on URL: ${gateway}`),
      refused.stderr,
    );

    await Deno.writeTextFile(`${dir}/ca.pem`, TEST_TLS.ca);
    const trusted = await logs([...common, "--cacert", `${dir}/ca.pem`]);
    assertEquals([trusted.code, trusted.stdout], [0, "2024-05-06T07:08:09Z over tls\n"]);

    const unverified = await logs([...common, "--tls-no-verify"]);
    assertEquals([unverified.code, unverified.stdout], [0, "2024-05-06T07:08:09Z over tls\n"]);

    // The gateway named by a --context: checks are off for its host, not the default's.
    await Deno.writeTextFile(
      `${dir}/config.yaml`,
      `contexts:\n  tls:\n    gateways:\n      - url: ${gateway}\n`,
    );
    const viaContext = await runLogs(
      ["fn", "--context", "tls", "--tail=false", "--tls-no-verify"],
      { FNLOGS_CONFIG: `${dir}/config.yaml` },
    );
    assertEquals(viaContext.code, 0, viaContext.stderr);
    assert(viaContext.stdout.endsWith("over tls\n"), viaContext.stdout);
    assert(viaContext.stderr.includes("localhost"), viaContext.stderr);
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fnlogs serve --cert --key serves HTTPS that fnlogs logs --cacert trusts", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/server.pem`, TEST_TLS.serverCert);
    await Deno.writeTextFile(`${dir}/server.key`, TEST_TLS.serverKey);
    await Deno.writeTextFile(`${dir}/ca.pem`, TEST_TLS.ca);
    await Deno.writeTextFile(
      `${dir}/stack.yml`,
      'version: 1.0\nfunctions:\n  fn:\n    fnlogs:\n      command: "echo secure; sleep 60"\n',
    );
    await using server = await startServeProcess([
      "--stack",
      `${dir}/stack.yml`,
      "--cert",
      `${dir}/server.pem`,
      "--key",
      `${dir}/server.key`,
    ]);
    const gateway = server.url.replace("127.0.0.1", "localhost");
    assert(gateway.startsWith("https://localhost:"), gateway);
    // Until the function has written its line.
    using client = Deno.createHttpClient({ caCerts: [TEST_TLS.ca] });
    await followUntil(`${gateway}/system/logs?name=fn&follow=true`, '"text":"secure"', { client });
    const run = await logs([
      "fn",
      "-g",
      gateway,
      "--tail=false",
      "--time-format=",
      "--cacert",
      `${dir}/ca.pem`,
    ]);
    assertEquals(run.code, 0, run.stderr);
    const printed = run.stdout;
    assertEquals(printed, "secure\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fnlogs logs --tls-no-verify: a terminal's Ctrl-C (to the whole process group) stops it cleanly, exit 0", async () => {
  const { server, gateway } = tlsGateway();
  // Its own process group, as a shell runs a foreground job: a group signal
  // reaches fnlogs and the fnlogs it runs again.
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...LOGS_RUN_FLAGS, MAIN, "logs", "fn", "-g", gateway, "--tls-no-verify", "-f"],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    detached: true,
  }).spawn();
  const stderr = new Response(child.stderr).text();
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    while (!out.includes("over tls")) out += (await reader.read()).value ?? "";
    Deno.kill(-child.pid, "SIGINT");
    const status = await child.status;
    reader.releaseLock();
    const said = await stderr;
    assertEquals(said.includes("again: stopping now"), false, said);
    assertEquals(status.code, 0, said);
  } finally {
    try {
      Deno.kill(-child.pid, "SIGKILL");
    } catch {
      // Gone.
    }
    await server.shutdown();
  }
});

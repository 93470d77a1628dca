/**
 * `fnlogs logs` as a black box: `deno run main.ts logs ...` in a child
 * process against a fake gateway on loopback; stdout, stderr, exit codes.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { gatewayScript, messages, startFakeGateway } from "./helpers/fake_gateway.ts";

import { MAIN, runLogs } from "./helpers/serve_process.ts";

const fnlogs = (args: string[], env: Record<string, string> = {}) =>
  runLogs(args, { NO_COLOR: "", ...env });

Deno.test("fnlogs logs prints a history like faas-cli and exits 0", async () => {
  await using gateway = startFakeGateway(gatewayScript(() => messages(3)));
  const result = await fnlogs(["env", "--tail=false"], { OPENFAAS_URL: gateway.url });
  assertEquals(result, {
    code: 0,
    stdout:
      "2023-07-04T16:32:22Z line 0\n2023-07-04T16:32:22Z line 1\n2023-07-04T16:32:22Z line 2\n",
    stderr: "",
  });
});

Deno.test("fnlogs logs exits 1 with faas-cli's message when it cannot connect", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const url = `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`;
  listener.close();
  const result = await fnlogs(["env", "-g", url]);
  assertEquals(result.code, 1);
  assertEquals(result.stdout, "");
  assert(
    result.stderr.endsWith(`error: Cannot connect to OpenFaaS on URL: ${url}\n`),
    result.stderr,
  );
});

Deno.test("fnlogs logs exits 1 with faas-cli's message on 401", async () => {
  await using gateway = startFakeGateway(gatewayScript(() => [], { token: "t" }));
  const result = await fnlogs(["env", "-g", gateway.url]);
  assertEquals(result.code, 1);
  assertEquals(
    result.stderr,
    'error: Unauthorized access, run "faas-cli login" to setup authentication for this server\n',
  );
});

Deno.test("fnlogs logs exits 2 on bad usage", async () => {
  const result = await fnlogs(["env", "--tail=maybe"]);
  assertEquals(result.code, 2);
  assertStringIncludes(result.stderr, 'error: invalid argument "maybe" for "--tail"');
});

Deno.test("fnlogs logs exits 3 when a follow ends for good", async () => {
  await using gateway = startFakeGateway(gatewayScript(() => messages(1)));
  const result = await fnlogs(["env", "-g", gateway.url, "--no-reconnect"]);
  assertEquals(result.code, 3);
  assertEquals(result.stdout, "2023-07-04T16:32:22Z line 0\n");
  assertStringIncludes(result.stderr, "not reconnecting (--no-reconnect)");
});

Deno.test("fnlogs logs exits 4 when --until-match never matched, 0 when it did", async () => {
  await using gateway = startFakeGateway(gatewayScript(() => messages(3), { follow: "hang" }));
  const miss = await fnlogs(["env", "-g", gateway.url, "--until-match", "nope", "--for", "100ms"]);
  assertEquals(miss.code, 4);
  const hit = await fnlogs(["env", "-g", gateway.url, "--until-match", "line 1"]);
  assertEquals([hit.code, hit.stdout.split("\n").length], [0, 3]);
});

Deno.test("fnlogs logs ends quietly with 0 when its reader goes away (| head -3)", async () => {
  await using gateway = startFakeGateway(gatewayScript(() => messages(20_000), { follow: "hang" }));
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "logs", "env", "-g", gateway.url],
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (text.split("\n").length <= 3) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  await reader.cancel();
  const status = await child.status;
  const stderr = await new Response(child.stderr).text();
  assertEquals(text.split("\n").slice(0, 3), [
    "2023-07-04T16:32:22Z line 0",
    "2023-07-04T16:32:22Z line 1",
    "2023-07-04T16:32:22Z line 2",
  ]);
  assertEquals([status.code, stderr], [0, ""]);
});

Deno.test("fnlogs help, version and completions end quietly with 0 when nobody reads them (| true)", async () => {
  for (const args of [["help"], ["version"], ["completions", "bash"], ["serve", "--help"]]) {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, ...args],
      stdout: "piped",
      stderr: "piped",
      stdin: "null",
    }).spawn();
    // The reader goes away before a byte is written.
    await child.stdout.cancel();
    const status = await child.status;
    const stderr = await new Response(child.stderr).text();
    assertEquals([status.code, stderr], [0, ""], args.join(" "));
  }
});

Deno.test("fnlogs logs and serve: a file flag that names no readable file is a usage error naming the flag (exit 2)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const cacert = await fnlogs(["env", "--cacert", `${dir}/none.pem`]);
    assertEquals(cacert.code, 2, cacert.stderr);
    assertStringIncludes(cacert.stderr, `error: --cacert: cannot read ${dir}/none.pem: `);
    // A directory is no resume file.
    const resume = await fnlogs(["env", "--resume-file", dir, "-g", "http://127.0.0.1:9"]);
    assertEquals(resume.code, 2, resume.stderr);
    assertStringIncludes(resume.stderr, `error: Cannot use resume file ${dir}: `);
    const serve = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        MAIN,
        "serve",
        "--port",
        "0",
        "--cert",
        `${dir}/c.pem`,
        "--key",
        `${dir}/k.pem`,
      ],
      stdin: "null",
    }).output();
    assertEquals(serve.code, 2);
    assertStringIncludes(
      new TextDecoder().decode(serve.stderr),
      `error: --cert: cannot read ${dir}/c.pem: `,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

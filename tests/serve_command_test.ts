/**
 * `fnlogs serve` as a user runs it: a real process on a free port, the local
 * runner's real child processes, real HTTP, and SIGTERM.
 */
import { assert, assertEquals } from "@std/assert";
import { TextLineStream } from "@std/streams";
import { childrenOf, isGone } from "./helpers/process_state.ts";
import { type ServeProcess, startServeProcess } from "./helpers/serve_process.ts";

async function serve(stackText: string): Promise<ServeProcess> {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/stack.yml`, stackText);
  return await startServeProcess(["--stack", `${dir}/stack.yml`]);
}

const STACK = `
version: 1.0
functions:
  echoer:
    fnlogs:
      command: "i=0; while true; do i=$((i+1)); echo \\"tick $i\\"; sleep 0.05; done"
      replicas: 2
`;

Deno.test("fnlogs serve runs a stack, streams its logs, and shuts down cleanly on SIGTERM", async () => {
  const served = await serve(STACK);
  const { child, url } = served;
  try {
    // Functions are listed with their instances.
    const functions = await (await fetch(`${url}/system/functions`)).json();
    assertEquals(functions.map((f: { name: string }) => f.name), ["echoer"]);
    assertEquals(functions[0].replicas, 2);

    // A follow stream gets live lines from both replicas, in the reference's shape.
    const response = await fetch(`${url}/system/logs?follow=true&name=echoer&tail=-1`);
    assertEquals(response.status, 200);
    assertEquals(response.headers.get("content-type"), "application/x-ndjson");
    const lines: TransformStream<string, string> = new TextLineStream();
    const reader = response.body!.pipeThrough(new TextDecoderStream()).pipeThrough(lines)
      .getReader();
    const instances = new Set<string>();
    while (instances.size < 2) {
      const { value } = await reader.read();
      const message = JSON.parse(value!);
      assertEquals(Object.keys(message), ["name", "namespace", "instance", "timestamp", "text"]);
      assertEquals([message.name, message.namespace], ["echoer", "openfaas-fn"]);
      assert(/^tick \d+$/.test(message.text), message.text);
      assert(/^echoer-[a-z0-9]{5}$/.test(message.instance), message.instance);
      instances.add(message.instance);
    }
    const replicas = childrenOf(child.pid);
    assertEquals(replicas.length, 2);
    for (const pid of replicas) assertEquals(isGone(pid), false);

    // SIGTERM: the open stream ends cleanly (terminator, so the reader sees done),
    // children stop, exit code 0.
    child.kill("SIGTERM");
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
    const status = await child.status;
    assertEquals(status.code, 0);
    await served.waitForLog(/stopped/);
    for (const pid of replicas) {
      assertEquals(isGone(pid), true, `replica ${pid} outlived the server`);
    }
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
    await child.status;
  }
});

Deno.test("fnlogs serve answers bad requests with 4xx and clear text", async () => {
  const served = await serve(STACK);
  try {
    const cases: [string, number, string][] = [
      [
        "/system/logs?name=echoer&tail=ten",
        422,
        'could not parse the log request: tail must be an integer, got "ten"\n',
      ],
      [
        "/system/logs?name=missing",
        404,
        'Function "missing" not found in namespace "openfaas-fn"\n',
      ],
    ];
    for (const [path, status, body] of cases) {
      const response = await fetch(served.url + path);
      assertEquals([response.status, await response.text()], [status, body]);
    }
  } finally {
    served.child.kill("SIGTERM");
    assertEquals((await served.child.status).code, 0);
  }
});

Deno.test("fnlogs serve: a second SIGTERM while it stops a function that ignores the first exits at once (143), and takes the function along", async () => {
  const served = await serve(`
functions:
  stubborn:
    fnlogs:
      command: "trap '' TERM; while true; do echo tick; sleep 0.05; done"
`);
  const { child } = served;
  try {
    await served.waitForLog(/stubborn-\w+ started/);
    const replicas = childrenOf(child.pid);
    assertEquals(replicas.length, 1);
    child.kill("SIGTERM");
    // Stopping: the function ignores SIGTERM, so the server waits out its
    // 2 s grace before SIGKILL. The user does not want to wait.
    await served.waitForLog(/shutting down/);
    child.kill("SIGTERM");
    assertEquals((await child.status).code, 143);
    await served.waitForLog(/SIGTERM again: stopping now/);
    assertEquals(served.log.some((l) => l.line.endsWith("stopped")), false);
    assertEquals(
      isGone(replicas[0]),
      true,
      `the function (pid ${replicas[0]}) outlived the server`,
    );
  } finally {
    await served.stop();
  }
});

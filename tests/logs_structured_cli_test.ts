/**
 * `fnlogs logs`' structured-log flags as a black box, against a fake
 * OpenFaaS gateway that ignores fnlogs' filter parameters (as real ones do):
 * everything is filtered, joined, folded and rate-limited in the client.
 */
import { assertEquals } from "@std/assert";
import {
  type FakeRequest,
  gatewayScript,
  messages,
  startFakeGateway,
} from "./helpers/fake_gateway.ts";
import { runLogs } from "./helpers/serve_process.ts";

const TEXTS = [
  '{"level":"info","msg":"start","user":"ann"}',
  "ERROR request failed",
  "java.lang.IllegalStateException: boom",
  "\tat com.example.Service.run(Service.java:42)",
  'level=warn msg="slow query" ms=812',
  "retry 1",
  "retry 2",
  "retry 3",
  '{"level":50,"msg":"db down","user":"bob"}',
];

function history() {
  return messages(TEXTS.length).map((m, i) => ({ ...m, text: TEXTS[i] }));
}

const run = async (...args: string[]) => {
  const requests: FakeRequest[] = [];
  await using gateway = startFakeGateway(
    gatewayScript((request) => {
      requests.push(request);
      return history();
    }),
  );
  const result = await runLogs([
    "env",
    "-g",
    gateway.url,
    "--tail=false",
    "--time-format=",
    ...args,
  ]);
  return { ...result, queries: requests.map((r) => r.target) };
};

Deno.test("fnlogs logs filters by level and fields here when the gateway does not", async () => {
  const result = await run("--level", "warn", "--where", "user!=ann");
  assertEquals(
    result.stdout,
    [
      "ERROR request failed",
      'level=warn msg="slow query" ms=812',
      '{"level":50,"msg":"db down","user":"bob"}',
      "",
    ].join("\n"),
  );
  assertEquals([result.code, result.stderr], [0, ""]);
  // The filters were offered to the gateway, which ignored them.
  assertEquals(result.queries, [
    "/system/logs?follow=false&name=env&tail=-1&level=warn&where=user%21%3Dann",
  ]);
});

Deno.test("fnlogs logs --multiline keeps a whole stack trace with its error, and sends no filter", async () => {
  const result = await run("--multiline", "--level", "error");
  assertEquals(
    result.stdout,
    [
      "ERROR request failed",
      "java.lang.IllegalStateException: boom",
      "\tat com.example.Service.run(Service.java:42)",
      '{"level":50,"msg":"db down","user":"bob"}',
      "",
    ].join("\n"),
  );
  const joined = await run("--multiline", "--grep", "Exception");
  assertEquals(
    joined.stdout,
    "ERROR request failed\njava.lang.IllegalStateException: boom\n" +
      "\tat com.example.Service.run(Service.java:42)\n",
  );
  assertEquals(joined.queries, ["/system/logs?follow=false&name=env&tail=-1"]);
});

Deno.test("fnlogs logs --collapse, --rate-limit and --template shape the output", async () => {
  const collapsed = await run("--collapse", "--grep", "retry");
  assertEquals(collapsed.stdout, "retry 1\nretry 3 (x2)\n");
  const limited = await run("--rate-limit", "2/s");
  assertEquals(
    limited.stdout,
    [
      '{"level":"info","msg":"start","user":"ann"}',
      "ERROR request failed",
      'level=warn msg="slow query" ms=812',
      '{"level":50,"msg":"db down","user":"bob"}',
      "",
    ].join("\n"),
  );
  assertEquals(limited.stderr, "fnlogs: env: 5 lines dropped over --rate-limit\n");
  const events = await run("--rate-limit", "2/s", "-o", "json", "--events");
  assertEquals(
    events.stdout.trimEnd().split("\n").at(-1),
    '{"event":"dropped","name":"env","count":5}',
  );
  const templated = await run("--template", "{{.Level}}|{{.msg}}", "--grep", "^[{l]");
  assertEquals(templated.stdout, "info|start\nwarn|slow query\nerror|db down\n");
});

Deno.test("fnlogs logs -o json --parsed adds level and fields; -o json alone stays faas-cli's", async () => {
  const parsed = await run("-o", "json", "--parsed", "--grep", "slow");
  assertEquals(
    parsed.stdout,
    '{"name":"env","namespace":"openfaas-fn","instance":"env-5b6d68d94c-qqdtj","timestamp":"2023-07-04T16:32:22.004000001Z",' +
      '"text":"level=warn msg=\\"slow query\\" ms=812","level":"warn","fields":{"level":"warn","msg":"slow query","ms":"812"}}\n',
  );
  const plain = await run("-o", "json", "--grep", "slow");
  assertEquals(
    plain.stdout,
    '{"name":"env","namespace":"openfaas-fn","instance":"env-5b6d68d94c-qqdtj","timestamp":"2023-07-04T16:32:22.004000001Z",' +
      '"text":"level=warn msg=\\"slow query\\" ms=812"}\n',
  );
});

Deno.test("fnlogs logs colours by level and highlights only with colour", async () => {
  const colored = await run("--color", "always", "--highlight", "fail", "--grep", "ERROR");
  assertEquals(colored.stdout, "\x1b[31mERROR request \x1b[7mfail\x1b[27med\x1b[39m\n");
  const bare = await run("--highlight", "fail", "--grep", "ERROR");
  assertEquals(bare.stdout, "ERROR request failed\n");
});

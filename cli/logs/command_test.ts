import { assert, assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { HttpStatusError } from "../../lib/errors.ts";
import type { LogMessage } from "../../lib/types.ts";
import {
  gatewayScript,
  messages,
  ndjsonLine,
  startFakeGateway,
} from "../../tests/helpers/fake_gateway.ts";
import { HistoryProvider } from "../../tests/helpers/history_provider.ts";
import { type LogsIO, type LogsOutcome, runLogs } from "./command.ts";
import { LOGS_HELP } from "./help.ts";

const ESC = String.fromCharCode(27);

function stripColors(text: string): string {
  return text.split(ESC).map((part, i) => i === 0 ? part : part.replace(/^\[\d+m/, "")).join("");
}

interface Run {
  outcome: LogsOutcome;
  stdout: string;
  stderr: string;
}

function sink(into: string[]): WritableStream<Uint8Array> {
  const decoder = new TextDecoder();
  return new WritableStream({ write: (chunk) => void into.push(decoder.decode(chunk)) });
}

async function run(args: string[], extra: Partial<LogsIO> = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const outcome = await runLogs(args, {
    stdout: sink(out),
    stderr: sink(err),
    stdoutIsTerminal: false,
    env: () => undefined,
    signal: new AbortController().signal,
    backoff: { initialMs: 1, capMs: 2 },
    ...extra,
  });
  return { outcome, stdout: out.join(""), stderr: err.join("") };
}

const TWO: LogMessage[] = [
  {
    name: "env",
    namespace: "openfaas-fn",
    instance: "env-5b6d68d94c-qqdtj",
    timestamp: "2023-07-04T16:32:22.223912519Z",
    text: "Listening on port: 8080",
  },
  {
    name: "env",
    namespace: "openfaas-fn",
    instance: "env-5b6d68d94c-qqdtj",
    timestamp: "2023-07-04T16:32:23.5Z",
    text: 'say "hi" <b>\n',
  },
];

Deno.test("runLogs() prints one function exactly as faas-cli does, in its three formats", async () => {
  await using gateway = startFakeGateway(gatewayScript(() => TWO));
  const base = ["env", "-g", gateway.url, "--tail=false"];
  const plain = await run(base);
  assertEquals(plain.outcome, "completed");
  assertEquals(
    plain.stdout,
    "2023-07-04T16:32:22Z Listening on port: 8080\n" + '2023-07-04T16:32:23Z say "hi" <b>\n',
  );
  assertEquals(plain.stderr, "");
  const kv = await run([...base, "-o", "keyvalue", "--name", "--instance"]);
  assertEquals(
    kv.stdout,
    'timestamp="2023-07-04T16:32:22Z" name="env" instance="env-5b6d68d94c-qqdtj" text="Listening on port: 8080" \n' +
      'timestamp="2023-07-04T16:32:23Z" name="env" instance="env-5b6d68d94c-qqdtj" text="say "hi" <b>" \n',
  );
  const json = await run([...base, "--json"]);
  assertEquals(json.stdout, TWO.map(ndjsonLine).join("").replace("<b>", "\\u003cb\\u003e"));
  const bare = await run([...base, "--time-format", "", "--instance"]);
  assertEquals(
    bare.stdout,
    "(env-5b6d68d94c-qqdtj) Listening on port: 8080\n" + '(env-5b6d68d94c-qqdtj) say "hi" <b>\n',
  );
  assertEquals(gateway.requests[0].target, "/system/logs?follow=false&name=env&tail=-1");
});

Deno.test("runLogs() merges several functions with NAME (INSTANCE) prefixes, coloured on a terminal", async () => {
  const of = (name: string) => messages(2, { name, instance: `${name}-1` });
  await using gateway = startFakeGateway(
    gatewayScript((r) => of(r.query.get("name") ?? ""), { functions: ["a", "b"] }),
  );
  const args = ["a", "b", "-g", gateway.url, "--tail=false", "--time-format="];
  const plain = await run(args);
  assertEquals(plain.stdout.split("\n").filter(Boolean).sort(), [
    "a (a-1) line 0",
    "a (a-1) line 1",
    "b (b-1) line 0",
    "b (b-1) line 1",
  ]);
  const colored = await run(args, { stdoutIsTerminal: true });
  assertStringIncludes(colored.stdout, "\x1b[");
  assertEquals(stripColors(colored.stdout).split("\n").sort(), [
    "",
    ...plain.stdout.split("\n").filter(Boolean).sort(),
  ]);
  const noColor = await run(args, {
    stdoutIsTerminal: true,
    env: (k) => k === "NO_COLOR" ? "1" : undefined,
  });
  assert(!noColor.stdout.includes("\x1b["));
  const all = await run(["--all", "-g", gateway.url, "--tail=false", "--time-format="]);
  assertEquals(all.stdout.split("\n").filter(Boolean).length, 4);
});

Deno.test("runLogs() filters with --grep, --exclude and --instance-filter", async () => {
  const history = [
    ...messages(3, { instance: "i-1" }).map((m, i) => ({ ...m, text: `ERROR ${i}` })),
    ...messages(3, { instance: "i-2" }).map((m, i) => ({ ...m, text: `info ${i}` })),
  ];
  await using gateway = startFakeGateway(gatewayScript(() => history));
  const base = ["env", "-g", gateway.url, "--tail=false", "--time-format="];
  assertEquals(
    (await run([...base, "--grep", "ERROR", "--exclude", "1$"])).stdout,
    "ERROR 0\nERROR 2\n",
  );
  assertEquals(
    (await run([...base, "--grep", "ERROR", "--grep", "info 2"])).stdout.split("\n").length,
    5,
  );
  assertEquals(
    (await run([...base, "--instance-filter", "i-2"])).stdout,
    "info 0\ninfo 1\ninfo 2\n",
  );
  assertEquals(gateway.requests.at(-1)?.query.get("instance"), "i-2");
});

Deno.test("runLogs() stops on --until-match, --max-lines and --for with the right outcome", async () => {
  const history = messages(10);
  await using gateway = startFakeGateway(gatewayScript(() => history, { follow: "hang" }));
  const base = ["env", "-g", gateway.url, "--time-format="];
  const met = await run([...base, "--until-match", "line 3"]);
  assertEquals([met.outcome, met.stdout], ["condition-met", "line 0\nline 1\nline 2\nline 3\n"]);
  const max = await run([...base, "--max-lines", "2"]);
  assertEquals([max.outcome, max.stdout], ["completed", "line 0\nline 1\n"]);
  const both = await run([...base, "--max-lines", "2", "--until-match", "line 5"]);
  assertEquals(both.outcome, "completed");
  const forNoMatch = await run([...base, "--for", "50ms", "--until-match", "never"]);
  assertEquals([forNoMatch.outcome, forNoMatch.stdout.split("\n").length], ["no-match", 11]);
  const forOnly = await run([...base, "--for", "50ms"]);
  assertEquals(forOnly.outcome, "completed");
  const endedNoMatch = await run([...base, "--tail=false", "--until-match", "never"]);
  assertEquals(endedNoMatch.outcome, "no-match");
});

Deno.test("runLogs() ends a follow for good with stream-ended and says why on stderr", async () => {
  await using gateway = startFakeGateway(gatewayScript(() => messages(2)));
  const result = await run(["env", "-g", gateway.url, "--no-reconnect"]);
  assertEquals(result.outcome, "stream-ended");
  assertEquals(result.stdout.split("\n").length, 3);
  assertEquals(
    result.stderr,
    "fnlogs: env: the stream was cut (The connection closed before the end of the body); " +
      "not reconnecting (--no-reconnect)\n",
  );
  const capped = await run(["env", "-g", gateway.url, "--max-reconnects", "1"]);
  assertEquals(capped.outcome, "stream-ended");
  assertStringIncludes(capped.stderr, "fnlogs: env: the stream was cut (");
  assertStringIncludes(
    capped.stderr,
    "fnlogs: env: resumed from 2023-07-04T16:32:22.001000001Z, overlap dropped\n",
  );
  assertStringIncludes(capped.stderr, "not reconnecting after 1 attempts\n");
  assertEquals(capped.stdout.split("\n").length, 3);
});

Deno.test("runLogs() prints --events as JSON lines on stdout in JSON mode", async () => {
  await using gateway = startFakeGateway(gatewayScript(() => messages(1)));
  const result = await run([
    "env",
    "-g",
    gateway.url,
    "-o",
    "json",
    "--events",
    "--max-reconnects=1",
  ]);
  const lines = result.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assertEquals(lines[0].text, "line 0");
  assertEquals(lines[1].event, "reconnecting");
  assertEquals(lines[1].name, "env");
  assertEquals(lines[1].attempt, 1);
  assertEquals(typeof lines[1].delayMs, "number");
  assertEquals(
    lines[1].reason,
    "the stream was cut (The connection closed before the end of the body)",
  );
  assertEquals(lines[2], {
    event: "resumed",
    name: "env",
    attempt: 1,
    resume: "since",
    since: "2023-07-04T16:32:22.000000001Z",
  });
  assertEquals(lines[3], {
    event: "ended",
    name: "env",
    reason: "the stream was cut (The connection closed before the end of the body)",
    reconnects: 1,
  });
  assertEquals(result.stderr, "");
});

Deno.test("runLogs() ends quietly with completed when stdout is closed", async () => {
  await using gateway = startFakeGateway(gatewayScript(() => messages(50), { follow: "hang" }));
  // The reader is gone before the first batch: the failed write itself ends
  // the follow (no further line comes to find it out).
  const stdout = new WritableStream<Uint8Array>({
    write() {
      throw new Deno.errors.BrokenPipe("Broken pipe (os error 32)");
    },
  });
  const result = await run(["env", "-g", gateway.url], { stdout });
  assertEquals(result.outcome, "completed");
  assertEquals(result.stderr, "");
});

Deno.test("runLogs() counts malformed lines and reports them once", async () => {
  await using gateway = startFakeGateway(async (_request, response) => {
    await response.chunk(ndjsonLine(messages(1)[0]));
    await response.chunk("not json\n");
    await response.chunk("{broken\n");
    await response.chunk(ndjsonLine(messages(2)[1]));
    await response.end();
  });
  const result = await run(["env", "-g", gateway.url, "--tail=false", "--time-format="]);
  assertEquals(result.stdout, "line 0\nline 1\n");
  assert(
    result.stderr.startsWith("fnlogs: skipped 2 malformed lines from the server (first: "),
    result.stderr,
  );
  assertEquals(result.stderr.split("\n").length, 2);
});

Deno.test("runLogs() throws faas-cli's errors for the caller to print", async () => {
  await using gateway = startFakeGateway(gatewayScript(() => [], { token: "secret" }));
  const error = await assertRejects(() => run(["env", "-g", gateway.url]), HttpStatusError);
  assertEquals(
    error.message,
    'Unauthorized access, run "faas-cli login" to setup authentication for this server',
  );
  const ok = await run(["env", "-g", gateway.url, "-k", "secret", "--tail=false"]);
  assertEquals(ok.outcome, "completed");
  assertEquals(gateway.requests.at(-1)?.headers.get("authorization"), "Bearer secret");
});

Deno.test("runLogs() sends --since-time and --since as faas-cli does, and --tail 0 as now", async () => {
  await using gateway = startFakeGateway(gatewayScript(() => []));
  const now = Date.UTC(2019, 0, 1, 1, 0, 0, 250);
  await run([
    "env",
    "-g",
    gateway.url,
    "--tail=false",
    "--since-time",
    "2019-01-01T00:55:00.5+01:00",
  ]);
  assertEquals(gateway.requests.at(-1)?.query.get("since"), "2019-01-01T00:55:00+01:00");
  await run(["env", "-g", gateway.url, "--tail=false", "--since", "5m"], { now: () => now });
  const offset = -new Date(now - 300_000).getTimezoneOffset();
  const sent = gateway.requests.at(-1)?.query.get("since") ?? "";
  if (offset === 0) assertEquals(sent, "2019-01-01T00:55:00Z");
  assertEquals(new Date(sent).getTime(), Date.UTC(2019, 0, 1, 0, 55, 0));
  await run(["env", "-g", gateway.url, "--tail=false", "--tail", "0"], { now: () => now });
  assertEquals(
    gateway.requests.at(-1)?.target,
    "/system/logs?follow=false&name=env&since=2019-01-01T01%3A00%3A00.25Z",
  );
});

Deno.test("runLogs() reads a provider directly in direct mode", async () => {
  const history = messages(3, { name: "hello", instance: "hello-1" });
  const provider = new HistoryProvider(history, { cursors: true });
  const result = await run(["hello", "--provider", "local", "--tail=false", "--time-format="], {
    provider,
  });
  assertEquals([result.outcome, result.stdout], ["completed", "line 0\nline 1\nline 2\n"]);
  assertEquals(provider.queries[0].follow, false);
});

Deno.test("runLogs() ends with interrupted when its signal aborts", async () => {
  await using gateway = startFakeGateway(gatewayScript(() => messages(1), { follow: "hang" }));
  const controller = new AbortController();
  const stdout = new WritableStream<Uint8Array>({ write: () => controller.abort() });
  const result = await run(["env", "-g", gateway.url], { stdout, signal: controller.signal });
  assertEquals(result.outcome, "interrupted");
});

Deno.test("runLogs() prints its help", async () => {
  const result = await run(["--help"]);
  assertEquals([result.outcome, result.stdout], ["completed", LOGS_HELP]);
});

Deno.test("--resume-file with --multiline, --grep and --collapse: a second run prints only what is new", async () => {
  const dir = await Deno.makeTempDir();
  const line = (text: string, ms: number) =>
    JSON.stringify({
      name: "f",
      namespace: "",
      instance: "f-1",
      timestamp: `2024-01-01T00:00:01.${String(ms).padStart(3, "0")}Z`,
      text,
    }) + "\n";
  const before = line("Error: boom", 0) + line("    at a (x.js:1:1)", 1) +
    line("    at b (x.js:2:1)", 2) + line("retry 1", 3) + line("retry 2", 3) +
    line("retry 3", 3) + line("debug noise", 4) + line("Error: again", 4);
  const after = line("Error: later", 5);
  const gateway = (body: string): typeof fetch => (input) => {
    const since = new URL(String(input)).searchParams.get("since");
    // A gateway that honours since: every line at or after it.
    const lines = body.split("\n").filter((l) => l !== "");
    const sent = since === null ? lines : lines.filter((l) => JSON.parse(l).timestamp >= since);
    return Promise.resolve(new Response(sent.map((l) => l + "\n").join("")));
  };
  const args = [
    "f",
    "-g",
    "http://127.0.0.1:9",
    "--tail=false",
    "--time-format=",
    "--multiline",
    "--collapse",
    "--grep",
    "Error|at |retry",
    "--resume-file",
    `${dir}/position.json`,
  ];
  try {
    const first = await run(args, { fetch: gateway(before) });
    assertEquals(
      first.stdout,
      "Error: boom\n    at a (x.js:1:1)\n    at b (x.js:2:1)\nretry 1\nretry 3 (x2)\nError: again\n",
    );
    const second = await run(args, { fetch: gateway(before + after) });
    assertEquals([second.outcome, second.stdout], ["completed", "Error: later\n"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

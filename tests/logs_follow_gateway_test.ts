/**
 * followLogBatches() against a fake OpenFaaS gateway on a real socket:
 * requests as faas-cli sends them, text/plain answers whose headers come
 * with the first line, cuts without terminator, error statuses.
 */
import { assert, assertEquals, assertInstanceOf, assertRejects } from "@std/assert";
import { ConnectError, HttpStatusError } from "../lib/errors.ts";
import { type FollowEvent, followLogBatches, followLogs } from "../lib/client/follow_logs.ts";
import { compareTimestamps } from "../lib/time/timestamp.ts";
import type { LogMessage } from "../lib/types.ts";
import { gatewayScript, messages, ndjsonLine, startFakeGateway } from "./helpers/fake_gateway.ts";

const FAST = { initialMs: 1, capMs: 2 };

function since(history: LogMessage[], value: string | null): LogMessage[] {
  return value === null
    ? history
    : history.filter((m) => compareTimestamps(m.timestamp, value) >= 0);
}

async function collect(options: Parameters<typeof followLogs>[0]): Promise<string[]> {
  const texts: string[] = [];
  for await (const message of followLogs(options)) texts.push(message.text);
  return texts;
}

Deno.test("followLogBatches() reads a history the way faas-cli asks for it", async () => {
  const history = messages(5);
  await using gateway = startFakeGateway(gatewayScript(() => history));
  const texts = await collect({ gateway: gateway.url, name: "env", follow: false, tail: -1 });
  assertEquals(texts, history.map((m) => m.text));
  assertEquals(gateway.requests.length, 1);
  const [request] = gateway.requests;
  assertEquals(request.method, "GET");
  assertEquals(request.target, "/system/logs?follow=false&name=env&tail=-1");
  assertEquals(request.headers.get("authorization"), "Bearer");
  assertEquals(request.headers.get("accept"), "text/event-stream, application/x-ndjson;q=0.9");
});

Deno.test("followLogBatches() waits for headers that come only with the first line", async () => {
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const [first, second] = messages(2);
  await using gateway = startFakeGateway(async (_request, response) => {
    await gate;
    await response.chunk(ndjsonLine(first));
    await response.chunk(ndjsonLine(second));
    await response.end();
  });
  const reading = collect({ gateway: gateway.url, name: "env", follow: false });
  // The request is out and nothing came back: open the gate.
  while (gateway.requests.length === 0) await new Promise((r) => setTimeout(r, 1));
  release();
  assertEquals(await reading, ["line 0", "line 1"]);
});

Deno.test("followLogBatches() resumes a cut follow stream without losing or repeating a line", async () => {
  const history = messages(30);
  let served = 10;
  await using gateway = startFakeGateway(
    gatewayScript((request) => {
      // Every connection sees ten more lines than the last, then is cut.
      served += 10;
      return since(history.slice(0, served), request.query.get("since"));
    }),
  );
  const events: FollowEvent[] = [];
  const controller = new AbortController();
  const texts: string[] = [];
  for await (
    const batch of followLogBatches({
      gateway: gateway.url,
      name: "env",
      tail: -1,
      backoff: FAST,
      signal: controller.signal,
      onEvent: (e) => events.push(e),
    })
  ) {
    texts.push(...batch.map((m) => m.text));
    if (texts.length >= history.length) controller.abort();
  }
  assertEquals(texts, history.map((m) => m.text));
  assertEquals(gateway.requests[0].target, "/system/logs?follow=true&name=env&tail=-1");
  // The second request resumes at the last timestamp, full precision, no tail.
  const second = gateway.requests[1];
  assertEquals(second.query.get("since"), history[19].timestamp);
  assertEquals(second.query.get("tail"), null);
  assertEquals(second.query.get("follow"), "true");
  const kinds = events.map((e) => e.event);
  assert(kinds.includes("reconnecting") && kinds.includes("resumed"), kinds.join());
  const resumed = events.find((e) => e.event === "resumed");
  assertEquals(resumed, {
    event: "resumed",
    attempt: 1,
    resume: "since",
    since: history[19].timestamp,
  });
});

Deno.test("followLogBatches() completes a history cut before its end (faas-cli would stop)", async () => {
  const history = messages(12);
  let cutOnce = true;
  await using gateway = startFakeGateway(async (request, response) => {
    const list = since(history, request.query.get("since"));
    for (const [i, message] of list.entries()) {
      if (cutOnce && i === 6) {
        cutOnce = false;
        // Half a line, then the socket closes: no terminating chunk.
        await response.chunk(ndjsonLine(message).slice(0, 20));
        return response.cut();
      }
      await response.chunk(ndjsonLine(message));
    }
    await response.end();
  });
  const events: FollowEvent[] = [];
  const texts = await collect({
    gateway: gateway.url,
    name: "env",
    follow: false,
    backoff: FAST,
    onEvent: (e) => events.push(e),
  });
  assertEquals(texts, history.map((m) => m.text));
  assertEquals(gateway.requests.length, 2);
  assertEquals(gateway.requests[1].query.get("follow"), "false");
  assertEquals(events.filter((e) => e.event === "skipped"), []);
});

for (const [status, body] of [[401, "invalid credentials"], [404, "function not found"]] as const) {
  Deno.test(`followLogBatches() stops at once on ${status}, without retrying`, async () => {
    await using gateway = startFakeGateway(async (_request, response) => {
      await response.text(status, body + "\n");
    });
    const error = await assertRejects(
      () => collect({ gateway: gateway.url, name: "env", backoff: FAST }),
      HttpStatusError,
    );
    assertEquals(error.status, status);
    assertEquals(error.body, body);
    assertEquals(gateway.requests.length, 1);
  });
}

Deno.test("followLogBatches() fails fast on a first 500, with faas-cli's message", async () => {
  await using gateway = startFakeGateway(gatewayScript(() => [], { functions: ["other"] }));
  const error = await assertRejects(
    () => collect({ gateway: gateway.url, name: "env", backoff: FAST }),
    HttpStatusError,
  );
  assertEquals(
    error.message,
    "Server returned unexpected status code: 500 - function log request failed",
  );
});

Deno.test("followLogBatches() retries 500 and 429 once it has been connected", async () => {
  const history = messages(4);
  const answers = ["ok", "500", "429", "ok"];
  await using gateway = startFakeGateway(async (request, response) => {
    const answer = answers.shift() ?? "ok";
    if (answer !== "ok") return await response.text(Number(answer), "busy\n");
    const list = since(history, request.query.get("since"));
    const first = request.query.get("since") === null;
    for (const m of first ? list.slice(0, 2) : list) await response.chunk(ndjsonLine(m));
    response.cut();
  });
  const events: FollowEvent[] = [];
  const controller = new AbortController();
  const texts: string[] = [];
  for await (
    const m of followLogs({
      gateway: gateway.url,
      name: "env",
      backoff: FAST,
      signal: controller.signal,
      onEvent: (e) => events.push(e),
    })
  ) {
    texts.push(m.text);
    if (texts.length === 4) controller.abort();
  }
  assertEquals(texts, history.map((m) => m.text));
  const reasons = events.flatMap((e) => e.event === "reconnecting" ? [e.reason] : []);
  assertEquals(reasons.length, 3);
  assert(reasons[1].includes("500") && reasons[2].includes("429"), reasons.join(" | "));
  assertEquals(
    events.filter((e) => e.event === "reconnecting").map((e) => (e as { attempt: number }).attempt),
    [1, 2, 3],
  );
});

Deno.test("followLogBatches() reports ConnectError with faas-cli's message when nothing listens", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const url = `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`;
  listener.close();
  const error = await assertRejects(() => collect({ gateway: url, name: "env" }), ConnectError);
  assertEquals(error.message, `Cannot connect to OpenFaaS on URL: ${url}`);
  assertInstanceOf(error.cause, Error);
});

Deno.test("followLogBatches() reconnects a stream silent past the idle timeout", async () => {
  const history = messages(3);
  let connection = 0;
  await using gateway = startFakeGateway(async (request, response) => {
    connection++;
    const list = since(history, request.query.get("since"));
    await response.chunk(ndjsonLine(list[0]));
    if (connection === 1) return await response.untilClientCloses();
    for (const m of list.slice(1)) await response.chunk(ndjsonLine(m));
    return await response.untilClientCloses();
  });
  const events: FollowEvent[] = [];
  const controller = new AbortController();
  const texts: string[] = [];
  for await (
    const m of followLogs({
      gateway: gateway.url,
      name: "env",
      idleTimeoutMs: 60,
      backoff: FAST,
      signal: controller.signal,
      onEvent: (e) => events.push(e),
    })
  ) {
    texts.push(m.text);
    if (texts.length === 3) controller.abort();
  }
  assertEquals(texts, ["line 0", "line 1", "line 2"]);
  const first = events.find((e) => e.event === "reconnecting");
  assertEquals(first?.event === "reconnecting" && first.reason, "no data for 60 ms");
});

Deno.test("followLogBatches() ends with an 'ended' event when reconnects are off or used up", async () => {
  const history = messages(2);
  await using gateway = startFakeGateway(
    gatewayScript((r) => since(history, r.query.get("since"))),
  );
  const off: FollowEvent[] = [];
  assertEquals(
    await collect({
      gateway: gateway.url,
      name: "env",
      reconnect: false,
      onEvent: (e) => off.push(e),
    }),
    ["line 0", "line 1"],
  );
  assertEquals(off.map((e) => e.event), ["ended"]);

  // Every reconnect brings nothing new: two attempts, then the end.
  const capped: FollowEvent[] = [];
  await collect({
    gateway: gateway.url,
    name: "env",
    maxReconnects: 2,
    backoff: FAST,
    onEvent: (e) => capped.push(e),
  });
  assertEquals(capped.map((e) => e.event), [
    "reconnecting",
    "resumed",
    "reconnecting",
    "resumed",
    "ended",
  ]);
});

Deno.test("followLogBatches() ends cleanly when aborted while waiting for a line", async () => {
  await using gateway = startFakeGateway(gatewayScript(() => messages(1), { follow: "hang" }));
  const controller = new AbortController();
  const texts: string[] = [];
  for await (
    const m of followLogs({ gateway: gateway.url, name: "env", signal: controller.signal })
  ) {
    texts.push(m.text);
    setTimeout(() => controller.abort(), 5);
  }
  assertEquals(texts, ["line 0"]);
});

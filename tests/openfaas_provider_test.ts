/**
 * The relay provider over real loopback sockets: fnlogs serve relaying
 * another fnlogs serve (cursors pass through, disconnects reach the
 * upstream source) and a test server that behaves like the real OpenFaaS
 * gateway (text/plain, headers with the first line, empty namespace as
 * faas-netes writes it, cut without terminator, 401 and 500 bodies).
 */
import { assert, assertEquals } from "@std/assert";
import { OpenFaasProvider } from "../lib/providers/openfaas/provider.ts";
import { createHandler } from "../server/handler.ts";
import { gatewayScript, messages, startFakeGateway } from "./helpers/fake_gateway.ts";
import { MemoryProvider, record } from "./helpers/memory_provider.ts";
import { startTestServer } from "./helpers/test_server.ts";

Deno.test("relay passes NDJSON through byte for byte and resumes by cursor through the chain", async () => {
  const origin = new MemoryProvider();
  origin.history.set("fn", [
    record("a <b>", { cursor: "c-1" }),
    record("second", { cursor: "c-2" }),
  ]);
  await using upstream = await startTestServer(createHandler({ provider: origin }));
  await using relay = await startTestServer(
    createHandler({ provider: new OpenFaasProvider({ upstream: upstream.url }) }),
  );
  const direct = await (await fetch(`${upstream.url}/system/logs?name=fn`)).text();
  const relayed = await fetch(`${relay.url}/system/logs?name=fn`);
  assertEquals(relayed.headers.get("content-type"), "application/x-ndjson");
  assertEquals(await relayed.text(), direct);

  const resumed = await fetch(`${relay.url}/system/logs?name=fn`, {
    headers: { accept: "text/event-stream", "last-event-id": "c-1" },
  });
  assertEquals(resumed.headers.get("x-fnlogs-resume"), "cursor");
  const text = await resumed.text();
  assert(text.includes("id: c-1\ndata: "), text);
  assertEquals(origin.opened.at(-1)!.query.cursor, "c-1");
});

Deno.test("relay cancels the upstream stream when its client goes away", async () => {
  const origin = new MemoryProvider();
  await using upstream = await startTestServer(createHandler({ provider: origin }));
  await using relay = await startTestServer(
    createHandler({ provider: new OpenFaasProvider({ upstream: upstream.url }) }),
  );
  const abort = new AbortController();
  const response = await fetch(`${relay.url}/system/logs?name=fn&follow=true`, {
    signal: abort.signal,
  });
  const stream = await origin.nextStream(0);
  stream.push([record("live")]);
  const reader = response.body!.getReader();
  const first = await reader.read();
  assert(new TextDecoder().decode(first.value).includes('"text":"live"'));
  abort.abort();
  await stream.cancelled;
});

Deno.test("relay reads a real-gateway-like upstream and fills the empty namespace", async () => {
  await using gateway = startFakeGateway(
    gatewayScript(() => messages(3, { namespace: "" }), { functions: ["env"] }),
  );
  const provider = new OpenFaasProvider({ upstream: gateway.url });
  const { stream, fromCursor } = await provider.openLogs({ name: "env", follow: true });
  assertEquals(fromCursor, false);
  const records = [];
  let cut = false;
  try {
    for await (const batch of stream) records.push(...batch);
  } catch {
    cut = true; // The gateway cut the follow stream without the terminator.
  }
  assertEquals(cut, true);
  assertEquals(records.map((r) => [r.namespace, r.text]), [
    ["openfaas-fn", "line 0"],
    ["openfaas-fn", "line 1"],
    ["openfaas-fn", "line 2"],
  ]);
  assertEquals(gateway.requests[0].target, "/system/logs?follow=true&name=env");
});

Deno.test("relay turns upstream failures into clear answers", async () => {
  await using gateway = startFakeGateway(
    gatewayScript(() => [], { functions: ["env"], token: "secret" }),
  );
  await using relay = await startTestServer(
    createHandler({ provider: new OpenFaasProvider({ upstream: gateway.url }) }),
  );
  const unauthorized = await fetch(`${relay.url}/system/logs?name=env`);
  assertEquals(unauthorized.status, 502);
  assertEquals(
    await unauthorized.text(),
    `function log request failed: upstream ${gateway.url} answered 401: invalid credentials\n`,
  );

  await using authorized = await startTestServer(createHandler({
    provider: new OpenFaasProvider({
      upstream: gateway.url,
      auth: { kind: "bearer", token: "secret" },
    }),
  }));
  const failing = await fetch(`${authorized.url}/system/logs?name=other`);
  assertEquals(failing.status, 502);
  assertEquals(
    await failing.text(),
    `function log request failed: upstream ${gateway.url} answered 500: function log request failed\n`,
  );

  const closed = await Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const deadUrl = `http://127.0.0.1:${(closed.addr as Deno.NetAddr).port}`;
  closed.close();
  await using deadRelay = await startTestServer(
    createHandler({ provider: new OpenFaasProvider({ upstream: deadUrl }) }),
  );
  const unreachable = await fetch(`${deadRelay.url}/system/logs?name=env`);
  assertEquals(
    [unreachable.status, await unreachable.text()],
    [502, `function log request failed: cannot connect to upstream ${deadUrl}\n`],
  );
});

Deno.test("relay answers 404 when the upstream has no such function", async () => {
  const origin = new MemoryProvider(["fn"]);
  await using upstream = await startTestServer(createHandler({ provider: origin }));
  await using relay = await startTestServer(
    createHandler({ provider: new OpenFaasProvider({ upstream: upstream.url }) }),
  );
  const response = await fetch(`${relay.url}/system/logs?name=nope`);
  assertEquals(
    [response.status, await response.text()],
    [404, 'Function "nope" not found in namespace "openfaas-fn"\n'],
  );
  const list = await (await fetch(`${relay.url}/system/functions`)).json();
  assertEquals(list.map((f: { name: string }) => f.name), ["fn"]);
});

import { assert, assertEquals } from "@std/assert";
import { MemoryProvider, record } from "../tests/helpers/memory_provider.ts";
import { createHandler } from "./handler.ts";
import { InvalidInputError, UpstreamError } from "../lib/errors.ts";

const decoder = new TextDecoder();
const url = (path: string) => `http://fnlogs.test${path}`;

function setup(functions = ["fn"]) {
  const provider = new MemoryProvider(functions);
  const handler = createHandler({ provider });
  return { provider, handler };
}

async function textOf(response: Response): Promise<string> {
  return decoder.decode(new Uint8Array(await response.arrayBuffer()));
}

Deno.test("createHandler() answers a history request with NDJSON in the reference's shape", async () => {
  const { provider, handler } = setup();
  provider.history.set("fn", [
    record("Listening on port: 8080"),
    record('a <b> & \u2028 "q"\n', { timestamp: "2024-05-06T07:08:10Z", instance: "fn-2" }),
  ]);
  const response = await handler(new Request(url("/system/logs?name=fn&tail=-1")));
  assertEquals(response.status, 200);
  assertEquals(response.headers.get("content-type"), "application/x-ndjson");
  assertEquals(
    await textOf(response),
    '{"name":"fn","namespace":"openfaas-fn","instance":"fn-1","timestamp":"2024-05-06T07:08:09.123456789Z","text":"Listening on port: 8080"}\n' +
      '{"name":"fn","namespace":"openfaas-fn","instance":"fn-2","timestamp":"2024-05-06T07:08:10Z","text":"a \\u003cb\\u003e \\u0026 \\u2028 \\"q\\"\\n"}\n',
  );
  assertEquals(provider.opened[0].query, { name: "fn", follow: false });
});

Deno.test("createHandler() answers errors as plain text with the right status", async () => {
  const { handler } = setup();
  const cases: [string, string, number, string][] = [
    [
      "GET",
      "/system/logs?name=fn&tail=abc",
      422,
      'could not parse the log request: tail must be an integer, got "abc"\n',
    ],
    [
      "GET",
      "/system/logs?name=fn&since=now",
      422,
      'could not parse the log request: since must be an RFC3339 time with a zone, got "now"\n',
    ],
    [
      "GET",
      "/system/logs?follow=true",
      422,
      'could not parse the log request: the "name" parameter is required\n',
    ],
    [
      "GET",
      "/system/logs?name=nope",
      404,
      'Function "nope" not found in namespace "openfaas-fn"\n',
    ],
    [
      "GET",
      "/system/logs?name=fn&namespace=other",
      404,
      'Function "fn" not found in namespace "other"\n',
    ],
    ["POST", "/system/logs?name=fn", 405, "method POST not allowed\n"],
    ["HEAD", "/system/logs?name=fn", 405, ""],
    ["GET", "/nothing/here", 404, "no route for /nothing/here\n"],
  ];
  for (const [method, path, status, body] of cases) {
    const response = await handler(new Request(url(path), { method }));
    assertEquals(response.status, status, `${method} ${path}`);
    assertEquals(response.headers.get("content-type"), "text/plain; charset=utf-8");
    assertEquals(response.headers.get("x-content-type-options"), "nosniff");
    if (method === "HEAD") {
      await response.body?.cancel();
    } else {
      assertEquals(await textOf(response), body, `${method} ${path}`);
    }
  }
});

Deno.test("createHandler() serves the event-stream extension with cursors, gaps and an end event", async () => {
  const { provider, handler } = setup();
  provider.history.set("fn", [
    record("one", { cursor: "r-1" }),
    record("[fnlogs] 5 lines missed: this reader fell behind", {
      instance: "",
      missed: 5,
      cursor: "r-7",
    }),
  ]);
  const response = await handler(
    new Request(url("/system/logs?name=fn"), {
      headers: { accept: "text/event-stream, application/x-ndjson;q=0.9", "last-event-id": "r-0" },
    }),
  );
  assertEquals(response.headers.get("content-type"), "text/event-stream");
  assertEquals(response.headers.get("x-fnlogs-resume"), "cursor");
  assertEquals(provider.opened[0].query.cursor, "r-0");
  assertEquals(
    await textOf(response),
    // The preamble says in band what X-Fnlogs-Resume says: proxies drop headers.
    'retry: 1000\nevent: hello\ndata: {"resume":"cursor"}\n\n' +
      'id: r-1\ndata: {"name":"fn","namespace":"openfaas-fn","instance":"fn-1","timestamp":"2024-05-06T07:08:09.123456789Z","text":"one"}\n\n' +
      'id: r-7\nevent: gap\ndata: {"name":"fn","namespace":"openfaas-fn","instance":"","timestamp":"2024-05-06T07:08:09.123456789Z","text":"[fnlogs] 5 lines missed: this reader fell behind","missed":5}\n\n' +
      "event: end\ndata: {}\n\n",
  );
});

Deno.test("createHandler() ignores Last-Event-ID on NDJSON requests", async () => {
  const { provider, handler } = setup();
  const response = await handler(
    new Request(url("/system/logs?name=fn"), { headers: { "last-event-id": "r-3" } }),
  );
  await response.body?.cancel();
  assertEquals(provider.opened[0].query.cursor, undefined);
});

Deno.test("createHandler() lists functions and answers health checks", async () => {
  const { handler } = setup(["a", "b"]);
  const response = await handler(new Request(url("/system/functions")));
  assertEquals(response.headers.get("content-type"), "application/json");
  const list = await response.json();
  assertEquals(list.map((f: { name: string }) => f.name), ["a", "b"]);
  assertEquals(list[0], {
    name: "a",
    namespace: "openfaas-fn",
    image: "",
    invocationCount: 0,
    replicas: 1,
    availableReplicas: 1,
    labels: {},
    instances: ["a-1"],
  });
  const health = await handler(new Request(url("/healthz")));
  assertEquals([health.status, await health.text()], [200, "OK\n"]);
});

Deno.test("createHandler() cancels the source when the body is cancelled", async () => {
  const { provider, handler } = setup();
  const response = await handler(new Request(url("/system/logs?name=fn&follow=true")));
  const stream = await provider.nextStream(0);
  assertEquals(handler.streams.size, 1);
  const reader = response.body!.getReader();
  stream.push([record("live")]);
  const first = await reader.read();
  assert(decoder.decode(first.value).includes('"text":"live"'));
  await reader.cancel("client went away");
  assertEquals(await stream.cancelled, "client went away");
  assertEquals(handler.streams.size, 0);
});

Deno.test("createHandler() cancels the source when the request signal aborts", async () => {
  const { provider, handler } = setup();
  const abort = new AbortController();
  const response = await handler(
    new Request(url("/system/logs?name=fn&follow=true"), { signal: abort.signal }),
  );
  const stream = await provider.nextStream(0);
  const reading = response.body!.getReader().read();
  abort.abort("gone");
  await stream.cancelled;
  assertEquals(handler.streams.size, 0);
  await reading.catch(() => {});
});

Deno.test("createHandler() ends open streams cleanly on endAll()", async () => {
  const { provider, handler } = setup();
  const response = await handler(
    new Request(url("/system/logs?name=fn&follow=true"), {
      headers: { accept: "text/event-stream" },
    }),
  );
  const stream = await provider.nextStream(0);
  const reader = response.body!.getReader();
  assertEquals(
    decoder.decode((await reader.read()).value),
    'retry: 1000\nevent: hello\ndata: {"resume":"none"}\n\n',
  );
  handler.streams.endAll();
  assertEquals(decoder.decode((await reader.read()).value), "event: end\ndata: {}\n\n");
  assertEquals((await reader.read()).done, true);
  assertEquals(await stream.cancelled, "stream ended by the server");
  assertEquals(handler.streams.size, 0);
});

Deno.test("createHandler() ends follow streams cleanly at maxStreamDurationMs", async () => {
  const provider = new MemoryProvider();
  const handler = createHandler({ provider, maxStreamDurationMs: 30 });
  const response = await handler(
    new Request(url("/system/logs?name=fn&follow=true"), {
      headers: { accept: "text/event-stream" },
    }),
  );
  const stream = await provider.nextStream(0);
  // The body ends on its own (no read is cancelled), with the end event.
  assertEquals(
    await textOf(response),
    'retry: 1000\nevent: hello\ndata: {"resume":"none"}\n\nevent: end\ndata: {}\n\n',
  );
  assertEquals(await stream.cancelled, "stream ended by the server");
  assertEquals(handler.streams.size, 0);
});

Deno.test("createHandler() with credentials guards /system/* and leaves /healthz open", async () => {
  const provider = new MemoryProvider();
  const handler = createHandler({ provider, auth: { tokens: ["t0ken"] } });
  const denied = await handler(
    new Request(url("/system/logs?name=fn"), {
      headers: { authorization: "Bearer" },
    }),
  );
  assertEquals([denied.status, await denied.text()], [401, "credentials required\n"]);
  assertEquals(denied.headers.get("www-authenticate"), 'Bearer realm="Restricted"');
  assertEquals(provider.opened.length, 0);
  const list = await handler(new Request(url("/system/functions")));
  assertEquals(list.status, 401);
  await list.body?.cancel();
  const allowed = await handler(
    new Request(url("/system/logs?name=fn"), {
      headers: { authorization: "Bearer t0ken" },
    }),
  );
  assertEquals(allowed.status, 200);
  await allowed.body?.cancel();
  assertEquals((await handler(new Request(url("/healthz")))).status, 200);
});

Deno.test("createHandler() serves only the allowed namespaces", async () => {
  const provider = new MemoryProvider(["fn"]);
  const handler = createHandler({ provider, namespaces: ["team-a"] });
  const logs = await handler(new Request(url("/system/logs?name=fn")));
  assertEquals([logs.status, await logs.text()], [403, 'Namespace "openfaas-fn" is not allowed\n']);
  const other = await handler(new Request(url("/system/functions?namespace=openfaas-fn")));
  assertEquals(other.status, 403);
  await other.body?.cancel();
  assertEquals(provider.opened.length, 0);

  const open = createHandler({ provider, namespaces: ["openfaas-fn"] });
  const ok = await open(new Request(url("/system/logs?name=fn")));
  assertEquals(ok.status, 200);
  await ok.body?.cancel();
  // The provider is asked for the namespace that was checked, not its own default.
  assertEquals(provider.opened.at(-1)?.query.namespace, "openfaas-fn");
  const list = await (await open(new Request(url("/system/functions")))).json();
  assertEquals(list.map((f: { name: string }) => f.name), ["fn"]);
});

Deno.test("createHandler() caps concurrent streams in total (503) and per client (429)", async () => {
  const provider = new MemoryProvider();
  const handler = createHandler({ provider, maxStreams: 2, maxStreamsPerClient: 1 });
  const from = (hostname: string) => ({
    remoteAddr: { transport: "tcp" as const, hostname, port: 40000 },
  });
  const follow = () => new Request(url("/system/logs?name=fn&follow=true"));
  const a = await handler(follow(), from("10.0.0.1"));
  assertEquals(a.status, 200);
  const again = await handler(follow(), from("10.0.0.1"));
  assertEquals(again.status, 429);
  assertEquals(again.headers.get("retry-after"), "1");
  assertEquals(
    await again.text(),
    "too many log streams from 10.0.0.1 (1); close some or try again later\n",
  );
  const b = await handler(follow(), from("10.0.0.2"));
  assertEquals(b.status, 200);
  const full = await handler(follow(), from("10.0.0.3"));
  assertEquals([full.status, full.headers.get("retry-after")], [503, "5"]);
  await full.body?.cancel();
  // A stream that ends frees its slot; so does a request that fails before streaming.
  await a.body!.cancel();
  const missing = await handler(new Request(url("/system/logs?name=nope")), from("10.0.0.3"));
  assertEquals(missing.status, 404);
  await missing.body?.cancel();
  const c = await handler(follow(), from("10.0.0.3"));
  assertEquals(c.status, 200);
  await b.body!.cancel();
  await c.body!.cancel();
  assertEquals(provider.opened.length, 3);
});

Deno.test("createHandler() refuses oversized queries (414) and headers (431)", async () => {
  const { handler } = setup();
  const long = await handler(new Request(url("/system/logs?name=fn&instance=" + "x".repeat(5000))));
  assertEquals(
    [long.status, await long.text()],
    [414, "the query is longer than this server's limit of 4096 bytes\n"],
  );
  const fat = await handler(
    new Request(url("/system/logs?name=fn"), { headers: { "x-padding": "y".repeat(20_000) } }),
  );
  assertEquals(
    [fat.status, await fat.text()],
    [431, "the request headers exceed this server's limit of 16384 bytes\n"],
  );
});

Deno.test("createHandler(): a function list the upstream refused as the client's mistake is a 4xx, not a 500", async () => {
  for (
    const [error, status] of [
      [new InvalidInputError("namespace kube-system is not managed"), 400],
      [new UpstreamError("the gateway is down"), 502],
    ] as const
  ) {
    const provider = new MemoryProvider(["fn"]);
    provider.listFunctions = () => Promise.reject(error);
    const response = await createHandler({ provider })(
      new Request(url("/system/functions?namespace=kube-system")),
    );
    await response.body?.cancel();
    assertEquals(response.status, status, error.message);
  }
});

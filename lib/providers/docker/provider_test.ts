import { assert, assertEquals, assertMatch, assertRejects } from "@std/assert";
import { DockerProvider } from "./provider.ts";
import { FunctionNotFoundError, InvalidInputError, UpstreamError } from "../../errors.ts";
import type { LogBatch, LogRecord } from "../../types.ts";
import { Body, FakeDocker, frame } from "../../../tests/helpers/fake_docker_api.ts";

// FakeDocker is a fake Docker Engine API on a loopback port: tests script its answers and
// watch the requests. The real daemon is exercised in tests/docker_provider_test.ts.

const encoder = new TextEncoder();

const ts = (n: number) => `2024-05-06T07:08:0${Math.floor(n / 10)}.${n % 10}00000000Z`;

/** A line stamped in the future: live lines come after the listing. */
const soon = (text: string) => frame(1, `${new Date(Date.now() + 60_000).toISOString()} ${text}\n`);

function history(lines: [number, string][], type = 1): Uint8Array[] {
  return lines.map(([n, text]) => frame(type, `${ts(n)} ${text}\n`));
}

const texts = (records: readonly LogRecord[]) => records.map((r) => r.text);

async function readAll(stream: ReadableStream<LogBatch>): Promise<LogRecord[]> {
  return (await Array.fromAsync(stream)).flat();
}

Deno.test("DockerProvider merges history and keeps the last N overall", async () => {
  await using docker = new FakeDocker();
  const a = docker.add("fn-a", "fn");
  const b = docker.add("fn-b", "fn");
  docker.add("other", "other-fn");
  docker.logs.set(
    a,
    () => new Response(new Body(history([[1, "a1"], [3, "a3"], [5, "a5"]]), true).stream),
  );
  docker.logs.set(b, () => new Response(new Body(history([[2, "b2"], [4, "b4"]], 2), true).stream));
  const provider = new DockerProvider({ host: docker.host, reorderWindowMs: 0 });
  const { stream } = await provider.openLogs({ name: "fn", tail: 3, follow: false });
  const records = await readAll(stream);
  assertEquals(texts(records), ["a3", "b4", "a5"]);
  assertEquals(records[1], {
    name: "fn",
    namespace: "openfaas-fn",
    instance: "fn-b",
    timestamp: "2024-05-06T07:08:00.4Z",
    text: "b4",
  });
  const logs = docker.requests.filter((u) => u.pathname.endsWith("/logs"));
  assertEquals(logs.map((u) => u.searchParams.get("tail")), ["3", "3"]);
  assertEquals(logs[0].searchParams.get("timestamps"), "1");
  assertEquals(logs[0].searchParams.get("follow"), "0");
  const list = docker.requests[0];
  assertEquals(list.searchParams.get("all"), "1");
  assertEquals(JSON.parse(list.searchParams.get("filters")!), {
    label: ["com.openfaas.function=fn"],
  });
  await provider.close();
});

Deno.test("DockerProvider: a whole history across containers is in order whichever answers first", async () => {
  await using docker = new FakeDocker();
  const a = docker.add("fn-a", "fn");
  const b = docker.add("fn-b", "fn");
  // fn-a's answer is slow: its lines come only once fn-b's answer was read to its end.
  const bodyB = new Body(history([[2, "b2"], [4, "b4"]]));
  const bodyA = new Body();
  docker.logs.set(b, () => new Response(bodyB.stream));
  docker.logs.set(a, () => new Response(bodyA.stream));
  const provider = new DockerProvider({ host: docker.host, reorderWindowMs: 0 });
  const { stream } = await provider.openLogs({ name: "fn", follow: false });
  const reader = stream.getReader();
  const first = reader.read();
  await docker.waitForRequest((u) => u.pathname.endsWith(`/${b}/logs`));
  bodyB.controller.close();
  for (const chunk of history([[1, "a1"], [3, "a3"]])) bodyA.controller.enqueue(chunk);
  bodyA.controller.close();
  const records: LogRecord[] = [...(await first).value ?? []];
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    records.push(...next.value);
  }
  assertEquals(texts(records), ["a1", "b2", "a3", "b4"]);
  await provider.close();
});

Deno.test("DockerProvider filters since to the nanosecond and sends it exactly", async () => {
  await using docker = new FakeDocker();
  const id = docker.add("fn-1", "fn");
  const body = () =>
    new Response(
      new Body([
        frame(1, "2024-05-06T07:08:09.000000001Z before\n"),
        frame(1, "2024-05-06T07:08:09.000000002Z at\n"),
        frame(1, "2024-05-06T07:08:09Z whole second\n"),
        frame(1, "2024-05-06T09:08:09.5+02:00 offset\n"),
        frame(1, "no timestamp\n"),
      ], true).stream,
    );
  docker.logs.set(id, body);
  const provider = new DockerProvider({ host: docker.host });
  const since = "2024-05-06T09:08:09.000000002+02:00";
  const records = await readAll(
    (await provider.openLogs({ name: "fn", since, follow: false }))
      .stream,
  );
  assertEquals(texts(records), ["at", "whole second", "offset", "no timestamp"]);
  assertEquals(records.map((r) => r.timestamp), [
    "2024-05-06T07:08:09.000000002Z",
    "2024-05-06T07:08:09Z",
    "2024-05-06T07:08:09.5Z",
    "2024-05-06T07:08:09.5Z",
  ]);
  const logs = docker.requests.find((u) => u.pathname.endsWith("/logs"))!;
  assertEquals(logs.searchParams.get("since"), "1714979289.000000002");
  // Podman gets RFC3339 (its float parsing is not exact).
  docker.podman = true;
  await readAll((await provider.openLogs({ name: "fn", since, follow: false })).stream);
  await readAll((await provider.openLogs({ name: "fn", since, follow: false })).stream);
  const last = docker.requests.filter((u) => u.pathname.endsWith("/logs")).at(-1)!;
  assertEquals(last.searchParams.get("since"), "2024-05-06T07:08:09.000000002Z");
  await assertRejects(
    () => provider.openLogs({ name: "fn", since: "yesterday", follow: false }),
    InvalidInputError,
  );
  await provider.close();
});

Deno.test("DockerProvider reads a raw TTY body by its content type", async () => {
  await using docker = new FakeDocker();
  const id = docker.add("fn-1", "fn");
  docker.logs.set(id, () =>
    new Response(
      new Body([encoder.encode(`${ts(1)} \x01 raw\r\n${ts(2)} two\r\n`)], true).stream,
      { headers: { "content-type": "application/vnd.docker.raw-stream" } },
    ));
  const provider = new DockerProvider({ host: docker.host });
  const records = await readAll((await provider.openLogs({ name: "fn", follow: false })).stream);
  assertEquals(texts(records), ["\x01 raw", "two"]);
  await provider.close();
});

Deno.test("DockerProvider finds functions by label and namespace", async () => {
  await using docker = new FakeDocker();
  docker.add("fn-1", "fn", "running");
  docker.add("fn-2", "fn", "exited");
  docker.add("team-1", "fn", "running", { "com.openfaas.namespace": "team" });
  const provider = new DockerProvider({ host: docker.host });
  assertEquals(await provider.listFunctions(undefined), [{
    name: "fn",
    namespace: "openfaas-fn",
    replicas: 1,
    availableReplicas: 1,
    image: "busybox",
    labels: { "com.openfaas.function": "fn" },
    instances: ["fn-1", "fn-2"],
  }]);
  assertEquals((await provider.listFunctions("team"))[0].instances, ["team-1"]);
  assertEquals(await provider.listFunctions("nobody"), []);
  await assertRejects(
    () => provider.openLogs({ name: "nope", follow: false }),
    FunctionNotFoundError,
  );
  const error = await assertRejects(
    () => provider.openLogs({ name: "fn", namespace: "elsewhere", follow: true }),
    FunctionNotFoundError,
  );
  assertEquals(error.namespace, "elsewhere");
  // A container that vanished between the listing and its logs request ends quietly.
  const records = await readAll((await provider.openLogs({ name: "fn", follow: false })).stream);
  assertEquals(records, []);
  await provider.close();
});

Deno.test("DockerProvider reports an unreachable or failing daemon as UpstreamError", async () => {
  const gone = new DockerProvider({ host: "unix:///nonexistent/docker.sock" });
  await assertRejects(() => gone.listFunctions(undefined), UpstreamError, "Cannot connect");
  await gone.close();
  await using docker = new FakeDocker();
  const id = docker.add("fn-1", "fn");
  docker.logs.set(id, () => Response.json({ message: "boom" }, { status: 500 }));
  const provider = new DockerProvider({ host: docker.host });
  const { stream } = await provider.openLogs({ name: "fn", follow: false });
  const error = await assertRejects(() => readAll(stream), UpstreamError, "boom");
  assertEquals(error.status, 500);
  await provider.close();
});

Deno.test("DockerProvider follows, splits history from live lines, and finds new containers", async () => {
  await using docker = new FakeDocker();
  docker.events = new Body();
  const a = docker.add("fn-a", "fn", "running");
  const live = new Body([soon("a7")]);
  let followUrl: URL | undefined;
  docker.logs.set(a, (url) => {
    if (url.searchParams.get("follow") === "0") {
      return new Response(new Body(history([[5, "a5"], [6, "a6"]]), true).stream);
    }
    followUrl = url;
    return new Response(live.stream);
  });
  const notices: string[] = [];
  const provider = new DockerProvider({
    host: docker.host,
    reorderWindowMs: 0,
    onNotice: (m) => notices.push(m),
  });
  const { stream } = await provider.openLogs({ name: "fn", tail: 1, follow: true });
  const reader = stream.getReader();
  assertEquals(texts((await reader.read()).value!), ["a6"]);
  assertEquals(texts((await reader.read()).value!), ["a7"]);
  const historyUrl = docker.requests.find((u) => u.searchParams.get("follow") === "0")!;
  assertEquals(historyUrl.searchParams.get("until"), followUrl!.searchParams.get("since"));
  const eventsUrl = docker.requests.find((u) => u.pathname === "/events")!;
  assertEquals(JSON.parse(eventsUrl.searchParams.get("filters")!), {
    type: ["container"],
    event: ["start"],
    label: ["com.openfaas.function=fn"],
  });

  // A container of another namespace is ignored; one of ours is followed.
  const b = docker.add("fn-b", "fn", "running");
  docker.logs.set(b, () => new Response(new Body([soon("b8")]).stream));
  const event = (id: string, name: string, attributes: Record<string, string> = {}) =>
    encoder.encode(
      JSON.stringify({
        Type: "container",
        Action: "start",
        Actor: { ID: id, Attributes: { name, "com.openfaas.function": "fn", ...attributes } },
      }) + "\n",
    );
  docker.events.controller.enqueue(
    event("x".repeat(64), "fn-x", { "com.openfaas.namespace": "team" }),
  );
  docker.events.controller.enqueue(event(b, "fn-b"));
  assertEquals((await reader.read()).value!.map((r) => [r.instance, r.text]), [["fn-b", "b8"]]);
  assertEquals(notices, ["Container fn-b started"]);

  // A stop ends the follow request and is announced (while a read waits).
  const pending = reader.read();
  docker.running.set(a, false);
  live.controller.close();
  while (!notices.includes("Container fn-a stopped")) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await reader.cancel();
  assertEquals(await pending, { done: true, value: undefined });
  await provider.close();
});

Deno.test("DockerProvider cancel and abort stop every upstream request", async () => {
  for (const how of ["cancel", "abort", "close"] as const) {
    await using docker = new FakeDocker();
    docker.events = new Body();
    const bodies: Body[] = [];
    for (const name of ["fn-a", "fn-b"]) {
      const id = docker.add(name, "fn", "running");
      docker.logs.set(id, () => {
        const body = new Body([soon(name)]);
        bodies.push(body);
        return new Response(body.stream);
      });
    }
    const provider = new DockerProvider({ host: docker.host, reorderWindowMs: 0 });
    const abort = new AbortController();
    const { stream } = await provider.openLogs({ name: "fn", follow: true }, {
      signal: abort.signal,
    });
    const reader = stream.getReader();
    const seen = new Set<string>();
    while (seen.size < 2) for (const r of (await reader.read()).value!) seen.add(r.text);
    assertEquals(bodies.length, 2);
    if (how === "cancel") await reader.cancel();
    else if (how === "abort") abort.abort();
    else await provider.close();
    await Promise.all([...bodies, docker.events].map((b) => b.cancelled));
    if (how !== "cancel") await assertRejects(() => reader.read());
    await provider.close();
  }
});

Deno.test("DockerProvider reads upstream no faster than the reader takes batches", async () => {
  await using docker = new FakeDocker();
  const id = docker.add("fn-1", "fn", "running");
  docker.events = new Body();
  // 64 MiB on demand, 64 KiB per pull, each chunk full of short lines.
  const line = frame(1, `${ts(1)} ${"x".repeat(100)}\n`);
  const chunk = new Uint8Array(Math.floor(65536 / line.length) * line.length);
  for (let at = 0; at < chunk.length; at += line.length) chunk.set(line, at);
  let pulls = 0;
  const body = new ReadableStream<Uint8Array>({
    pull: (controller) => {
      if (++pulls > 1024) controller.close();
      else controller.enqueue(chunk.slice());
    },
  }, { highWaterMark: 0 });
  docker.logs.set(id, () => new Response(body));
  const provider = new DockerProvider({ host: docker.host, reorderWindowMs: 0 });
  const { stream } = await provider.openLogs({ name: "fn", follow: true });
  const reader = stream.getReader();
  assert((await reader.read()).value!.length > 0);
  // The reader now takes nothing: the server must soon stop producing.
  let stable = 0, last = -1;
  for (let i = 0; i < 1000 && stable < 20; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    stable = pulls === last ? stable + 1 : 0;
    last = pulls;
  }
  assert(stable >= 20, "the server never stopped producing");
  assert(pulls < 400, `${pulls} chunks of 64 KiB were produced for one batch`);
  await reader.cancel();
  await provider.close();
});

Deno.test("DockerProvider backs off further while its events stream ends having replayed only old events", async () => {
  await using docker = new FakeDocker();
  const a = docker.add("fn-a", "fn", "running");
  const body = new Body([soon("hello")]);
  docker.logs.set(a, () => new Response(body.stream));
  // A daemon (or a proxy) that ends every events stream at once, after
  // replaying the one event it has: nothing new, so no reason to hurry.
  const old = Math.floor(Date.now() / 1000) - 30;
  docker.eventsEach = () =>
    new Body([
      encoder.encode(
        JSON.stringify({ Type: "container", Action: "start", time: old, Actor: { ID: a } }) + "\n",
      ),
    ], true);
  const notices: string[] = [];
  let seen: () => void = () => {};
  const thirdAttempt = new Promise<void>((resolve) => seen = resolve);
  const provider = new DockerProvider({
    host: docker.host,
    reorderWindowMs: 0,
    onNotice: (m) => {
      notices.push(m);
      // (Three restarts at attempt 1 also end the wait, and fail below.)
      if (notices.filter((n) => n.startsWith("The Docker events")).length >= 3) seen();
    },
  });
  const { stream } = await provider.openLogs({ name: "fn", follow: true });
  const reader = stream.getReader();
  assertEquals(texts((await reader.read()).value!), ["hello"]);
  await thirdAttempt;
  // Each attempt counted on (it was attempt 1 every time, 100 to 300 ms apart, for ever).
  assertEquals(
    notices.filter((m) => m.startsWith("The Docker events stream")).map((m) =>
      m.replace(/\d+ ms/, "N ms")
    ).slice(0, 3),
    [1, 2, 3].map((n) => `The Docker events stream ended; watching again in N ms (attempt ${n})`),
  );
  await reader.cancel();
  await provider.close();
  await body.cancelled;
});

Deno.test("DockerProvider watches again when its events stream ends, and fails on an error answer", async () => {
  await using docker = new FakeDocker();
  docker.events = new Body();
  const a = docker.add("fn-a", "fn", "running");
  const body = new Body([soon("hello")]);
  docker.logs.set(a, () => new Response(body.stream));
  const notices: string[] = [];
  const provider = new DockerProvider({
    host: docker.host,
    reorderWindowMs: 0,
    onNotice: (m) => notices.push(m),
  });
  const { stream } = await provider.openLogs({ name: "fn", follow: true });
  const reader = stream.getReader();
  assertEquals(texts((await reader.read()).value!), ["hello"]);
  // The daemon's events stream ends (it restarted, a proxy cut it): the
  // session asks again, from a second before the last event it saw.
  const first = docker.events;
  const later = Math.floor(Date.now() / 1000) + 100;
  const event = { Type: "container", Action: "start", time: later };
  first.controller.enqueue(encoder.encode(JSON.stringify({ ...event, Actor: { ID: a } }) + "\n"));
  first.controller.enqueue(encoder.encode("not json\n"));
  docker.events = new Body();
  first.controller.close();
  while (docker.requests.filter((u) => u.pathname === "/events").length < 2) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const again = docker.requests.filter((u) => u.pathname === "/events")[1];
  assertEquals(again.searchParams.get("since"), String(later - 1));
  assertMatch(
    notices.join("\n"),
    /^The Docker events stream ended; watching again in \d+ ms \(attempt 1\)$/m,
  );
  // A container that starts now is followed through the new events stream.
  const b = docker.add("fn-b", "fn", "running");
  docker.logs.set(b, () => new Response(new Body([soon("b1")]).stream));
  docker.events.controller.enqueue(
    encoder.encode(
      JSON.stringify({
        Type: "container",
        Action: "start",
        Actor: { ID: b, Attributes: { name: "fn-b", "com.openfaas.function": "fn" } },
      }) + "\n",
    ),
  );
  assertEquals((await reader.read()).value!.map((r) => [r.instance, r.text]), [["fn-b", "b1"]]);
  await provider.close();
  await body.cancelled;

  // An answer that is not 200 is not a cut: the follow fails with it.
  await using broken = new FakeDocker();
  const id = broken.add("fn-1", "fn", "running");
  const live = new Body([soon("hi")]);
  broken.logs.set(id, () => new Response(live.stream));
  const failing = new DockerProvider({ host: broken.host });
  broken.events = undefined;
  const opened = await failing.openLogs({ name: "fn", follow: true });
  const failed = opened.stream.getReader();
  await assertRejects(
    async () => {
      for (;;) if ((await failed.read()).done) break;
    },
    UpstreamError,
  );
  await live.cancelled;
  await failing.close();
});

Deno.test("DockerProvider puts the API version before every path", async () => {
  await using docker = new FakeDocker();
  docker.add("fn-1", "fn", "running");
  const provider = new DockerProvider({ host: docker.host, apiVersion: "1.41" });
  assertEquals((await provider.listFunctions(undefined)).length, 1);
  assertEquals(docker.requests[0].pathname, "/v1.41/containers/json");
  await provider.close();
});

Deno.test("DockerProvider rejects a host it cannot use", () => {
  let error: unknown;
  try {
    new DockerProvider({ host: "ssh://me@box" });
  } catch (e) {
    error = e;
  }
  assert(error instanceof InvalidInputError);
});

Deno.test("DockerProvider follows a running container again after its logs connection breaks, losing and repeating nothing", async () => {
  await using docker = new FakeDocker();
  docker.events = new Body();
  const a = docker.add("fn-a", "fn", "running");
  const stamp = (s: number) => new Date(Date.now() + 60_000 + s).toISOString();
  const lines = [1, 2, 3, 4].map((s) => frame(1, `${stamp(s)} a${s}\n`));
  const bodies: Body[] = [];
  const sinces: (string | null)[] = [];
  docker.logs.set(a, (url) => {
    sinces.push(url.searchParams.get("since"));
    // The first answer has a1 and a2; a later one (from the resume point) a2 to a4.
    const body = new Body(bodies.length === 0 ? lines.slice(0, 2) : lines.slice(1));
    bodies.push(body);
    return new Response(body.stream);
  });
  const notices: string[] = [];
  const provider = new DockerProvider({
    host: docker.host,
    reorderWindowMs: 0,
    onNotice: (m) => notices.push(m),
  });
  const { stream } = await provider.openLogs({ name: "fn", follow: true });
  const reader = stream.getReader();
  const seen: string[] = [];
  while (seen.length < 2) seen.push(...texts((await reader.read()).value!));
  // The daemon restarts (or a proxy cuts): the connection breaks mid-follow.
  bodies[0].controller.error(new Error("connection reset"));
  while (seen.length < 4) seen.push(...texts((await reader.read()).value!));
  assertEquals(seen, ["a1", "a2", "a3", "a4"]);
  assertEquals(bodies.length, 2);
  // The second request asks from the resume point, not from the start.
  assertEquals([sinces[0], typeof sinces[1]], [null, "string"]);
  assertMatch(
    notices.join("\n"),
    /Container fn-a: the logs connection broke \(.*\); following again in \d+ ms/,
  );
  await reader.cancel();
  await provider.close();
});

Deno.test("DockerProvider follows again a container whose logs answer ended while it still runs (a daemon restart with live-restore)", async () => {
  await using docker = new FakeDocker();
  docker.events = new Body();
  const a = docker.add("fn-a", "fn", "running");
  const stamp = (s: number) => new Date(Date.now() + 60_000 + s).toISOString();
  const bodies: Body[] = [];
  docker.logs.set(a, () => {
    const body = new Body([frame(1, `${stamp(bodies.length)} a${bodies.length}\n`)]);
    bodies.push(body);
    return new Response(body.stream);
  });
  const notices: string[] = [];
  const provider = new DockerProvider({
    host: docker.host,
    reorderWindowMs: 0,
    onNotice: (m) => notices.push(m),
  });
  const { stream } = await provider.openLogs({ name: "fn", follow: true });
  const reader = stream.getReader();
  assertEquals(texts((await reader.read()).value!), ["a0"]);
  bodies[0].controller.close(); // the answer ends; the container still runs
  assertEquals(texts((await reader.read()).value!), ["a1"]);
  assertEquals(notices.some((n) => n.includes("stopped")), false, notices.join("\n"));
  await reader.cancel();
  await provider.close();
});

/** A TCP relay to `port` that can be switched off (listener and connections closed) and on again. */
class Relay {
  #listener?: Deno.Listener;
  readonly #conns = new Set<Deno.Conn>();
  port = 0;
  constructor(readonly target: number) {}
  on(): void {
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: this.port });
    this.port = (this.#listener.addr as Deno.NetAddr).port;
    (async () => {
      for await (const conn of this.#listener!) {
        Deno.connect({ hostname: "127.0.0.1", port: this.target }).then((up) => {
          this.#conns.add(conn).add(up);
          conn.readable.pipeTo(up.writable).catch(() => {});
          up.readable.pipeTo(conn.writable).catch(() => {});
        }, () => conn.close());
      }
    })().catch(() => {});
  }
  off(): void {
    this.#listener?.close();
    for (const conn of this.#conns) {
      try {
        conn.close();
      } catch {
        // Closed already.
      }
    }
    this.#conns.clear();
  }
}

Deno.test("DockerProvider waits out a daemon that is away for a moment (connection refused), then follows what starts", async () => {
  await using docker = new FakeDocker();
  docker.eventsEach = () => new Body();
  const relay = new Relay(Number(new URL(docker.host.replace("tcp:", "http:")).port));
  relay.on();
  const a = docker.add("fn-a", "fn", "exited");
  docker.logs.set(a, () => new Response(new Body(history([[1, "a1"]]), true).stream));
  const notices: string[] = [];
  let waiting: [RegExp, () => void] | undefined;
  const provider = new DockerProvider({
    host: `tcp://127.0.0.1:${relay.port}`,
    reorderWindowMs: 0,
    onNotice: (m) => {
      notices.push(m);
      if (waiting !== undefined && waiting[0].test(m)) waiting[1]();
    },
  });
  const noticed = (pattern: RegExp) =>
    notices.some((n) => pattern.test(n))
      ? Promise.resolve()
      : new Promise<void>((resolve) => waiting = [pattern, resolve]);
  try {
    const { stream } = await provider.openLogs({ name: "fn", follow: true });
    const reader = stream.getReader();
    assertEquals(texts((await reader.read()).value!), ["a1"]);
    await docker.waitForRequest((u) => u.pathname.endsWith("/events"));
    // The daemon goes away: its events stream breaks and a new one is refused.
    relay.off();
    await noticed(/The Docker events stream failed \(.*refused.*\); watching again/i);
    // Meanwhile a container starts; the events stream asked once the daemon is back tells of it.
    const b = docker.add("fn-b", "fn", "running");
    docker.logs.set(b, () => new Response(new Body([soon("b1")]).stream));
    const started = {
      Type: "container",
      Action: "start",
      Actor: { ID: b, Attributes: { name: "fn-b", "com.openfaas.function": "fn" } },
    };
    docker.eventsEach = () => new Body([encoder.encode(JSON.stringify(started) + "\n")]);
    relay.on();
    // Followed: the session did not fail while the daemon was away.
    assertEquals(texts((await reader.read()).value!), ["b1"]);
    await reader.cancel();
  } finally {
    relay.off();
    await provider.close();
  }
});

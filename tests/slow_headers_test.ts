/**
 * The header-read deadline and the per-address cap on pending connections,
 * on both engines (`serveHttp1`, `guardedServe`), over real sockets: a
 * client that sends its headers a line at a time is dropped (over TLS too),
 * an idle kept-alive connection is closed, a follow stream that outlives the
 * deadline is not, and one address cannot hold more than its share of
 * half-open requests. (A TLS handshake that stalls cannot be cut: see
 * `server/http/guarded_serve.ts`.)
 */
import { assert, assertEquals } from "@std/assert";
import { createHandler } from "../server/handler.ts";
import { guardedServe } from "../server/http/guarded_serve.ts";
import { serveHttp1 } from "../server/http/http1_server.ts";
import { TEST_TLS } from "./helpers/fake_kube_api.ts";
import { MemoryProvider, record } from "./helpers/memory_provider.ts";
import { startServeProcess } from "./helpers/serve_process.ts";
import { RawClient, startTestServer } from "./helpers/test_server.ts";

/** Resolves with each drop the server reports. */
function dropWatcher() {
  const drops: string[] = [];
  let wake: (() => void) | undefined;
  return {
    drops,
    onDrop: (_peer: string, why: string) => {
      drops.push(why);
      wake?.();
    },
    /** Resolves once `count` drops were reported. */
    async until(count: number): Promise<void> {
      while (drops.length < count) await new Promise<void>((resolve) => wake = resolve);
    },
  };
}

for (const [engine, name] of [["fnlogs", "serveHttp1()"], ["deno", "guardedServe()"]] as const) {
  Deno.test(`${name} drops a client that sends its headers a line at a time, and serves the others`, async () => {
    const provider = new MemoryProvider(["fn"]);
    provider.history.set("fn", [record("history")]);
    const watcher = dropWatcher();
    await using server = await startTestServer(createHandler({ provider }), {
      engine,
      headerTimeoutMs: 300,
      onDrop: watcher.onDrop,
    });
    using slow = await RawClient.connect(server.port);
    const closed = slow.readUntil(() => false).catch(() => false);
    let ended = false;
    closed.then(() => ended = true);
    // One header line every 50 ms: 100 lines would take 5 s.
    let sent = 0;
    await slow.send("GET /system/logs?name=fn HTTP/1.1\r\n");
    for (; sent < 100 && !ended; sent++) {
      // Meanwhile everyone else is served.
      if (sent === 2) {
        const response = await fetch(`${server.url}/system/logs?name=fn`);
        assertEquals(response.status, 200);
        assertEquals((await response.text()).includes('"text":"history"'), true);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      await slow.send(`X-Header-${sent}: ${sent}\r\n`).catch(() => ended = true);
    }
    await closed;
    assert(sent < 100, `the slow client sent all ${sent} header lines`);
    assertEquals(slow.received, "", "the slow client got no answer");
    assertEquals(watcher.drops, ["header-timeout"]);
    assertEquals(server.server.stats.timedOut, 1);
  });

  Deno.test(`${name} closes an idle kept-alive connection, but not a follow stream that outlives the deadline`, async () => {
    const provider = new MemoryProvider(["fn"]);
    const watcher = dropWatcher();
    await using server = await startTestServer(createHandler({ provider }), {
      engine,
      headerTimeoutMs: 200,
      onDrop: watcher.onDrop,
    });

    using follower = await RawClient.connect(server.port);
    await follower.send("GET /system/logs?name=fn&follow=true HTTP/1.1\r\nHost: x\r\n\r\n");
    const stream = await provider.nextStream(0);
    assert(await follower.readUntil((r) => r.includes("\r\n\r\n")));

    // A kept-alive connection that answers one request, then sits idle: the witness
    // that the deadline has passed for the follower too (it started earlier).
    using idle = await RawClient.connect(server.port);
    await idle.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    assert(await idle.readUntil((r) => r.includes("\r\n\r\n")));
    assertEquals(await idle.readUntil(() => false), false, "the idle connection is closed");
    await watcher.until(1);
    assertEquals(watcher.drops, ["header-timeout"]);

    stream.push([record("after the deadline")]);
    assert(await follower.readUntil((r) => r.includes('"text":"after the deadline"')));
    assertEquals(server.server.stats.open, 1);
    stream.close();
  });

  Deno.test(`${name} caps the connections one address keeps waiting for their first request`, async () => {
    const provider = new MemoryProvider(["fn"]);
    const watcher = dropWatcher();
    await using server = await startTestServer(createHandler({ provider }), {
      engine,
      maxPendingPerPeer: 3,
      onDrop: watcher.onDrop,
    });
    const held = await Promise.all([1, 2, 3].map(() => RawClient.connect(server.port)));
    // The runtime accepts in order: once a request on the third is answered, all three count.
    await held[2].send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    assert(await held[2].readUntil((r) => r.includes("\r\n\r\nOK")));

    // Two wait, one was answered: one more may wait, the next is closed at once.
    const more = [await RawClient.connect(server.port)];
    using extra = await RawClient.connect(server.port);
    assertEquals(await extra.readUntil(() => false), false, "the extra connection is closed");
    assertEquals(watcher.drops, ["too-many-pending"]);
    assertEquals(server.server.stats.refused, 1);

    // The held ones are still served.
    for (const client of [held[0], more[0]]) {
      await client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      assert(await client.readUntil((r) => r.includes("\r\n\r\nOK")));
    }
    for (const client of [...held, ...more]) client.close();
  });
}

for (
  const [start, name] of [[serveHttp1, "serveHttp1()"], [guardedServe, "guardedServe()"]] as const
) {
  Deno.test(`${name} over TLS drops a client that sends its headers slowly after the handshake`, async () => {
    const watcher = dropWatcher();
    const server = start(() => new Response("ok"), {
      hostname: "127.0.0.1",
      port: 0,
      cert: TEST_TLS.serverCert,
      key: TEST_TLS.serverKey,
      headerTimeoutMs: 300,
      maxPendingPerPeer: 64,
      onDrop: watcher.onDrop,
    });
    try {
      const slow = await Deno.connectTls({
        hostname: "127.0.0.1",
        port: server.addr.port,
        caCerts: [TEST_TLS.ca],
      });
      await slow.handshake();
      await slow.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n"));
      const buffer = new Uint8Array(1024);
      assertEquals(await slow.read(buffer).catch(() => null), null, "closed without an answer");
      slow.close();
      assertEquals(watcher.drops, ["header-timeout"]);
      const client = Deno.createHttpClient({ caCerts: [TEST_TLS.ca] });
      const response = await fetch(`https://127.0.0.1:${server.addr.port}/`, { client });
      assertEquals(await response.text(), "ok");
      client.close();
    } finally {
      await server.shutdown();
    }
  });
}

Deno.test("fnlogs serve --header-timeout drops a slow client and says so", async () => {
  await using server = await startServeProcess([
    "--stack",
    new URL("../examples/stack.yml", import.meta.url).pathname,
    "--header-timeout",
    "300ms",
  ]);
  using slow = await RawClient.connect(Number(new URL(server.url).port));
  await slow.send("GET /system/logs?name=hello HTTP/1.1\r\n");
  assertEquals(await slow.readUntil(() => false), false);
  assertEquals(slow.received, "");
  await server.waitForLog(
    /closed a connection from 127\.0\.0\.1: no request within --header-timeout/,
  );
});

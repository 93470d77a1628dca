/**
 * Raw sockets sending malformed HTTP, half-closing, and vanishing (closed or
 * reset) in the middle of streams: the server answers what it can, drops what it cannot,
 * and keeps serving everyone else (a follower that was there all along, and
 * new requests afterwards).
 */
import { assert, assertEquals } from "@std/assert";
import net from "node:net";
import { createHandler } from "../server/handler.ts";
import { MemoryProvider, record } from "./helpers/memory_provider.ts";
import { RawClient, startTestServer } from "./helpers/test_server.ts";

const GARBAGE = [
  "GARBAGE\r\n\r\n",
  "GET\r\n\r\n",
  "GET /system/logs?name=fn HTTP/9.9\r\nHost: x\r\n\r\n",
  "GET /system/logs?name=fn HTTP/1.1\r\nHost x\r\nBroken header\r\n\r\n",
  "GET /system/logs?name=fn HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
  "GET /system/logs?name=fn HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
  "\x00\x01\x02\xff\xfe\r\n\r\n",
  "GET /system/logs?name=fn HTTP/1.1\r\n" + "X-Long: " + "a".repeat(100_000) + "\r\n\r\n",
  "GET /" + "a".repeat(70_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
];

Deno.test("server survives malformed requests, half-closes and abrupt closes, and keeps serving", async () => {
  const provider = new MemoryProvider(["fn"]);
  provider.history.set("fn", [record("history")]);
  const handler = createHandler({ provider });
  // A request the server keeps waiting on (it may expect more bytes) ends at its
  // own header deadline, not at a timer of ours.
  await using server = await startTestServer(handler, { headerTimeoutMs: 1000 });

  // A follower that is there all along.
  const follower = await fetch(`${server.url}/system/logs?name=fn&follow=true`);
  const followerReader = follower.body!.pipeThrough(new TextDecoderStream()).getReader();
  const stream = await provider.nextStream(0);

  const answers: string[] = [];
  for (const request of GARBAGE) {
    using client = await RawClient.connect(server.port);
    await client.send(request).catch(() => {});
    // The answer's status line, or the server closing.
    await client.readUntil((r) => r.includes("\r\n")).catch(() => false);
    answers.push(client.received.split("\r\n")[0] || "(closed)");
  }
  // Every answer is a 4xx or a closed connection; never a 5xx.
  for (const answer of answers) assert(!/^HTTP\/1\.[01] 5/.test(answer), answers.join(" | "));
  console.log(`  malformed requests answered: ${answers.join(" | ")}`);

  // Half-close: the request is complete and the client stops writing. Deno's server
  // (hyper without half-close support) may drop such a request; whatever it does, it
  // must not answer 5xx, and the others below must be unaffected.
  {
    using client = await RawClient.connect(server.port);
    await client.send("GET /system/logs?name=fn HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    await client.conn.closeWrite();
    await client.readUntil((r) => r.includes("\r\n")).catch(() => false);
    const status = client.received.split("\r\n")[0] || "(no answer)";
    assert(!/^HTTP\/1\.[01] 5/.test(status), status);
    console.log(`  half-closed request: ${status}`);
  }

  // Vanishing mid-stream, many times, while the stream is being written to.
  for (let i = 0; i < 20; i++) {
    const client = await RawClient.connect(server.port);
    const index = provider.opened.length;
    await client.send("GET /system/logs?name=fn&follow=true HTTP/1.1\r\nHost: x\r\n\r\n");
    const own = await provider.nextStream(index);
    own.push([record(`burst ${i}`)]);
    await client.readUntil((r) => r.includes(`burst ${i}`));
    own.push(Array.from({ length: 2000 }, (_, j) => record(`more ${j}`.padEnd(200, "."))));
    client.close();
    await own.cancelled;
  }

  // Resetting mid-stream (a TCP RST, which node:net can send and Deno.Conn cannot).
  for (let i = 0; i < 10; i++) {
    const index = provider.opened.length;
    const socket = net.connect({ host: "127.0.0.1", port: server.port });
    let received = "";
    const gotBurst = new Promise<void>((resolve) => {
      socket.on("data", (data: Uint8Array) => {
        received += new TextDecoder().decode(data);
        if (received.includes(`reset ${i}`)) resolve();
      });
    });
    socket.on("error", () => {});
    socket.write("GET /system/logs?name=fn&follow=true HTTP/1.1\r\nHost: x\r\n\r\n");
    const own = await provider.nextStream(index);
    own.push([record(`reset ${i}`)]);
    await gotBurst;
    own.push(Array.from({ length: 2000 }, (_, j) => record(`more ${j}`.padEnd(200, "."))));
    socket.resetAndDestroy();
    await own.cancelled;
  }

  // The follower that was there all along still gets new lines.
  stream.push([record("still here")]);
  let seen = "";
  while (!seen.includes("still here")) {
    const next = await followerReader.read();
    if (next.done) throw new Error(`The follower ended before the new line: ${seen}`);
    seen += next.value;
  }
  await followerReader.cancel();
  await stream.cancelled;

  // And new requests are answered normally.
  const after = await fetch(`${server.url}/system/logs?name=fn`);
  assertEquals(after.status, 200);
  assert((await after.text()).includes('"text":"history"'));
  await handler.streams.until((n) => n === 0);
});

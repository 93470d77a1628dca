import { assertEquals } from "@std/assert";
import { NatsFixture, natsServerAvailable } from "../../tests/helpers/nats_server.ts";
import { MemoryProvider, record } from "../../tests/helpers/memory_provider.ts";
import { readStream, streamMessages } from "../../tests/helpers/nats_logs.ts";
import { connectNats } from "../providers/nats/connection.ts";
import { ship } from "./shipper.ts";

const ignore = !natsServerAvailable();

Deno.test({
  name: "ship() follows functions that appear later, and lines that share a timestamp, once each",
  ignore,
  async fn() {
    await using nats = await NatsFixture.single();
    const provider = new MemoryProvider(["a"]);
    // Every record has the same timestamp: the occurrence tells them apart.
    const lines = (name: string, from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => record(`${name}${from + i}`, { name }));
    provider.history.set("a", lines("a", 0, 100));
    provider.history.set("b", lines("b", 0, 50));
    const nc = await connectNats({ servers: nats.urls, name: "test" });
    const controller = new AbortController();
    const notices: string[] = [];
    const run = ship({
      provider,
      nc,
      stream: {
        name: "FNLOGS",
        subjectPrefix: "fnlogs",
        replicas: 1,
        maxAgeMs: 0,
        maxBytes: -1,
        duplicateWindowMs: 60_000,
      },
      discoverIntervalMs: 50,
      statsIntervalMs: 0,
      onNotice: (m) => notices.push(m),
      signal: controller.signal,
    });
    const texts = async (name: string, count: number) =>
      (await readStream(nats.urls, name, count)).map((r) => r.text);
    assertEquals(await texts("a", 100), lines("a", 0, 100).map((r) => r.text));
    provider.functions.push("b"); // deployed later
    assertEquals(await texts("b", 50), lines("b", 0, 50).map((r) => r.text));
    provider.opened.find((s) => s.query.name === "a")!.push(lines("a", 100, 130));
    assertEquals(await texts("a", 130), lines("a", 0, 130).map((r) => r.text));
    controller.abort();
    const summary = await run;
    assertEquals([summary.accepted, summary.acked, summary.functions], [180, 180, 2]);
    assertEquals(await streamMessages(nats.urls), 180);
    assertEquals(notices.filter((n) => n.startsWith("shipping ")).length, 2);
    await nc.close();
  },
});

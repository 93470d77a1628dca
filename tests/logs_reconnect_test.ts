/**
 * The promise of `fnlogs logs`: through many cuts at random byte positions
 * (a real TCP proxy in front of the real server), every line is delivered
 * exactly once and in order, by exact cursor, by `since` over the event
 * stream, and by `since` over plain NDJSON.
 */
import { assert, assertEquals } from "@std/assert";
import { type FollowEvent, followLogBatches } from "../lib/follow_logs.ts";
import { createHandler } from "../server/handler.ts";
import { startCuttingProxy } from "./helpers/cutting_proxy.ts";
import { HistoryProvider, sharedTimestampHistory } from "./helpers/history_provider.ts";

/** A seeded generator (mulberry32) so that a failure can be replayed. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LINES = 4000;
const CUTS = 200;

const MODES = [
  { label: "event stream, exact cursors", cursors: true, eventStream: true, seed: 7 },
  { label: "event stream, since", cursors: false, eventStream: true, seed: 11 },
  { label: "NDJSON, since", cursors: false, eventStream: false, seed: 13 },
] as const;

for (const mode of MODES) {
  Deno.test(`followLogBatches() through ${CUTS} random cuts (${mode.label}) prints every line once, in order`, async () => {
    const history = sharedTimestampHistory(LINES);
    const provider = new HistoryProvider(history, { cursors: mode.cursors });
    const handler = createHandler({ provider });
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
    const proxy = startCuttingProxy({
      target: { hostname: "127.0.0.1", port: server.addr.port },
      random: seeded(mode.seed),
      maxCuts: CUTS,
      minBytes: 1,
      maxBytes: 4 * 1024,
      firstMinBytes: 1024,
    });
    const controller = new AbortController();
    const events: FollowEvent[] = [];
    const texts: string[] = [];
    try {
      for await (
        const batch of followLogBatches({
          gateway: proxy.url,
          name: "hello",
          eventStream: mode.eventStream,
          backoff: { initialMs: 0, capMs: 2 },
          signal: controller.signal,
          onEvent: (e) => events.push(e),
        })
      ) {
        for (const m of batch) texts.push(m.text);
        if (texts.length >= LINES) controller.abort();
      }
    } finally {
      controller.abort();
      await proxy.close();
      await server.shutdown();
    }

    assertEquals(texts.length, LINES);
    assertEquals(texts, history.map((m) => m.text));
    const reconnects = events.filter((e) => e.event === "reconnecting").length;
    const resumes = events.filter((e) => e.event === "resumed");
    assertEquals(proxy.cuts, CUTS);
    assert(reconnects >= CUTS - 1 && reconnects <= CUTS, `${reconnects} reconnects`);
    if (mode.cursors) {
      assert(resumes.every((e) => e.event === "resumed" && e.resume !== "since"));
    } else {
      assert(resumes.some((e) => e.event === "resumed" && e.resume === "since"));
    }
    const by = (kind: string) =>
      resumes.filter((e) => e.event === "resumed" && e.resume === kind).length;
    console.log(
      `  ${mode.label}: ${proxy.cuts} cuts, ${proxy.connections} connections, ` +
        `${LINES} lines, ${provider.served} sent (overlap included), ${texts.length} printed; ` +
        `resumed by cursor ${by("cursor")}, since ${by("since")}, replay ${by("replay")}`,
    );
  });
}

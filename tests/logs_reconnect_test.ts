/**
 * The promise of `fnlogs logs`: through many faults at random byte
 * positions (a real TCP proxy in front of the real server that cuts,
 * resets and stalls connections, see `helpers/cutting_proxy.ts`), every
 * line is delivered exactly once and in order, overall and per instance,
 * by exact cursor, by `since` over the event stream, and by `since` over
 * plain NDJSON.
 *
 * A stall is only noticed through the client's idle timeout. The event
 * stream gets one by default (45 s, 3 × the server's 15 s heartbeat); plain
 * NDJSON has no heartbeat, so there it only exists when asked for
 * (`--idle-timeout`). Here both use a short one, with the server's
 * heartbeat well inside it.
 */
import { assert, assertEquals } from "@std/assert";
import { type FollowEvent, followLogBatches } from "../lib/client/follow_logs.ts";
import { createHandler } from "../server/handler.ts";
import { startCuttingProxy } from "./helpers/cutting_proxy.ts";
import { HistoryProvider, sharedTimestampHistory } from "./helpers/history_provider.ts";
import { seeded } from "./helpers/fuzz.ts";
import { startTestServer } from "./helpers/test_server.ts";

const LINES = 2000;
const INSTANCES = 3;
/** Broken connections per mode. */
const FAULTS = 200;
/** Each kind must show up at least this often (about 75 cuts, 75 resets, 50 stalls expected). */
const MIN_PER_KIND = 25;
/** The client's idle timeout; the server's heartbeat is well inside it. */
const IDLE_MS = 40;
const HEARTBEAT_MS = 10;

const MODES = [
  { label: "event stream, exact cursors", cursors: true, eventStream: true, seed: 7 },
  { label: "event stream, since", cursors: false, eventStream: true, seed: 11 },
  { label: "NDJSON, since", cursors: false, eventStream: false, seed: 13 },
] as const;

function byInstance(texts: readonly { instance: string; text: string }[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const { instance, text } of texts) {
    let list = out.get(instance);
    if (list === undefined) out.set(instance, list = []);
    list.push(text);
  }
  return out;
}

type Mode = (typeof MODES)[number];

/** Follows one history through the proxy; asserts, and returns the summary line. */
async function runMode(mode: Mode): Promise<string> {
  const history = sharedTimestampHistory(LINES, INSTANCES);
  const provider = new HistoryProvider(history, { cursors: mode.cursors });
  const handler = createHandler({ provider, heartbeatMs: HEARTBEAT_MS });
  // The server as `fnlogs serve` runs it (its own HTTP/1.1 engine).
  const server = await startTestServer(handler);
  const proxy = await startCuttingProxy({
    target: { hostname: "127.0.0.1", port: server.port },
    random: seeded(mode.seed),
    maxFaults: FAULTS,
    weights: { cut: 3, reset: 3, stall: 2 },
    delayChance: 0.1,
    maxDelayMs: IDLE_MS / 3,
    minBytes: 1,
    maxBytes: 2 * 1024,
    firstMinBytes: 1024,
  });
  const controller = new AbortController();
  const events: FollowEvent[] = [];
  const printed: { instance: string; text: string }[] = [];
  try {
    for await (
      const batch of followLogBatches({
        gateway: proxy.url,
        name: "hello",
        eventStream: mode.eventStream,
        backoff: { initialMs: 0, capMs: 2 },
        idleTimeoutMs: IDLE_MS,
        signal: controller.signal,
        onEvent: (e) => events.push(e),
      })
    ) {
      for (const m of batch) printed.push({ instance: m.instance, text: m.text });
      if (printed.length >= LINES) controller.abort();
    }
  } finally {
    controller.abort();
    await proxy.close();
    await server[Symbol.asyncDispose]();
  }

  // Every line once, in order; so also in order per instance.
  const label = mode.label;
  assertEquals(printed.map((m) => m.text), history.map((m) => m.text), label);
  const perInstance = byInstance(printed);
  assertEquals(perInstance, byInstance(history), label);
  assertEquals(perInstance.size, INSTANCES, label);

  const { cut, reset, stall, delay } = proxy.tally;
  assertEquals(proxy.faults, FAULTS, label);
  for (const [kind, n] of Object.entries({ cut, reset, stall })) {
    assert(n >= MIN_PER_KIND, `${label}: ${kind} ${n} < ${MIN_PER_KIND}`);
  }
  const { midLine } = proxy;
  assert(midLine.stall >= MIN_PER_KIND / 2, `${label}: ${midLine.stall} stalls mid-line`);
  assert(delay > 0, `${label}: no pause ridden out`);
  // A stall is only noticed by the idle timeout, cuts and resets by the
  // error they raise; at most the last fault (after the last line) goes
  // unanswered. A busy machine may add idle timeouts of its own.
  const reasons = events.flatMap((e) => e.event === "reconnecting" ? [e.reason] : []);
  const idle = reasons.filter((r) => /^no data for/i.test(r)).length;
  const broken = reasons.length - idle;
  const counts = `${label}: ${
    JSON.stringify(proxy.tally)
  }, ${idle} idle, ${broken} other reconnects`;
  assert(reasons.length >= FAULTS - 1, counts);
  assert(idle >= stall - 1, counts);
  assert(broken <= cut + reset, counts);
  const resumes = events.filter((e) => e.event === "resumed");
  if (mode.cursors) {
    assert(resumes.every((e) => e.event === "resumed" && e.resume !== "since"), label);
  } else {
    assert(resumes.some((e) => e.event === "resumed" && e.resume === "since"), label);
  }
  const by = (kind: string) =>
    resumes.filter((e) => e.event === "resumed" && e.resume === kind).length;
  const seen = new Map<string, number>();
  for (const r of reasons) {
    const key = r.replace(/\d+ ms/, "N ms").replace(/127\.0\.0\.1:\d+/, "PROXY");
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return `  ${label}: ${cut} cuts, ${reset} resets, ${stall} stalls ` +
    `(mid-line ${midLine.cut}/${midLine.reset}/${midLine.stall}), ` +
    `${delay} pauses ridden out; ${proxy.connections} connections, ` +
    `${reasons.length} reconnects (${Math.max(0, reasons.length - FAULTS)} extra); ` +
    `${LINES} lines from ${INSTANCES} instances, ${printed.length} printed, lost 0, ` +
    `repeated 0; resumed by cursor ${by("cursor")}, since ${by("since")}, ` +
    `replay ${by("replay")}\n` +
    [...seen].map(([r, n]) => `    ${n} × ${r}`).join("\n");
}

Deno.test(`followLogBatches() through ${FAULTS} random cuts, resets and stalls in each of ${MODES.length} modes prints every line once, in order`, async () => {
  // The modes run side by side: much of their time is spent waiting out stalls.
  const summaries = await Promise.all(MODES.map(runMode));
  console.log(summaries.join("\n"));
});

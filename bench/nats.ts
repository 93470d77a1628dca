/**
 * (8) NATS JetStream, against a real single-node nats-server (skipped where
 * it is missing):
 *
 * - shipping: `ship()` fed by an in-memory provider, lines acknowledged by
 *   the broker per second; baselines in the same run, same message (payload
 *   and `Nats-Msg-Id`): nats.js' own `js.publish()` loop and a bare loop of
 *   core publishes with a reply subject (the broker's rate with this client);
 * - serving: a history read from the stream by `fnlogs serve --provider
 *   nats` and dumped to `curl`, against the bare read of the same stream by
 *   the ordered reader alone (no HTTP);
 * - follow latency: a function writing 100 lines/s, each carrying when it
 *   was written, through `fnlogs ship`, the broker, `fnlogs serve
 *   --provider nats` and `fnlogs logs -f`.
 */
import { createInbox, headers, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, type JetStreamManager, jetstreamManager } from "@nats-io/jetstream";
import type { Row } from "./harness.ts";
import { percentile, ROOT, until } from "./harness.ts";
import { followLags } from "./latency.ts";
import { NatsFixture, natsServerAvailable } from "../tests/helpers/nats_server.ts";
import { startFnlogs } from "../tests/helpers/fnlogs_process.ts";
import { startServeProcess } from "../tests/helpers/serve_process.ts";
import { connectNats } from "../lib/providers/nats/connection.ts";
import { OrderedReader } from "../lib/providers/nats/ordered_reader.ts";
import { encodeRecordPayload, messageId } from "../lib/providers/nats/record_codec.ts";
import { logSubject } from "../lib/providers/nats/subject.ts";
import { ship } from "../lib/ship/shipper.ts";
import type { FunctionInfo, LogBatch, LogProvider, LogRecord, LogSource } from "../lib/types.ts";

const STREAM = {
  name: "FNLOGS",
  subjectPrefix: "fnlogs",
  replicas: 1,
  maxAgeMs: 0,
  maxBytes: -1,
  duplicateWindowMs: 120_000,
};

const line = (i: number): LogRecord => ({
  name: "bulk",
  namespace: "openfaas-fn",
  instance: "bulk-abcde",
  timestamp: `2024-01-01T00:00:${String(Math.floor(i / 1e6) % 60).padStart(2, "0")}.${
    String(i % 1e6).padStart(6, "0")
  }Z`,
  text: `line ${i} ${"x".repeat(40)}`,
});

/** A provider holding `lines` lines of `bulk`, handed out 1000 per pull, then idle. */
function bulkProvider(lines: number): LogProvider {
  return {
    kind: "bench",
    defaultNamespace: "openfaas-fn",
    resumesByCursor: false,
    listFunctions: () =>
      Promise.resolve(
        [{
          name: "bulk",
          namespace: "openfaas-fn",
          replicas: 1,
          availableReplicas: 1,
        }] as FunctionInfo[],
      ),
    openLogs(): Promise<LogSource> {
      let i = 0;
      const stream = new ReadableStream<LogBatch>({
        pull: async (c) => {
          if (i >= lines) return await new Promise(() => {});
          const batch: LogRecord[] = [];
          for (const end = Math.min(lines, i + 1000); i < end; i++) batch.push(line(i));
          c.enqueue(batch);
        },
      }, { highWaterMark: 0 });
      return Promise.resolve({ stream, fromCursor: false });
    },
    close: () => Promise.resolve(),
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
}

async function fresh(urls: string[]) {
  const nc = await connectNats({ servers: urls, name: "bench" });
  const jsm = await jetstreamManager(nc, { checkAPI: false });
  await jsm.streams.delete("FNLOGS").catch(() => {});
  await jsm.streams.add({ name: "FNLOGS", subjects: ["fnlogs.>"], duplicate_window: 120e9 });
  return { nc, jsm };
}

const rate = (n: number, ms: number) => Math.round(n / (ms / 1000));

/** Ships `n` bulk lines with `ship()` into `fixture`'s fresh stream; resolves once all are stored. */
async function shipAll(fixture: { nc: NatsConnection; jsm: JetStreamManager }, n: number) {
  const controller = new AbortController();
  const run = ship({
    provider: bulkProvider(n),
    nc: fixture.nc,
    stream: STREAM,
    statsIntervalMs: 0,
    onNotice: () => {},
    signal: controller.signal,
  });
  await until(
    async () => (await fixture.jsm.streams.info("FNLOGS")).state.messages >= n,
    600_000,
    20,
  );
  controller.abort();
  await run;
}

/** Lines acknowledged per second: the shipper, and the two baselines. */
async function shipping(urls: string[], n: number): Promise<number[]> {
  const subject = logSubject("fnlogs", line(0));
  const message = (i: number) => ({
    payload: encodeRecordPayload(line(i)),
    id: messageId(subject, line(i).timestamp, 0),
  });

  // nats.js' own JetStream publish, 4096 in flight.
  let { nc } = await fresh(urls);
  const js = jetstream(nc);
  let start = performance.now();
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const m = message(i);
    inFlight.push(js.publish(subject, m.payload, { msgID: m.id }));
    if (inFlight.length >= 4096) await Promise.all(inFlight.splice(0, 1024));
  }
  await Promise.all(inFlight);
  const library = rate(n, performance.now() - start);
  await nc.close();

  // Core publishes with a reply subject: what the broker takes from this client.
  ({ nc } = await fresh(urls));
  const inbox = createInbox();
  let acked = 0;
  let wake: (() => void) | undefined;
  nc.subscribe(`${inbox}.*`, {
    callback: () => {
      acked++;
      if (wake !== undefined && (acked === n || sent - acked <= 3072)) {
        const w = wake;
        wake = undefined;
        w();
      }
    },
  });
  let sent = 0;
  start = performance.now();
  for (let i = 0; i < n; i++) {
    const m = message(i), h = headers();
    h.set("Nats-Msg-Id", m.id);
    nc.publish(subject, m.payload, { reply: `${inbox}.${i}`, headers: h });
    sent++;
    if (sent - acked >= 4096) await new Promise<void>((r) => wake = r);
  }
  while (acked < n) await new Promise<void>((r) => wake = r);
  const bare = rate(n, performance.now() - start);
  await nc.close();

  // The shipper.
  const fixture = await fresh(urls);
  start = performance.now();
  await shipAll(fixture, n);
  const shipped = rate(n, performance.now() - start);
  await fixture.nc.close();
  return [shipped, library, bare];
}

/** A history of `n` lines read from the stream: through fnlogs serve to curl, and bare. */
async function serving(urls: string[], n: number): Promise<number[]> {
  const fixture = await fresh(urls);
  await shipAll(fixture, n);

  let start = performance.now();
  const reader = await OrderedReader.open({
    nc: fixture.nc,
    jsm: fixture.jsm,
    stream: "FNLOGS",
    filter: "fnlogs.openfaas-fn.bulk.>",
    start: { seq: 1 },
    endSeq: n,
  });
  let read = 0;
  while (!reader.ended || read < n) {
    const got = reader.take();
    read += got.length;
    if (got.length === 0) await reader.wait();
  }
  const bare = rate(read, performance.now() - start);
  await reader.close();
  await fixture.nc.close();

  await using server = await startServeProcess([
    "--provider",
    "nats",
    "--nats",
    urls[0],
    "--quiet",
  ]);
  start = performance.now();
  const out = await new Deno.Command("sh", {
    args: ["-c", `curl -s '${server.url}/system/logs?name=bulk' | wc -l`],
    stdout: "piped",
  }).output();
  const ms = performance.now() - start;
  const lines = Number(new TextDecoder().decode(out.stdout).trim());
  if (lines !== n) throw new Error(`curl got ${lines} lines of ${n}`);
  return [rate(lines, ms), bare];
}

/** Function write to client print, through shipper, broker and a replica: sorted lags (ms). */
async function latency(urls: string[], samples: number): Promise<number[]> {
  await fresh(urls).then(({ nc }) => nc.close());
  await using shipper = startFnlogs([
    "ship",
    "--from",
    "local",
    "--stack",
    `${ROOT}bench/stacks/latency.yml`,
    "--to",
    urls[0],
    "--stats-interval",
    "0",
  ]);
  await shipper.waitFor("stderr", /shipping openfaas-fn\/ticker100/);
  await using server = await startServeProcess([
    "--provider",
    "nats",
    "--nats",
    urls[0],
    "--quiet",
  ]);
  return await followLags(server.url, "ticker100", samples);
}

export async function measureNats(quick: boolean): Promise<Row[]> {
  if (!natsServerAvailable()) {
    return [{ measure: "8 NATS JetStream", value: "skipped: nats-server is not installed" }];
  }
  await using nats = await NatsFixture.single();
  const shipLines = quick ? 100_000 : 300_000;
  const [shipped, library, bare] = await shipping(nats.urls, shipLines);
  const history = quick ? 200_000 : 1_000_000;
  const [served, read] = await serving(nats.urls, history);
  const lags = await latency(nats.urls, quick ? 300 : 1000);
  const p99 = percentile(lags, 99);
  return [
    {
      measure: `8 ship: ${shipLines.toLocaleString("en")} lines into single-node JetStream, acked`,
      value: `${shipped.toLocaleString("en")} lines/s`,
      target: ">= 100,000",
      ok: shipped >= 100_000,
    },
    {
      measure: "8 baselines, same message: nats.js js.publish loop / bare core publish+reply",
      value: `${library.toLocaleString("en")} / ${bare.toLocaleString("en")} msgs/s`,
    },
    {
      measure: `8 serve: ${history.toLocaleString("en")}-line history from the stream to curl`,
      value: `${served.toLocaleString("en")} msgs/s`,
      target: ">= 300,000",
      ok: served >= 300_000,
    },
    {
      measure: "8 the same stream read bare (ordered reader, no decode, no HTTP)",
      value: `${read.toLocaleString("en")} msgs/s`,
    },
    {
      measure: "8 follow latency via ship + broker + replica, p50 / p99 / max",
      value: `${percentile(lags, 50).toFixed(2)} / ${p99.toFixed(2)} / ${
        lags[lags.length - 1].toFixed(2)
      } ms`,
      target: "p99 <= 20 ms",
      ok: p99 <= 20,
    },
  ];
}

/**
 * Measures the Docker provider against the test Podman service: follow
 * latency (a container prints /proc/uptime, the reader compares it with its
 * own on arrival) and throughput (history and live). Not a test: run
 * `deno run -A tests/podman/measure.ts` after tests/podman/setup.sh.
 */
import { DockerProvider } from "../../lib/providers/docker/provider.ts";
import type { LogBatch } from "../../lib/types.ts";
import { findTestDockerHost, PodmanApi } from "./podman_api.ts";

const { host, reason } = await findTestDockerHost();
if (host === undefined) throw new Error(reason);
const lines = Number(Deno.args[0] ?? 200_000);

async function uptime(): Promise<number> {
  return Number((await Deno.readTextFile("/proc/uptime")).split(" ")[0]);
}

function stats(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))].toFixed(0);
  return `n=${s.length} min=${at(0)} median=${at(0.5)} p95=${at(0.95)} max=${at(1)} ms`;
}

async function count(reader: ReadableStreamDefaultReader<LogBatch>, want: number) {
  let n = 0, batches = 0;
  while (n < want) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.length;
    batches++;
  }
  return { n, batches };
}

await using api = new PodmanApi(host);
const provider = new DockerProvider({ host });
const fn = `measure${Date.now().toString(36)}`;

// Latency: one line every 100 ms.
const ticker = await api.create({
  name: `${fn}-tick`,
  fn,
  script: "while true; do read up rest < /proc/uptime; echo $up; usleep 100000; done",
});
await api.start(ticker);
{
  const { stream } = await provider.openLogs({ name: fn, follow: true, tail: 1 });
  const reader = stream.getReader();
  await reader.read();
  const delays: number[] = [];
  while (delays.length < 40) {
    const { value } = await reader.read();
    const now = await uptime();
    for (const r of value!) delays.push((now - Number(r.text)) * 1000);
  }
  await reader.cancel();
  console.log(`follow latency (Podman ${host}): ${stats(delays)}`);
}
await api.stop(ticker);

// Throughput of history: a container writes `lines` lines and exits.
const bulkFn = `${fn}-bulk`;
const bulk = await api.create({ name: `${bulkFn}-1`, fn: bulkFn, script: `seq 1 ${lines}` });
await api.start(bulk);
await api.waitStopped(bulk);
{
  const t0 = performance.now();
  const { stream } = await provider.openLogs({ name: bulkFn, follow: false });
  const { n, batches } = await count(stream.getReader(), Infinity);
  const ms = performance.now() - t0;
  console.log(
    `history: ${n} lines in ${ms.toFixed(0)} ms = ${(n / ms * 1000).toFixed(0)} lines/s, ` +
      `${batches} batches`,
  );
}

// Throughput while following: the lines are written after the reader waits.
const liveFn = `${fn}-live`;
const live = await api.create({
  name: `${liveFn}-1`,
  fn: liveFn,
  script: `sleep 1; seq 1 ${lines}; sleep 30`,
});
await api.start(live);
{
  const { stream } = await provider.openLogs({ name: liveFn, follow: true });
  const reader = stream.getReader();
  const first = await reader.read();
  const t0 = performance.now();
  const { n, batches } = await count(reader, lines - first.value!.length);
  const ms = performance.now() - t0;
  console.log(
    `follow: ${n + first.value!.length} lines, ${n} in ${
      ms.toFixed(0)
    } ms after the first batch = ` +
      `${(n / ms * 1000).toFixed(0)} lines/s, ${batches + 1} batches`,
  );
  await reader.cancel();
}
await provider.close();

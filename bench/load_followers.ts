/**
 * Load generator for (4) fan-out and (5) many-followers: opens many
 * `GET /system/logs?follow=true` streams over raw TCP sockets from its own
 * process, so the server's cost is measured apart from the clients'. Prints
 * its result as one JSON line on stdout; progress goes to stderr.
 *
 * Usage: load_followers.ts '{"mode":"fan-out"|"idle","port":N,"name":"fn",
 *   "clients":N,"pid":SERVER_PID,"seconds":S,"inFlight":200}'
 *
 * Lines are counted, not parsed: a read's lines end in `}\n`, the chunked
 * framing's in `\r\n`. The lag of a read is the `t=` of its last complete line.
 */
import { cpuSeconds, epochMs, percentile, rssBytes } from "./harness.ts";

interface Options {
  mode: "fan-out" | "idle";
  port: number;
  name: string;
  clients: number;
  pid: number;
  /** fan-out: the measuring window. */
  seconds?: number;
  /** Connects (until response headers) in flight at once. */
  inFlight?: number;
  /** Gives up on everything after this long. */
  deadlineMs?: number;
}

const options: Options = JSON.parse(Deno.args[0]);
const inFlight = options.inFlight ?? 200;
const hardDeadline = setTimeout(() => {
  console.log(JSON.stringify({ error: `load generator deadline ${options.deadlineMs} ms` }));
  Deno.exit(2);
}, options.deadlineMs ?? 120_000);

const NL = 10, BRACE = 0x7d;
const request = new TextEncoder().encode(
  `GET /system/logs?name=${options.name}&follow=true&tail=1 HTTP/1.1\r\nHost: bench\r\n\r\n`,
);
const latin1 = new TextDecoder("latin1");
const TEXT = ',"text":"t=';

interface Client {
  conn: Deno.TcpConn;
  /** The last byte of the previous read, for a `}\n` split across reads. */
  last: number;
  lines: number;
  ended: boolean;
}
const clients: Client[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Counts complete lines in `bytes` and returns the end of the last one (-1 if none). */
function countLines(client: Client, bytes: Uint8Array): [number, number] {
  let lines = 0;
  let lastEnd = -1;
  for (let i = bytes.indexOf(NL); i !== -1; i = bytes.indexOf(NL, i + 1)) {
    const before = i === 0 ? client.last : bytes[i - 1];
    if (before === BRACE) {
      lines++;
      lastEnd = i;
    }
  }
  if (bytes.length > 0) client.last = bytes[bytes.length - 1];
  return [lines, lastEnd];
}

/** The `t=` (epoch µs) of the line ending at `end`, or NaN. */
function tOfLineEndingAt(bytes: Uint8Array, end: number): number {
  const text = latin1.decode(bytes.subarray(Math.max(0, end - 400), end));
  const at = text.lastIndexOf(TEXT);
  if (at === -1) return NaN;
  return parseInt(text.slice(at + TEXT.length), 10);
}

/** Opens one stream and reads up to the end of its response headers; returns the body bytes read with them. */
async function open(buffer: Uint8Array): Promise<[Client, Uint8Array]> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: options.port });
  await conn.write(request);
  let got = 0;
  for (;;) {
    const n = await conn.read(buffer.subarray(got));
    if (n === null) throw new Error("server closed before headers");
    got += n;
    const text = latin1.decode(buffer.subarray(0, got));
    const end = text.indexOf("\r\n\r\n");
    if (end !== -1) {
      if (!text.startsWith("HTTP/1.1 200")) throw new Error(text.split("\r\n")[0]);
      const client: Client = { conn, last: 0, lines: 0, ended: false };
      return [client, buffer.slice(end + 4, got)];
    }
    if (got === buffer.length) throw new Error("headers too long");
  }
}

/** Opens `count` streams, `inFlight` at a time; `onOpen` starts each one's reading. */
async function openAll(
  count: number,
  bufferSize: number,
  onOpen: (client: Client, rest: Uint8Array) => void,
): Promise<{ ms: number; failed: number; firstError?: string }> {
  const start = performance.now();
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  const worker = async () => {
    const buffer = new Uint8Array(bufferSize);
    while (next < count) {
      next++;
      try {
        const [client, rest] = await open(buffer);
        clients.push(client);
        onOpen(client, rest);
      } catch (error) {
        failed++;
        firstError ??= String(error);
      }
      if (clients.length % 1000 === 0 && clients.length > 0) {
        console.error(`load: ${clients.length} streams open`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
  return { ms: performance.now() - start, failed, firstError };
}

function closeAll() {
  for (const c of clients) {
    c.ended = true;
    try {
      c.conn.close();
    } catch {
      // Already closed.
    }
  }
}

async function fanOut() {
  const seconds = options.seconds ?? 10;
  let measuring = false;
  let lines = 0;
  let reads = 0;
  let ended = 0;
  const lags: number[] = [];
  const follow = async (client: Client) => {
    const buffer = new Uint8Array(256 * 1024);
    try {
      for (;;) {
        const n = await client.conn.read(buffer);
        const now = epochMs();
        if (n === null) break;
        const bytes = buffer.subarray(0, n);
        const [count, lastEnd] = countLines(client, bytes);
        if (!measuring) continue;
        lines += count;
        reads++;
        if (lastEnd !== -1) {
          const t = tOfLineEndingAt(bytes, lastEnd);
          if (!Number.isNaN(t)) lags.push(now - t / 1000);
        }
      }
    } catch {
      // Closed at the end.
    }
    if (!client.ended) ended++;
  };
  const opened = await openAll(options.clients, 4096, (client, rest) => {
    countLines(client, rest);
    follow(client);
  });
  console.error(`load: ${clients.length} streams open in ${opened.ms.toFixed(0)} ms`);
  await sleep(1000); // settle
  const cpu0 = cpuSeconds(options.pid), self0 = cpuSeconds(Deno.pid), t0 = performance.now();
  measuring = true;
  await sleep(seconds * 1000);
  measuring = false;
  const wall = (performance.now() - t0) / 1000;
  const cpu = (cpuSeconds(options.pid) - cpu0) / wall;
  const selfCpu = (cpuSeconds(Deno.pid) - self0) / wall;
  closeAll();
  lags.sort((a, b) => a - b);
  return {
    clients: clients.length,
    failed: opened.failed,
    firstError: opened.firstError,
    connectMs: opened.ms,
    ended,
    seconds: wall,
    linesPerSecond: lines / wall,
    readsPerSecond: reads / wall,
    lagSamples: lags.length,
    lagP50: percentile(lags, 50),
    lagP99: percentile(lags, 99),
    lagMax: lags[lags.length - 1],
    serverCpu: cpu,
    loadCpu: selfCpu,
  };
}

async function idle() {
  // Epoch µs: the next line is the first with a t= after this (none while opening).
  const waiting = { since: Infinity };
  const delays: number[] = [];
  let got = 0;
  let ended = 0;
  let resolveAll: () => void = () => {};
  const allGot = new Promise<void>((r) => resolveAll = r);
  const see = (client: Client & { seen?: boolean }, bytes: Uint8Array, now: number) => {
    const [, lastEnd] = countLines(client, bytes);
    if (client.seen || lastEnd === -1) return;
    const t = tOfLineEndingAt(bytes, lastEnd);
    if (!(t > waiting.since)) return;
    client.seen = true;
    delays.push(now - t / 1000);
    if (++got === clients.length) resolveAll();
  };
  const follow = async (client: Client) => {
    const buffer = new Uint8Array(2048);
    try {
      for (;;) {
        const n = await client.conn.read(buffer);
        const now = epochMs();
        if (n === null) break;
        see(client, buffer.subarray(0, n), now);
      }
    } catch {
      // Closed at the end.
    }
    if (!client.ended) ended++;
  };
  const opened = await openAll(options.clients, 2048, (client, rest) => {
    countLines(client, rest);
    follow(client);
  });
  console.error(`load: ${clients.length} streams open in ${opened.ms.toFixed(0)} ms`);
  const rss = rssBytes(options.pid);
  waiting.since = epochMs() * 1000;
  const waitStart = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([allGot, new Promise((r) => timer = setTimeout(r, 6000))]);
  clearTimeout(timer);
  const waitedMs = performance.now() - waitStart;
  const rssAfter = rssBytes(options.pid);
  closeAll();
  delays.sort((a, b) => a - b);
  return {
    clients: clients.length,
    failed: opened.failed,
    firstError: opened.firstError,
    connectMs: opened.ms,
    rss,
    rssAfterLine: rssAfter,
    ended,
    waitedMs,
    got,
    within1s: delays.filter((d) => d <= 1000).length,
    delayP50: percentile(delays, 50),
    delayMax: delays[delays.length - 1],
  };
}

const result = options.mode === "fan-out" ? await fanOut() : await idle();
clearTimeout(hardDeadline);
console.log(JSON.stringify(result));
// Sockets are closed; pending reads settle on their own, but do not wait for them.
Deno.exit(0);

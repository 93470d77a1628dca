/**
 * `fnlogs logs` against a server that writes one chunk per message, as the
 * real OpenFaaS handlers and gateways do (`bench/peers/one_write_server.ts`,
 * its own process), next to curl draining the same server in the same run:
 * wall time, the ratio to curl, and the client's peak RSS. Also how many
 * messages a reader that keeps up gets per socket read (about one, or the
 * peer is not faithful), and the relay (`--upstream`) in front of it.
 */
import type { Row } from "./harness.ts";
import { LOGS_RUN_FLAGS, MAIN, median, ROOT, startServer, timed } from "./harness.ts";

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/** The peer, started with `lines` messages per request. */
async function startPeer(lines: number): Promise<{ url: string } & AsyncDisposable> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", `${ROOT}bench/peers/one_write_server.ts`, String(lines)],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the one-write peer ended before it listened");
    text += value;
  }
  reader.releaseLock();
  child.stdout.cancel().catch(() => {});
  const port = Number(/listening (\d+)/.exec(text)?.[1]);
  return {
    url: `http://127.0.0.1:${port}`,
    async [Symbol.asyncDispose]() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

/** Runs a command to completion, sampling its peak RSS (VmHWM) until it exits. */
async function run(command: string, args: string[]): Promise<{ ms: number; peakKb: number }> {
  const start = performance.now();
  const child = new Deno.Command(command, { args, stdout: "null", stderr: "piped" }).spawn();
  let peakKb = 0;
  const sample = () => {
    try {
      const status = Deno.readTextFileSync(`/proc/${child.pid}/status`);
      peakKb = Math.max(peakKb, Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0));
    } catch {
      // Gone.
    }
  };
  const timer = setInterval(sample, 20);
  const output = await child.output();
  clearInterval(timer);
  const ms = performance.now() - start;
  if (!output.success) {
    throw new Error(`${command} failed: ${new TextDecoder().decode(output.stderr)}`);
  }
  return { ms, peakKb };
}

/**
 * Messages per socket read for a reader that keeps up: a Deno read loop that
 * does nothing else (a faithful peer gives it about one message per read
 * on a quiet machine; a busy machine lets messages pile up between reads).
 */
async function messagesPerRead(url: string, lines: number): Promise<number> {
  const { port } = new URL(url);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(port) });
  await conn.write(
    new TextEncoder().encode("GET /system/logs?name=bulk HTTP/1.1\r\nHost: peer\r\n\r\n"),
  );
  const buffer = new Uint8Array(256 * 1024);
  let reads = 0;
  for (;;) {
    const n = await conn.read(buffer);
    if (n === null) break;
    reads++;
    // The terminating chunk ends the body; the peer keeps the connection open.
    if (n >= 5 && buffer[n - 5] === 48 && buffer[n - 4] === 13 && buffer[n - 3] === 10) break;
  }
  conn.close();
  return lines / reads;
}

export async function measureOneWritePeer(quick: boolean): Promise<Row[]> {
  const lines = quick ? 200_000 : 1_000_000;
  const runs = quick ? 2 : 5;
  await using peer = await startPeer(lines);
  const perRead = await messagesPerRead(peer.url, lines);
  const url = `${peer.url}/system/logs?name=bulk`;
  const fnlogs = (output: string) => [
    "run",
    ...LOGS_RUN_FLAGS,
    MAIN,
    "logs",
    "bulk",
    "-g",
    peer.url,
    "--tail=false",
    "-o",
    output,
  ];
  const curl: number[] = [], plain: number[] = [], json: number[] = [];
  const plainRss: number[] = [], jsonRss: number[] = [];
  // Alternated, so that the machine's drift hits all three alike.
  for (let i = 0; i < runs; i++) {
    curl.push((await run("curl", ["-s", "-o", "/dev/null", url])).ms);
    const p = await run(Deno.execPath(), fnlogs("plain"));
    plain.push(p.ms);
    plainRss.push(p.peakKb);
    const j = await run(Deno.execPath(), fnlogs("json"));
    json.push(j.ms);
    jsonRss.push(j.peakKb);
  }
  // The relay reading the same peer, drained by curl.
  await using relay = await startServer("", ["--upstream", peer.url, "--quiet"]);
  const relayed: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { ms, code } = await timed("curl", [
      "-s",
      "-o",
      "/dev/null",
      `${relay.url}/system/logs?name=bulk`,
    ]);
    if (code !== 0) throw new Error(`curl through the relay exited ${code}`);
    relayed.push(ms);
  }
  const c = median(curl), p = median(plain), j = median(json);
  const rate = (ms: number) => fmt(lines / (ms / 1000));
  const mb = (kb: number[]) => (Math.max(...kb) / 1024).toFixed(0);
  return [
    {
      measure: `P one-write peer: messages per read, reader keeping up (${fmt(lines)} lines)`,
      value: perRead.toFixed(2),
      target: "about 1 (faithful peer)",
      ok: perRead < 3,
    },
    {
      measure: "P curl draining the peer (s, msgs/s)",
      value: `${(c / 1000).toFixed(2)} s, ${rate(c)}`,
    },
    {
      measure: "P fnlogs logs -o plain (s; / curl)",
      value: `${(p / 1000).toFixed(2)} s; ${(p / c).toFixed(2)}`,
      target: "<= 1.0",
      ok: p / c <= 1,
    },
    {
      measure: "P fnlogs logs -o json (s; / curl)",
      value: `${(j / 1000).toFixed(2)} s; ${(j / c).toFixed(2)}`,
      target: "<= 1.0",
      ok: j / c <= 1,
    },
    {
      measure: "P fnlogs logs peak RSS, plain / json (MB, worst run)",
      value: `${mb(plainRss)} / ${mb(jsonRss)}`,
      target: "<= 80",
      ok: Math.max(...plainRss, ...jsonRss) <= 80 * 1024,
    },
    {
      measure: "P curl through fnlogs serve --upstream PEER (s; / curl direct)",
      value: `${(median(relayed) / 1000).toFixed(2)} s; ${(median(relayed) / c).toFixed(2)}`,
    },
  ];
}

/**
 * (6) A reader taking 1 KB/s from a function writing as fast as it can:
 * the server's RSS over time (first with the slow reader alone, then with a
 * normal follower of the same function too, which must not be slowed), and
 * the lines the slow reader was told it missed.
 */
import { type Row, rssBytes, startServer } from "./harness.ts";

export async function measureSlowReader(quick: boolean): Promise<Row[]> {
  const seconds = quick ? 6 : 20;
  await using server = await startServer("slow_reader", ["--quiet"]);
  const port = Number(new URL(server.url).port);
  // Let the producer run and the server settle before the baseline RSS.
  await new Promise((r) => setTimeout(r, 1000));
  const rssStart = rssBytes(server.pid);

  // The slow reader: 1 KB each second over a raw socket.
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(
    "GET /system/logs?name=fast&follow=true&tail=1 HTTP/1.1\r\nHost: bench\r\n\r\n",
  ));
  let slowText = "";
  const buffer = new Uint8Array(1024);
  // First the slow reader alone: what it costs the server by itself.
  const aloneSeconds = quick ? 3 : 5;
  const rssAlone: number[] = [];
  for (let s = 0; s < aloneSeconds; s++) {
    const n = await conn.read(buffer);
    if (n !== null) slowText += new TextDecoder().decode(buffer.subarray(0, n));
    await new Promise((r) => setTimeout(r, 1000));
    rssAlone.push(rssBytes(server.pid));
  }

  // The normal follower: reads as fast as it can and counts lines.
  let fastLines = 0;
  let fastGaps = 0;
  const fastResponse = await fetch(`${server.url}/system/logs?name=fast&follow=true&tail=1`);
  const fastReader = fastResponse.body!.getReader();
  const fast = (async () => {
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await fastReader.read();
        if (done) break;
        const text = decoder.decode(value, { stream: true });
        for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) fastLines++;
        if (text.includes("lines missed")) fastGaps++;
      }
    } catch {
      // Cancelled at the end.
    }
  })();

  const rss: number[] = [];
  const fastRates: number[] = [];
  let lastFast = 0;
  for (let s = 0; s < seconds; s++) {
    const n = await conn.read(buffer);
    if (n !== null) slowText += new TextDecoder().decode(buffer.subarray(0, n));
    await new Promise((r) => setTimeout(r, 1000));
    rss.push(rssBytes(server.pid));
    fastRates.push(fastLines - lastFast);
    lastFast = fastLines;
  }
  // Then drain what the slow reader had queued (socket buffers hold data read
  // before its position was lapped), up to the first gap notice it was sent.
  const drainBuffer = new Uint8Array(1 << 20);
  const drainUntil = performance.now() + 5000;
  while (!slowText.includes("lines missed") && performance.now() < drainUntil) {
    const n = await conn.read(drainBuffer);
    if (n === null) break;
    slowText += new TextDecoder().decode(drainBuffer.subarray(0, n));
    if (slowText.length > 8 << 20) slowText = slowText.slice(-1 << 20);
  }
  conn.close();
  // Cancel the reader: aborting fetch's signal did not end a body that was streaming hard.
  await fastReader.cancel();
  await fast;
  const missed = [...slowText.matchAll(/\[fnlogs\] (\d+) lines missed/g)]
    .reduce((sum, m) => sum + Number(m[1]), 0);
  const growth = Math.max(...rss) - rssStart;
  const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
  const steady = fastRates.slice(1);
  return [
    {
      measure: `6 server RSS, slow reader for ${seconds} s`,
      value: `${mb(rssStart)} -> max ${mb(Math.max(...rss))}`,
    },
    {
      measure: "6 server RSS growth",
      value: mb(growth),
      target: "<= 32 MB",
      ok: growth <= 32 * 1048576,
    },
    {
      measure: `6 server RSS growth, the slow reader alone (first ${aloneSeconds} s)`,
      value: mb(Math.max(...rssAlone) - rssStart),
    },
    {
      measure: "6 server RSS each second with a normal follower too (MB)",
      value: rss.map((n) => (n / 1048576).toFixed(0)).join(" "),
    },
    {
      measure: "6 lines the slow reader was told it missed",
      value: missed.toLocaleString("en-US"),
    },
    {
      measure: "6 normal follower alongside (lines/s, min..max)",
      value: `${Math.min(...steady).toLocaleString("en-US")}..${
        Math.max(...steady).toLocaleString("en-US")
      }, gaps ${fastGaps}`,
    },
  ];
}

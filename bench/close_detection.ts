/**
 * (7) Close detection: the time from a client closing its connection to the
 * server cancelling the source, read from the server's access log (which
 * stamps each stream's end), for idle follows and for follows being written
 * to.
 */
import { epochMs, percentile, type Row, type Server, startServer } from "./harness.ts";

function logTime(line: string): number {
  const stamp = line.split(" ")[0];
  const whole = Date.parse(stamp.slice(0, 23) + "Z");
  return whole + Number(stamp.slice(23, 26)) / 1000;
}

async function once(server: Server, name: string, active: boolean): Promise<number> {
  const port = Number(new URL(server.url).port);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(
    `GET /system/logs?name=${name}&follow=true&tail=1 HTTP/1.1\r\nHost: bench\r\n\r\n`,
  ));
  const buffer = new Uint8Array(65536);
  let received = 0;
  // Idle: just the headers. Active: until the server is streaming hard.
  while (received < (active ? 256 * 1024 : 1)) {
    const n = await conn.read(buffer);
    if (n === null) throw new Error("server closed");
    received += n;
  }
  const from = server.log.length;
  const closedAt = epochMs();
  conn.close();
  const line = await server.waitForLog(new RegExp(`stream cancelled: name=${name} `), from);
  return logTime(line) - closedAt;
}

export async function measureCloseDetection(quick: boolean): Promise<Row[]> {
  const count = quick ? 20 : 100;
  await using server = await startServer("close_detection", []);
  const result: Row[] = [];
  for (
    const [label, name, active] of [["idle", "quiet", false], ["active", "fast", true]] as const
  ) {
    const times: number[] = [];
    for (let i = 0; i < count; i++) times.push(await once(server, name, active));
    times.sort((a, b) => a - b);
    const p99 = percentile(times, 99);
    result.push({
      measure: `7 close detection ${label}, p50 (${count} disconnects)`,
      value: `${percentile(times, 50).toFixed(2)} ms`,
    });
    result.push({
      measure: `7 close detection ${label}, p99`,
      value: `${p99.toFixed(2)} ms`,
      target: "<= 50 ms",
      ok: p99 <= 50,
    });
  }
  return result;
}

/**
 * (3) Follow latency: a function writing 100 lines/s, each line carrying
 * the moment it was written; `fnlogs logs -f` follows it through
 * `fnlogs serve`; the time from the line leaving the child to the client
 * printing it.
 */
import { TextLineStream } from "@std/streams";
import { epochMs, LOGS_RUN_FLAGS, MAIN, percentile, type Row, startServer } from "./harness.ts";

/**
 * Follows `name` with `fnlogs logs -f --tail 1` from `gateway` and returns
 * `samples` lags (ms, sorted) from each line's `t=` stamp to its printing.
 */
export async function followLags(
  gateway: string,
  name: string,
  samples: number,
): Promise<number[]> {
  const client = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...LOGS_RUN_FLAGS,
      MAIN,
      "logs",
      name,
      "-g",
      gateway,
      "-f",
      "--tail",
      "1",
      "--time-format=",
    ],
    stdout: "piped",
    stderr: "null",
    stdin: "null",
  }).spawn();
  const lags: number[] = [];
  const lines: TransformStream<string, string> = new TextLineStream();
  let skip = 5;
  for await (const line of client.stdout.pipeThrough(new TextDecoderStream()).pipeThrough(lines)) {
    const now = epochMs();
    const micros = line.match(/t=(\d+)/)?.[1];
    if (micros === undefined || skip-- > 0) continue;
    lags.push(now - Number(micros) / 1000);
    if (lags.length >= samples) break;
  }
  client.kill("SIGTERM");
  await client.status;
  return lags.sort((a, b) => a - b);
}

export async function measureLatency(quick: boolean): Promise<Row[]> {
  const samples = quick ? 300 : 1000;
  await using server = await startServer("latency", ["--quiet"]);
  const lags = await followLags(server.url, "ticker100", samples);
  const p99 = percentile(lags, 99);
  return [
    {
      measure: `3 follow latency p50 (${lags.length} lines at 100/s)`,
      value: `${percentile(lags, 50).toFixed(2)} ms`,
    },
    {
      measure: "3 follow latency p99",
      value: `${p99.toFixed(2)} ms`,
      target: "<= 5 ms",
      ok: p99 <= 5,
    },
    { measure: "3 follow latency max", value: `${lags[lags.length - 1].toFixed(2)} ms` },
  ];
}

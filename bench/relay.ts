/**
 * The relay provider (`--provider openfaas`): the same throughput and
 * follow-latency measures through a second `fnlogs serve` relaying the
 * first, against the direct path in the same run.
 */
import {
  bulkHistoryArgs,
  epochMs,
  percentile,
  type Row,
  startServer,
  timed,
  until,
} from "./harness.ts";

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

async function curlRate(url: string, lines: number): Promise<number> {
  const { stdout } = await timed(
    "curl",
    ["-s", "-o", "/dev/null", "-w", "%{time_total}", url],
    "piped",
  );
  return lines / Number(stdout);
}

async function followLags(url: string, samples: number): Promise<number[]> {
  const response = await fetch(url);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const lags: number[] = [];
  let partial = "";
  while (lags.length < samples) {
    const { value, done } = await reader.read();
    if (done) break;
    const now = epochMs();
    const lines = (partial + value).split("\n");
    partial = lines.pop()!;
    for (const line of lines) {
      const micros = line.match(/t=(\d+)/)?.[1];
      if (micros !== undefined) lags.push(now - Number(micros) / 1000);
    }
  }
  await reader.cancel();
  return lags.slice(5).sort((a, b) => a - b);
}

export async function measureRelay(quick: boolean): Promise<Row[]> {
  const bulkLines = quick ? 200_000 : 1_000_000;
  const lines = bulkLines + 1;
  const history = bulkHistoryArgs(lines);
  await using origin = await startServer("throughput", history, { BULK_LINES: String(bulkLines) });
  await using relay = await startServer("", ["--upstream", origin.url, "--quiet"]);
  await until(
    async () =>
      (await (await fetch(`${origin.url}/system/logs?name=bulk&tail=1`)).text()).includes(
        '"text":"END"',
      ),
    120_000,
  );
  const direct = await curlRate(`${origin.url}/system/logs?name=bulk`, lines);
  const relayed = await curlRate(`${relay.url}/system/logs?name=bulk`, lines);

  await using tickerOrigin = await startServer("latency", ["--quiet"]);
  await using tickerRelay = await startServer("", ["--upstream", tickerOrigin.url, "--quiet"]);
  const samples = quick ? 200 : 500;
  const path = "/system/logs?name=ticker100&follow=true&tail=1";
  const directLags = await followLags(tickerOrigin.url + path, samples);
  const relayLags = await followLags(tickerRelay.url + path, samples);
  const ms = (lags: number[]) =>
    `p50 ${percentile(lags, 50).toFixed(2)} ms, p99 ${percentile(lags, 99).toFixed(2)} ms`;
  return [
    {
      measure: `relay: curl through the relay, ${fmt(lines)} lines (msgs/s)`,
      value: `${fmt(relayed)} (direct ${fmt(direct)})`,
    },
    {
      measure: "relay: follow latency through the relay (curl-like reader)",
      value: `${ms(relayLags)} (direct ${ms(directLags)})`,
    },
  ];
}

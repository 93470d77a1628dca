/**
 * (1) One stream's throughput: a function whose history holds BULK_LINES
 * lines, dumped with follow=false, read by curl and by fnlogs logs (-o json,
 * -o plain). (2) The same against a same-run baseline: the server with
 * coalescing off, one chunk per message, as the Go reference writes.
 */
import {
  bulkHistoryArgs,
  LOGS_RUN_FLAGS,
  MAIN,
  median,
  type Row,
  type Server,
  startServer,
  timed,
  until,
} from "./harness.ts";

async function historyReady(server: Server): Promise<boolean> {
  const response = await fetch(`${server.url}/system/logs?name=bulk&tail=1`);
  return (await response.text()).includes('"text":"END"');
}

async function curlRate(server: Server, lines: number, runs: number) {
  const rates: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const { stdout } = await timed("curl", [
      "-s",
      "-o",
      "/dev/null",
      "-w",
      "%{time_total} %{size_download}",
      `${server.url}/system/logs?name=bulk`,
    ], "piped");
    const [seconds, size] = stdout.split(" ").map(Number);
    bytes = size;
    rates.push(lines / seconds);
  }
  return { rate: median(rates), mbPerSecond: (bytes / 1e6) * median(rates) / lines };
}

async function clientRate(server: Server, lines: number, runs: number, output: string) {
  const rates: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { ms, code } = await timed(Deno.execPath(), [
      "run",
      ...LOGS_RUN_FLAGS,
      MAIN,
      "logs",
      "bulk",
      "-g",
      server.url,
      "--tail=false",
      "-o",
      output,
    ]);
    if (code !== 0) throw new Error(`fnlogs logs exited ${code}`);
    rates.push(lines / (ms / 1000));
  }
  return median(rates);
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

export async function measureThroughput(quick: boolean): Promise<Row[]> {
  const bulkLines = quick ? 200_000 : 1_000_000;
  const lines = bulkLines + 1;
  const runs = quick ? 2 : 5;
  const env = { BULK_LINES: String(bulkLines) };
  const history = bulkHistoryArgs(lines);
  await using coalesced = await startServer("throughput", history, env);
  await using baseline = await startServer("throughput", [...history, "--no-coalesce"], env);
  // The same server on Deno.serve (guarded): what fnlogs' own HTTP/1.1 engine gains.
  await using denoEngine = await startServer("throughput", [...history, "--engine", "deno"], env);
  await until(() => historyReady(coalesced), 120_000);
  await until(() => historyReady(baseline), 120_000);
  await until(() => historyReady(denoEngine), 120_000);

  const curl = await curlRate(coalesced, lines, runs);
  const curlBase = await curlRate(baseline, lines, runs);
  const curlDeno = await curlRate(denoEngine, lines, runs);
  const json = await clientRate(coalesced, lines, runs, "json");
  const plain = await clientRate(coalesced, lines, runs, "plain");
  const plainBase = await clientRate(baseline, lines, runs, "plain");
  const ratio = curl.rate / curlBase.rate;
  return [
    {
      measure: `1a curl, ${fmt(lines)} lines (msgs/s)`,
      value: `${fmt(curl.rate)} (${curl.mbPerSecond.toFixed(0)} MB/s)`,
      target: ">= 1,000,000",
      ok: curl.rate >= 1e6,
    },
    { measure: "1a with --engine deno (Deno.serve) (msgs/s)", value: fmt(curlDeno.rate) },
    { measure: "2 baseline: one chunk per message (msgs/s)", value: fmt(curlBase.rate) },
    {
      measure: "2 coalesced / baseline",
      value: `${ratio.toFixed(1)}x`,
      target: ">= 4x",
      ok: ratio >= 4,
    },
    { measure: "1b fnlogs logs -o json (msgs/s)", value: fmt(json) },
    {
      measure: "1c fnlogs logs -o plain (msgs/s)",
      value: fmt(plain),
      target: ">= 500,000",
      ok: plain >= 5e5,
    },
    { measure: "1c against the baseline server (msgs/s)", value: fmt(plainBase) },
  ];
}

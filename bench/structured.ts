/**
 * (8) Structured logs: a function whose history holds 1,000,000 JSON lines
 * (1% errors), read by `fnlogs logs --tail=false` as a separate process,
 * in input lines per second (wall time, Deno's start-up included):
 *
 * - `--level error` against `fnlogs serve` (filtered on the server);
 * - `--level error` against a gateway that ignores the filter (a stand-in
 *   that serves the same NDJSON, so the client parses every line);
 * - `--template` (every line parsed and templated);
 * - `-o plain` unfiltered, against the same client at another commit
 *   (`FNLOGS_BENCH_BASE=/path/to/checkout`), in the same run.
 */
import type { Row } from "./harness.ts";
import {
  bulkHistoryArgs,
  LOGS_RUN_FLAGS,
  MAIN,
  median,
  startServer,
  timed,
  until,
} from "./harness.ts";

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

async function historyReady(url: string): Promise<boolean> {
  const response = await fetch(`${url}/system/logs?name=leveled&tail=1`);
  return (await response.text()).includes('\\"msg\\":\\"END\\"');
}

/**
 * A gateway that answers every log request with the same NDJSON history,
 * ignoring the query (as real gateways ignore fnlogs' filter parameters).
 */
function startPlainGateway(history: Uint8Array): Deno.HttpServer & { url: string } {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    let offset = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= history.length) return controller.close();
        controller.enqueue(history.subarray(offset, offset += 65536));
      },
    });
    return new Response(body, { headers: { "content-type": "application/x-ndjson" } });
  });
  return Object.assign(server, { url: `http://127.0.0.1:${server.addr.port}` });
}

async function clientRate(main: string, args: string[], lines: number, runs: number) {
  const rates: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { ms, code } = await timed(Deno.execPath(), [
      "run",
      ...LOGS_RUN_FLAGS,
      main,
      "logs",
      ...args,
    ]);
    if (code !== 0) throw new Error(`fnlogs logs ${args.join(" ")} exited ${code}`);
    rates.push(lines / (ms / 1000));
  }
  return { median: median(rates), min: Math.min(...rates), max: Math.max(...rates) };
}

const range = (r: { median: number; min: number; max: number }) =>
  `${fmt(r.median)} (${fmt(r.min)}-${fmt(r.max)})`;

export async function measureStructured(quick: boolean): Promise<Row[]> {
  const count = quick ? 200_000 : 1_000_000;
  const lines = count + 1;
  const runs = quick ? 2 : 5;
  await using server = await startServer("structured", bulkHistoryArgs(lines), {
    LINES: String(count),
  });
  await until(() => historyReady(server.url), 180_000);
  const history = new Uint8Array(
    await (await fetch(`${server.url}/system/logs?name=leveled`)).arrayBuffer(),
  );
  await using gateway = startPlainGateway(history);

  const base = ["leveled", "--tail=false"];
  const pushed = await clientRate(
    MAIN,
    [...base, "-g", server.url, "--level", "error"],
    lines,
    runs,
  );
  const local = await clientRate(
    MAIN,
    [...base, "-g", gateway.url, "--level", "error"],
    lines,
    runs,
  );
  const template = await clientRate(
    MAIN,
    [
      ...base,
      "-g",
      server.url,
      "--template",
      "{{.Timestamp}} [{{.Level}}] {{.msg}} n={{.n}}",
    ],
    lines,
    runs,
  );
  const baseDir = Deno.env.get("FNLOGS_BENCH_BASE");
  // A/B in turns, so that both see the same load on a shared machine.
  const plain: number[] = [], plainBase: number[] = [];
  for (let i = 0; i < runs; i++) {
    plain.push((await clientRate(MAIN, [...base, "-g", server.url], lines, 1)).median);
    if (baseDir !== undefined) {
      plainBase.push(
        (await clientRate(`${baseDir}/main.ts`, [...base, "-g", server.url], lines, 1)).median,
      );
    }
  }
  const stats = (values: number[]) => ({
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
  });
  const rows: Row[] = [
    {
      measure: `8a --level error, ${fmt(lines)} JSON lines, fnlogs serve filters (lines/s)`,
      value: range(pushed),
      target: ">= 300,000",
      ok: pushed.median >= 3e5,
    },
    {
      measure: "8b --level error, a gateway that ignores it: filtered here (lines/s)",
      value: range(local),
      target: ">= 300,000",
      ok: local.median >= 3e5,
    },
    {
      measure: "8c --template, every line parsed and templated (lines/s)",
      value: range(template),
      target: ">= 300,000",
      ok: template.median >= 3e5,
    },
    { measure: "8d -o plain on JSON lines, unfiltered (lines/s)", value: range(stats(plain)) },
  ];
  if (baseDir !== undefined) {
    const ratio = median(plain) / median(plainBase);
    rows.push(
      { measure: `8d the same, client at ${baseDir} (lines/s)`, value: range(stats(plainBase)) },
      {
        measure: "8d unfiltered: this client / that one",
        value: `${ratio.toFixed(2)}x`,
        target: ">= 0.95x",
        ok: ratio >= 0.95,
      },
    );
  }
  return rows;
}

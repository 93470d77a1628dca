/**
 * `deno task bench [--quick]`: fnlogs' speed, latency and memory, measured
 * the way users feel them (server and client as separate processes over
 * loopback), each against a baseline from the same run. Prints a table and
 * writes the numbers to bench/results/.
 */
import { parseArgs } from "@std/cli";
import { measureCloseDetection } from "./close_detection.ts";
import { measureFanOut } from "./fan_out.ts";
import { measureLatency } from "./latency.ts";
import { measureNats } from "./nats.ts";
import { measureManyFollowers } from "./many_followers.ts";
import { measureOneWritePeer } from "./one_write_peer.ts";
import { measureRelay } from "./relay.ts";
import { measureSlowReader } from "./slow_reader.ts";
import type { Row } from "./harness.ts";
import { measureStructured } from "./structured.ts";
import { measureThroughput } from "./throughput.ts";
import { measureUiPage } from "./ui_page.ts";

type Args = { quick: boolean; only?: string };
const parse: (args: string[], options: Record<string, unknown>) => Args = parseArgs;
const args = parse(Deno.args, { boolean: ["quick"], string: ["only"] });
const quick = args.quick;

const sections: [string, (quick: boolean) => Promise<Row[]>][] = [
  ["throughput", measureThroughput],
  ["one-write-peer", measureOneWritePeer],
  ["latency", measureLatency],
  ["slow-reader", measureSlowReader],
  ["close-detection", measureCloseDetection],
  ["fan-out", measureFanOut],
  ["many-followers", measureManyFollowers],
  ["relay", measureRelay],
  ["structured", measureStructured],
  ["nats", measureNats],
  ["ui", measureUiPage],
];

const rows: Row[] = [];
const started = performance.now();
for (const [name, measure] of sections) {
  if (args.only !== undefined && !args.only.split(",").includes(name)) continue;
  console.error(`bench: ${name}...`);
  const result = await measure(quick);
  rows.push(...result);
  for (const row of result) console.error(`  ${row.measure}: ${row.value}`);
}

const width = [
  Math.max(...rows.map((r) => r.measure.length), 7),
  Math.max(...rows.map((r) => r.value.length), 5),
  Math.max(...rows.map((r) => (r.target ?? "").length), 6),
];
const line = (cells: string[]) =>
  "| " + cells.map((c, i) => c.padEnd(width[i] ?? 4)).join(" | ") + " |";
console.log(line(["measure", "value", "target", "ok"]));
console.log("|" + [...width, 4].map((w) => "-".repeat(w + 2)).join("|") + "|");
for (const r of rows) {
  console.log(
    line([r.measure, r.value, r.target ?? "", r.ok === undefined ? "" : r.ok ? "yes" : "NO"]),
  );
}
console.log(
  `\n${quick ? "quick" : "full"} run, ${
    ((performance.now() - started) / 1000).toFixed(0)
  } s, ${Deno.build.target}, ${navigator.hardwareConcurrency} cores`,
);

await Deno.mkdir(`${new URL(".", import.meta.url).pathname}results`, { recursive: true });
const file = `${new URL(".", import.meta.url).pathname}results/${
  new Date().toISOString().replace(/[:.]/g, "-")
}.json`;
await Deno.writeTextFile(
  file,
  JSON.stringify({ quick, rows, at: new Date().toISOString() }, null, 2),
);
console.log(`results: ${file}`);

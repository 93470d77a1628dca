/**
 * (4) Fan-out: one function writing 1,000 lines/s, followed by 1,000
 * clients (quick: 200) from a separate load-generator process over raw
 * sockets; the lines/s delivered in all, the lag from a line being written
 * to a client reading it, and the server's CPU.
 */
import type { Row } from "./main.ts";
import { ONE_ADDRESS_LOAD_ARGS, ROOT, startServer } from "./harness.ts";

/** Runs bench/load_followers.ts with `options`, killing it after `deadlineMs`; returns its JSON line. */
export async function runLoad(
  options: Record<string, unknown>,
  deadlineMs: number,
): Promise<Record<string, number | string | undefined>> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all", // /proc/PID reads need it
      `${ROOT}bench/load_followers.ts`,
      JSON.stringify({ ...options, deadlineMs: deadlineMs - 2000 }),
    ],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), deadlineMs);
  try {
    const output = await child.output();
    const text = new TextDecoder().decode(output.stdout).trim().split("\n").pop() ?? "";
    if (!output.success && text === "") throw new Error(`load generator exited ${output.code}`);
    const result = JSON.parse(text);
    if (result.error !== undefined) throw new Error(result.error);
    return result;
  } finally {
    clearTimeout(timer);
  }
}

export async function measureFanOut(quick: boolean): Promise<Row[]> {
  const clients = quick ? 200 : 1000;
  const seconds = quick ? 4 : 10;
  await using server = await startServer("fan_out", ["--quiet", ...ONE_ADDRESS_LOAD_ARGS]);
  const port = Number(new URL(server.url).port);
  await new Promise((r) => setTimeout(r, 1000)); // let the ticker start
  const r = await runLoad(
    { mode: "fan-out", port, name: "ticker1000", clients, pid: server.pid, seconds },
    60_000 + seconds * 1000,
  );
  const n = (x: unknown, digits = 0) =>
    Number(x).toLocaleString("en-US", { maximumFractionDigits: digits });
  const p99 = Number(r.lagP99);
  const cpu = Number(r.serverCpu) * 100;
  const expected = clients * 1000;
  return [
    {
      measure: `4 fan-out: ${n(r.clients)} clients x 1,000 lines/s, delivered`,
      value: `${n(r.linesPerSecond)} lines/s (${
        (Number(r.linesPerSecond) / expected * 100).toFixed(1)
      }%)${Number(r.failed) > 0 ? `, ${r.failed} failed: ${r.firstError}` : ""}`,
    },
    { measure: "4 fan-out lag p50", value: `${Number(r.lagP50).toFixed(2)} ms` },
    {
      measure: "4 fan-out lag p99",
      value: `${p99.toFixed(2)} ms (max ${Number(r.lagMax).toFixed(1)})`,
      target: "<= 20 ms",
      ok: p99 <= 20,
    },
    {
      measure: `4 fan-out server CPU (over ${n(r.seconds, 1)} s)`,
      value: `${cpu.toFixed(0)}%`,
      target: "< 100%",
      ok: cpu < 100,
    },
    {
      measure: "4 fan-out load generator CPU, connect time",
      value: `${(Number(r.loadCpu) * 100).toFixed(0)}%, ${n(r.connectMs)} ms`,
    },
  ];
}

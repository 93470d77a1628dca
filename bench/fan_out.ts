/**
 * (4) Fan-out: one function writing 1,000 lines/s, followed by 1,000
 * clients (quick: 200) from a separate load-generator process over raw
 * sockets; the lines/s delivered in all, the lag from a line being written
 * to a client reading it, and the server's CPU. Then the same load against
 * the floor (bench/fan_out_floor.ts, the least a Deno program can do for
 * it) in the same run, since this measure moves with the machine's state by
 * more than the difference between two designs.
 */
import { ONE_ADDRESS_LOAD_ARGS, ROOT, type Row, startServer, untilFirstLine } from "./harness.ts";

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

/** Starts bench/fan_out_floor.ts; returns its pid and port, and a stop function. */
async function startFloor(): Promise<{ pid: number; port: number } & AsyncDisposable> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", `${ROOT}bench/fan_out_floor.ts`],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  return {
    pid: child.pid,
    port: Number(value?.trim()),
    async [Symbol.asyncDispose]() {
      child.kill("SIGTERM");
      await child.status;
      await child.stdout.cancel().catch(() => {});
    },
  };
}

export async function measureFanOut(quick: boolean): Promise<Row[]> {
  const clients = quick ? 200 : 1000;
  const seconds = quick ? 4 : 10;
  await using server = await startServer("fan_out", ["--quiet", ...ONE_ADDRESS_LOAD_ARGS]);
  const port = Number(new URL(server.url).port);
  await untilFirstLine(server, "ticker1000");
  const r = await runLoad(
    { mode: "fan-out", port, name: "ticker1000", clients, pid: server.pid, seconds },
    60_000 + seconds * 1000,
  );
  await using floor = await startFloor();
  const f = await runLoad(
    { mode: "fan-out", port: floor.port, name: "ticker1000", clients, pid: floor.pid, seconds },
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
      measure: "4 the floor, same load, same run: lag p50/p99, CPU",
      value: `${Number(f.lagP50).toFixed(2)} ms / ${Number(f.lagP99).toFixed(2)} ms, ${
        (Number(f.serverCpu) * 100).toFixed(0)
      }% (${n(f.linesPerSecond)} lines/s)`,
    },
    {
      measure: "4 fan-out load generator CPU, connect time",
      value: `${(Number(r.loadCpu) * 100).toFixed(0)}%, ${n(r.connectMs)} ms`,
    },
  ];
}

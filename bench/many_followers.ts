/**
 * (5) Many followers: 10,000 idle follow streams (quick: 2,000) to a
 * function writing one line every 2 s, opened from a separate
 * load-generator process 200 at a time: the time to open them all, the
 * server's RSS with them open, and whether every stream gets the next line
 * within 1 s of its being written.
 */
import { ONE_ADDRESS_LOAD_ARGS, type Row, startServer, untilFirstLine } from "./harness.ts";
import { runLoad } from "./fan_out.ts";

export async function measureManyFollowers(quick: boolean): Promise<Row[]> {
  const clients = quick ? 2000 : 10000;
  await using server = await startServer("many_followers", [
    "--quiet",
    ...ONE_ADDRESS_LOAD_ARGS,
    "--max-streams",
    "20000",
  ]);
  const port = Number(new URL(server.url).port);
  await untilFirstLine(server, "quiet");
  const r = await runLoad(
    { mode: "idle", port, name: "quiet", clients, pid: server.pid, inFlight: 200 },
    90_000,
  );
  const n = (x: unknown) => Number(x).toLocaleString("en-US", { maximumFractionDigits: 0 });
  const mb = (x: unknown) => `${(Number(x) / 1048576).toFixed(0)} MB`;
  const connectMs = Number(r.connectMs);
  const open = Number(r.clients);
  const within = Number(r.within1s);
  return [
    {
      measure: `5 many-followers: open ${n(clients)} idle follows`,
      value: `${(connectMs / 1000).toFixed(2)} s, ${n(open)} open${
        Number(r.failed) > 0 ? `, ${r.failed} failed: ${r.firstError}` : ""
      }`,
      target: "< 10 s, all",
      ok: connectMs < 10_000 && open === clients,
    },
    {
      measure: `5 server RSS with ${n(open)} follows`,
      value: `${mb(r.rss)} (after the line: ${mb(r.rssAfterLine)})`,
      target: "< 600 MB",
      ok: Number(r.rss) < 600 * 1048576,
    },
    {
      measure: "5 streams given the next line within 1 s",
      value: `${n(within)}/${n(clients)} (got it: ${n(r.got)}, p50 ${
        Number(r.delayP50).toFixed(0)
      } ms, max ${Number(r.delayMax).toFixed(0)} ms)`,
      target: "all",
      ok: within === clients,
    },
  ];
}

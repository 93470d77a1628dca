import { assertEquals, assertRejects } from "@std/assert";
import { ResumeStateError } from "../errors.ts";
import { type FollowEvent, followLogBatches, followLogs } from "./follow_logs.ts";
import { ResumeState } from "./resume_state.ts";
import type { LogRecord } from "../types.ts";

const GATEWAY = "http://gateway.test";

/** A line of function `f` at second `s`. */
function rec(s: number, extra: Partial<LogRecord> = {}): LogRecord {
  const timestamp = `2024-01-01T00:00:${String(s).padStart(2, "0")}Z`;
  return { name: "f", namespace: "ns", instance: "f-1", timestamp, text: `line ${s}`, ...extra };
}

const json = ({ name, namespace, instance, timestamp, text }: LogRecord) =>
  JSON.stringify({ name, namespace, instance, timestamp, text });

/** A gateway stub: each call answers with `answer(url, headers)`, and is recorded. */
function stub(answer: (url: URL, headers: Headers, call: number) => Response) {
  const urls: URL[] = [];
  const headers: Headers[] = [];
  const fetchFn: typeof fetch = (input, init) => {
    const url = new URL(String(input));
    urls.push(url);
    headers.push(new Headers(init?.headers));
    return Promise.resolve(answer(url, headers[headers.length - 1], urls.length - 1));
  };
  return { fetch: fetchFn, urls, headers };
}

/** A gateway with a fixed NDJSON history that honours `since` (every record at or after it). */
function historyGateway(records: LogRecord[]): { fetch: typeof fetch; urls: URL[] } {
  return stub((url) => {
    const since = url.searchParams.get("since");
    const sent = since === null ? records : records.filter((r) => r.timestamp >= since);
    return new Response(sent.map((r) => json(r) + "\n").join(""));
  });
}

Deno.test("followLogs({ resumeState }) stops after any message and a later run continues with the next", async () => {
  // Lines 0-2 share a timestamp: only the saved count tells which of them were handled.
  const records = [0, 0, 0, 1, 2].map((s, i) => ({ ...rec(s), text: `line ${i}` }));
  for (let handled = 1; handled <= records.length; handled++) {
    const first = historyGateway(records);
    const state = new ResumeState();
    let saved = "";
    const got: string[] = [];
    for await (
      const m of followLogs({
        gateway: GATEWAY,
        name: "f",
        follow: false,
        fetch: first.fetch,
        resumeState: state,
      })
    ) {
      got.push(m.text);
      saved = JSON.stringify(state); // after handling the message
      if (got.length === handled) break;
    }
    const second = historyGateway(records);
    const events: FollowEvent[] = [];
    for await (
      const m of followLogs({
        gateway: GATEWAY + "/",
        name: "f",
        follow: false,
        fetch: second.fetch,
        resumeState: ResumeState.parse(saved),
        onEvent: (e) => events.push(e),
      })
    ) got.push(m.text);
    assertEquals(got, records.map((r) => r.text), `stopped after ${handled}`);
    assertEquals(second.urls[0].searchParams.get("since"), records[handled - 1].timestamp);
    assertEquals(events.filter((e) => e.event === "resumed").map((e) => e.attempt), [0]);
  }
});

Deno.test("followLogBatches({ resumeState }) advances by whole batches and resumes by cursor", async () => {
  const sse = (records: LogRecord[]) =>
    records.map((r) => `id: ${r.cursor}\ndata: ${json(r)}\n\n`).join("") +
    "event: end\ndata: {}\n\n";
  const all = [1, 2, 3].map((i) => rec(1, { cursor: `c${i}`, text: `line 1.${i}` }));
  const { fetch, headers } = stub((_url, h, call) =>
    call === 0 ? new Response(sse(all.slice(0, 2))) : new Response(
      sse(all.slice(Number(h.get("last-event-id")?.slice(1)))),
      // Resumed exactly after the cursor, and says so (the overlap rule would drop 1.3 otherwise).
      { headers: { "x-fnlogs-resume": "cursor" } },
    )
  );
  const state = new ResumeState();
  const batches = await Array.fromAsync(
    followLogBatches({ gateway: GATEWAY, name: "f", follow: false, fetch, resumeState: state }),
  );
  assertEquals(batches.map((b) => b.length), [2]);
  assertEquals(state.toJSON().functions[0].cursor, "c2");
  const later = await Array.fromAsync(followLogs({
    gateway: GATEWAY,
    name: "f",
    follow: false,
    fetch,
    resumeState: ResumeState.parse(JSON.stringify(state)),
  }));
  assertEquals(headers[1].get("last-event-id"), "c2");
  assertEquals(later.map((m) => m.text), ["line 1.3"]);
});

Deno.test("followLogs() refuses a resume state read back for another gateway", async () => {
  const state = new ResumeState();
  state.advance({ source: "http://other:8080", namespace: "", name: "f" }, [rec(1)]);
  const { fetch } = historyGateway([rec(1)]);
  await assertRejects(
    () =>
      Array.fromAsync(followLogs({
        gateway: GATEWAY,
        name: "f",
        fetch,
        resumeState: ResumeState.parse(JSON.stringify(state)),
      })),
    ResumeStateError,
    `Cannot resume "f" from ${GATEWAY} with a resume state of http://other:8080`,
  );
});

Deno.test("followLogs({ resumeState }) with a filter: lines it dropped count, so a later run repeats nothing", async () => {
  // Same timestamp: the dropped "noise" comes again before "match a", and the
  // saved count must include it (it counted only "match a", so the next run
  // skipped "noise" and printed "match a" again).
  const first = [rec(1, { text: "noise" }), rec(1, { text: "match a" })];
  const state = new ResumeState();
  const run1: string[] = [];
  for await (
    const m of followLogs({
      gateway: GATEWAY,
      name: "f",
      follow: false,
      grep: ["match"],
      resumeState: state,
      fetch: historyGateway(first).fetch,
    })
  ) run1.push(m.text);
  assertEquals(run1, ["match a"]);
  const run2: string[] = [];
  for await (
    const m of followLogs({
      gateway: GATEWAY,
      name: "f",
      follow: false,
      grep: ["match"],
      resumeState: ResumeState.parse(JSON.stringify(state)),
      fetch: historyGateway([...first, rec(1, { text: "noise" }), rec(2, { text: "match b" })])
        .fetch,
    })
  ) run2.push(m.text);
  assertEquals(run2, ["match b"]);
});

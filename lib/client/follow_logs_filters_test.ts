import { assertEquals, assertRejects } from "@std/assert";
import { InvalidInputError } from "../errors.ts";
import { followLogs, type FollowLogsOptions } from "./follow_logs.ts";

const GATEWAY = "http://gateway.test";
const encoder = new TextEncoder();

const line = (text: string, second: number) =>
  JSON.stringify({
    name: "f",
    namespace: "ns",
    instance: "f-1",
    timestamp: `2024-01-01T00:00:${String(second).padStart(2, "0")}Z`,
    text,
  });

/** The texts `followLogs()` yields. */
async function texts(options: FollowLogsOptions): Promise<string[]> {
  return (await Array.fromAsync(followLogs(options))).map((m) => m.text);
}

/** A body that sends `text`, then is cut. */
function cut(text: string): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream({
    pull(controller) {
      if (sent) return controller.error(new TypeError("connection reset"));
      sent = true;
      controller.enqueue(encoder.encode(text));
    },
  });
}

Deno.test("followLogs() pushes its filters to an event stream and resumes after the server's progress", async () => {
  const requests: { url: URL; lastEventId: string | null }[] = [];
  const answers = [
    // The server filtered: one error, then a cursor past the lines it dropped.
    () =>
      cut(
        "retry: 1000\n\n" +
          `id: c2\ndata: ${line("ERROR one", 2)}\n\n` +
          "id: c5\n\n",
      ),
    () => `id: c7\ndata: ${line("ERROR two", 7)}\n\nid: c9\n\nevent: end\ndata: {}\n\n`,
  ];
  const fetchStub: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    requests.push({ url: new URL(String(input)), lastEventId: headers.get("last-event-id") });
    const body = answers[requests.length - 1]();
    return Promise.resolve(
      new Response(body, {
        headers: {
          "content-type": "text/event-stream",
          "x-fnlogs-resume": requests.length > 1 ? "cursor" : "none",
        },
      }),
    );
  };
  const got = await texts({
    gateway: GATEWAY,
    name: "f",
    follow: false,
    level: "error",
    where: ["user!=bot"],
    grep: ["ERROR", /two|one/],
    exclude: [/DEBUG/],
    fetch: fetchStub,
    sleep: () => Promise.resolve(),
  });
  assertEquals(got, ["ERROR one", "ERROR two"]);
  assertEquals(
    requests[0].url.search,
    "?follow=false&name=f&level=error&where=user%21%3Dbot&grep=ERROR&grep=two%7Cone&exclude=DEBUG",
  );
  assertEquals(requests.map((r) => r.lastEventId), [null, "c5"]);
});

Deno.test("followLogs() filters locally what a gateway did not filter", async () => {
  const body = [
    line('{"level":"info","user":"ann"}', 1),
    line('{"level":"error","user":"bot"}', 2),
    line('{"level":"error","user":"ann"}', 3),
    line("FATAL plain lines have no fields", 4),
    line("ERROR but DEBUG", 5),
  ].join("\n");
  const fetchStub: typeof fetch = () => Promise.resolve(new Response(body));
  const got = await texts({
    gateway: GATEWAY,
    name: "f",
    follow: false,
    level: "error",
    where: ["user!=bot"],
    exclude: ["DEBUG"],
    fetch: fetchStub,
  });
  assertEquals(got, ['{"level":"error","user":"ann"}', "FATAL plain lines have no fields"]);
});

Deno.test("followLogs() sends no filter to a server it asks for NDJSON, and rejects a bad condition first", async () => {
  const urls: string[] = [];
  const fetchStub: typeof fetch = (input) => {
    urls.push(String(input));
    return Promise.resolve(new Response(line("ERROR x", 1)));
  };
  const got = await Array.fromAsync(
    followLogs({
      gateway: GATEWAY,
      name: "f",
      follow: false,
      level: "warn",
      eventStream: false,
      fetch: fetchStub,
    }),
  );
  assertEquals([got.length, urls], [1, ["http://gateway.test/system/logs?follow=false&name=f"]]);
  await assertRejects(
    () =>
      Array.fromAsync(
        followLogs({ gateway: GATEWAY, name: "f", where: ["nokey"], fetch: fetchStub }),
      ),
    InvalidInputError,
    'Cannot parse where condition "nokey"',
  );
  assertEquals(urls.length, 1);
});

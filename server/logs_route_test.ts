import { assertEquals } from "@std/assert";
import { MemoryProvider, record } from "../tests/helpers/memory_provider.ts";
import { createHandler } from "./handler.ts";
import { Fuzz } from "../tests/helpers/fuzz.ts";

const url = (path: string) => `http://fnlogs.test${path}`;
const SSE = { accept: "text/event-stream, application/x-ndjson;q=0.9" };
const event = (cursor: string, text: string) =>
  `id: ${cursor}\ndata: {"name":"fn","namespace":"openfaas-fn","instance":"fn-1","timestamp":"2024-05-06T07:08:09.123456789Z","text":${
    JSON.stringify(text)
  }}\n\n`;

function setup() {
  const provider = new MemoryProvider();
  provider.history.set("fn", [
    record('{"level":"info","user":"ann"}', { cursor: "r-1" }),
    record('{"level":"error","user":"ann"}', { cursor: "r-2" }),
    record("[fnlogs] 2 lines missed", { instance: "", missed: 2, cursor: "r-3" }),
    record("ERROR plain", { cursor: "r-4" }),
    record('{"level":"warn","user":"bob"}', { cursor: "r-5" }),
    record("DEBUG tail", { cursor: "r-6" }),
  ]);
  return { provider, handler: createHandler({ provider }) };
}

Deno.test("logsRoute() applies level, where, grep and exclude to event streams before the wire", async () => {
  const { handler } = setup();
  const response = await handler(
    new Request(url("/system/logs?name=fn&level=warn&where=user!%3Dbob&exclude=plain"), {
      headers: SSE,
    }),
  );
  assertEquals(response.status, 200);
  assertEquals(
    await response.text(),
    'retry: 1000\nevent: hello\ndata: {"resume":"none"}\n\n' +
      event("r-2", '{"level":"error","user":"ann"}') +
      'id: r-3\nevent: gap\ndata: {"name":"fn","namespace":"openfaas-fn","instance":"","timestamp":"2024-05-06T07:08:09.123456789Z","text":"[fnlogs] 2 lines missed","missed":2}\n\n' +
      // The batch ends with dropped records: the last one's cursor, without data.
      "id: r-6\n\n" +
      "event: end\ndata: {}\n\n",
  );
});

Deno.test("logsRoute() moves the cursor past dropped records, also in a live follow", async () => {
  const { provider, handler } = setup();
  provider.history.delete("fn");
  const response = await handler(
    new Request(url("/system/logs?name=fn&follow=true&grep=ERROR"), {
      headers: { ...SSE, "last-event-id": "r-0" },
    }),
  );
  const stream = await provider.nextStream(0);
  assertEquals(stream.query.cursor, "r-0");
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  assertEquals(
    (await reader.read()).value,
    'retry: 1000\nevent: hello\ndata: {"resume":"cursor"}\n\n',
  );
  stream.push([record("INFO a", { cursor: "r-1" }), record("INFO b", { cursor: "r-2" })]);
  assertEquals((await reader.read()).value, "id: r-2\n\n");
  stream.push([record("ERROR c", { cursor: "r-3" })]);
  assertEquals((await reader.read()).value, event("r-3", "ERROR c"));
  // Without cursors (a provider that resumes by time) nothing is sent for dropped records.
  stream.push([record("INFO d"), record("ERROR e", { cursor: "r-5" })]);
  assertEquals((await reader.read()).value, event("r-5", "ERROR e"));
  await reader.cancel();
});

Deno.test("logsRoute() answers NDJSON requests exactly as without filter parameters", async () => {
  const plain = await (await setup().handler(new Request(url("/system/logs?name=fn")))).text();
  const withParams = await (await setup().handler(
    new Request(url("/system/logs?name=fn&level=error&where=nonsense&grep=(")),
  )).text();
  assertEquals(withParams, plain);
  assertEquals(plain.split("\n").length, 7);
});

Deno.test("logsRoute() answers bad filter parameters with 400 and a reason, opening nothing", async () => {
  const { provider, handler } = setup();
  const cases: [string, string][] = [
    [
      "level=loud",
      'invalid filter: level must be one of trace, debug, info, warn, error, fatal, got "loud"\n',
    ],
    [
      "where=status",
      'invalid filter: Cannot parse where condition "status": expected KEY=VALUE, KEY!=VALUE, KEY~REGEX, KEY!~REGEX, KEY>N, KEY>=N, KEY<N or KEY<=N\n',
    ],
    ["where=a%3E", 'invalid filter: Cannot parse where condition "a>": > needs a number\n'],
    [
      "grep=(",
      "invalid filter: grep is not a valid regular expression: Invalid regular expression: /(/: Unterminated group\n",
    ],
    [
      "exclude=" + "a".repeat(513),
      "invalid filter: exclude is 513 characters long: this server takes at most 512\n",
    ],
    [
      "grep=a".repeat(1).concat("&grep=a".repeat(32)),
      "invalid filter: too many filter conditions (33): this server takes at most 32\n",
    ],
  ];
  for (const [query, body] of cases) {
    const response = await handler(
      new Request(url(`/system/logs?name=fn&${query}`), { headers: SSE }),
    );
    assertEquals([response.status, await response.text()], [400, body], query);
    assertEquals(response.headers.get("content-type"), "text/plain; charset=utf-8");
  }
  assertEquals(provider.opened.length, 0);
});

Deno.test("logsRoute() answers 200 or 400 to 2,000 random filter parameters, never 5xx (seeded)", async () => {
  const fuzz = new Fuzz(4040);
  const pieces = [
    "level",
    "where",
    "grep",
    "exclude",
    "=",
    "!",
    "~",
    "<",
    ">",
    "(",
    ")",
    "[",
    "\\",
    "*",
    "+",
    "?",
    "a",
    "b.c",
    "1e9",
    "-",
    "%",
    "%zz",
    "%E2%80%A8",
    "%ED%A0%80",
    "error",
    "WARN",
    " ",
    "&",
    "{",
    "\u00e9",
  ];
  const { handler } = setup();
  let refused = 0;
  for (let i = 0; i < 2000; i++) {
    let query = "name=fn";
    for (let k = fuzz.between(1, 4); k > 0; k--) {
      let value = "";
      for (let n = fuzz.between(0, 6); n > 0; n--) value += fuzz.pick(pieces);
      query += `&${fuzz.pick(["level", "where", "grep", "exclude"])}=${value}`;
    }
    const response = await handler(new Request(url(`/system/logs?${query}`), { headers: SSE }));
    const body = await response.text();
    if (response.status === 400) {
      refused++;
      assertEquals(body.startsWith("invalid filter: "), true, query);
    } else {
      assertEquals(response.status, 200, `${query}: ${response.status} ${body}`);
    }
  }
  assertEquals(refused > 100 && refused < 1900, true, `${refused} refused`);
});

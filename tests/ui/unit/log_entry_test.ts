import { assertEquals } from "@std/assert";
import { renderLogFile, renderNdjsonFile } from "../../../ui/download_text.ts";
import { instanceHue } from "../../../ui/instance_hue.ts";
import { lineReader } from "../../../ui/line_reader.ts";
import { toEntry } from "../../../ui/log_entry.ts";
import { logStreamUrl, resumeStreamUrl } from "../../../ui/log_stream_url.ts";
import { rowMatches } from "../../../ui/row_filter.ts";
import { compileFilter } from "../../../ui/text_filter.ts";
import { timestampKey } from "../../../ui/timestamp_key.ts";

const message = (
  text: string,
  instance = "api-1",
  timestamp = "2026-01-02T03:04:05.123456789Z",
) => ({
  name: "api",
  namespace: "openfaas-fn",
  instance,
  timestamp,
  text,
});

/** A stand-in for parseLogLine with the same answer shape (the real one is lib/parse's). */
const parse = (text: string) =>
  text.startsWith("{")
    ? { format: "json", level: JSON.parse(text).level, fields: JSON.parse(text) }
    : { format: "plain", level: text.startsWith("FATAL") ? "fatal" : undefined, fields: undefined };
const read = lineReader(parse);

Deno.test("lineReader() maps the parser's six levels onto the page's four and keeps JSON objects", () => {
  assertEquals(read("FATAL x"), { level: "error" });
  assertEquals(read('{"level":"trace","a":1}'), { level: "debug", json: { level: "trace", a: 1 } });
  assertEquals(read("plain"), {});
});

Deno.test("toEntry() keeps the message, shows a JSON line compact, badges NAME (INSTANCE)", () => {
  const entry = toEntry(message('{ "level": "warn", "a": [1, 2] }'), 7, read);
  assertEquals(
    [entry.kind, entry.seq, entry.level, entry.display, entry.source, entry.json],
    ["line", 7, "warn", '{"level":"warn","a":[1,2]}', "api (api-1)", { level: "warn", a: [1, 2] }],
  );
  assertEquals(entry.key, timestampKey("2026-01-02T03:04:05.123456789Z"));
  // A gap or notice is never read as a line.
  const gap = toEntry(message('{"level":"error"}', ""), 8, read, "gap");
  assertEquals([gap.level, gap.json, gap.source], [undefined, undefined, "api"]);
});

Deno.test("timestampKey() sorts instants across zones and precisions; junk sorts first", () => {
  const sorted = [
    "2026-01-02T03:04:05Z",
    "2026-01-02T04:04:05.000000001+01:00",
    "2026-01-02T03:04:05.1Z",
    "2026-01-02T03:04:05.25Z",
    "2026-01-02T03:04:06Z",
  ];
  assertEquals([...sorted].reverse().map(timestampKey).sort(), sorted.map(timestampKey));
  assertEquals(
    timestampKey("2026-01-02T03:04:05Z") < timestampKey("2026-01-02T04:04:05.000000001+01:00"),
    true,
  );
  assertEquals(timestampKey("yesterday"), "");
});

Deno.test("rowMatches() applies every filter to lines and never hides a gap notice", () => {
  const q = compileFilter("timeout"), x = compileFilter("/retry/");
  if (q.kind !== "filter" || x.kind !== "filter") throw new Error("filters");
  const filter = {
    query: q.filter,
    exclude: x.filter,
    levels: new Set(["error"] as const),
    instances: new Set(["api-1"]),
    functions: new Set(["api"]),
  };
  const error = (text: string, instance = "api-1") =>
    toEntry(message(`{"level":"error","msg":"${text}"}`, instance), 0, read);
  assertEquals(rowMatches(error("db timeout"), filter), true);
  assertEquals(rowMatches(error("db timeout, retry"), filter), false);
  assertEquals(rowMatches(error("db down"), filter), false);
  assertEquals(rowMatches(error("db timeout", "api-2"), filter), false);
  assertEquals(rowMatches(toEntry(message("timeout"), 0, read), filter), false);
  assertEquals(rowMatches(toEntry(message("1 lines missed", ""), 0, read, "gap"), filter), true);
  assertEquals(
    rowMatches(toEntry(message("1 lines missed", ""), 0, read, "gap"), {
      ...filter,
      functions: new Set(["other"]),
    }),
    false,
  );
});

Deno.test("renderLogFile() writes rows as shown; renderNdjsonFile() as the log API sent them", () => {
  const entries = [
    toEntry(message("plain <b> line"), 0, read),
    toEntry(message('{"b":1,  "a":2}'), 1, read),
    toEntry(message("[fnlogs page] api: connection lost", ""), 2, read, "notice"),
  ];
  assertEquals(
    renderLogFile(entries, { timestamps: true, utc: true }),
    "2026-01-02 03:04:05.123Z api (api-1) plain <b> line\n" +
      '2026-01-02 03:04:05.123Z api (api-1) {"b":1,"a":2}\n' +
      "2026-01-02 03:04:05.123Z api [fnlogs page] api: connection lost\n",
  );
  assertEquals(
    renderLogFile(entries.slice(0, 1), { timestamps: false, utc: true }),
    "api (api-1) plain <b> line\n",
  );
  assertEquals(
    renderNdjsonFile(entries),
    '{"name":"api","namespace":"openfaas-fn","instance":"api-1","timestamp":"2026-01-02T03:04:05.123456789Z","text":"plain <b> line"}\n' +
      '{"name":"api","namespace":"openfaas-fn","instance":"api-1","timestamp":"2026-01-02T03:04:05.123456789Z","text":"{\\"b\\":1,  \\"a\\":2}"}\n',
  );
});

Deno.test("logStreamUrl() asks for history then follow; resumeStreamUrl() starts at a time", () => {
  const base = "http://h:8080/system/logs";
  const now = Date.parse("2026-01-02T03:04:05Z");
  assertEquals(
    logStreamUrl(base, { name: "api" }, { tail: 1000 }, now).search,
    "?name=api&follow=true&tail=1000",
  );
  assertEquals(
    logStreamUrl(base, { name: "api", namespace: "team-a" }, { tail: "all" }, now).search,
    "?name=api&namespace=team-a&follow=true",
  );
  assertEquals(
    logStreamUrl(base, { name: "api" }, { since: "1h30m" }, now).searchParams.get("since"),
    "2026-01-02T01:34:05.000Z",
  );
  assertEquals(
    resumeStreamUrl(base, { name: "api" }, "2026-01-02T03:04:05.5Z").search,
    "?name=api&follow=true&since=2026-01-02T03%3A04%3A05.5Z",
  );
});

Deno.test("instanceHue() keeps an instance's hue and keeps instances seen together apart", () => {
  const names = Array.from({ length: 6 }, (_, i) => `worker-${i.toString(36)}x${i * 7}`);
  const hues = names.map((n) => instanceHue("worker", n));
  assertEquals(names.map((n) => instanceHue("worker", n)), hues);
  for (const [i, a] of hues.entries()) {
    for (const b of hues.slice(i + 1)) {
      const d = Math.abs(a - b) % 360;
      assertEquals(Math.min(d, 360 - d) >= 35, true, `${a} and ${b}`);
    }
  }
});

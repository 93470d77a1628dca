import { assertEquals, assertStrictEquals } from "@std/assert";
import { DEFAULT_RENDER_OPTIONS, renderMessage } from "../../lib/render/render_message.ts";
import type { LogBatch } from "../../lib/types.ts";
import { parseLogsOptions } from "./options.ts";
import { lineRenderer, pushedFilter, shapeBatches } from "./structured.ts";
import { line } from "../../tests/helpers/batch_stage.ts";

const options = (...args: string[]) => parseLogsOptions(["f", ...args], () => undefined);
const ignore = () => {};

Deno.test("lineRenderer() is renderMessage itself without colour and new flags", () => {
  assertStrictEquals(lineRenderer(options(), false, ignore), renderMessage);
  assertStrictEquals(lineRenderer(options("-o", "keyvalue"), true, ignore), renderMessage);
  assertStrictEquals(lineRenderer(options("--highlight", "x"), false, ignore), renderMessage);
});

Deno.test("lineRenderer() colours a line's text by its level and marks highlights", () => {
  const render = lineRenderer(options("--highlight", "disk", "--highlight", "full"), true, ignore);
  const at = (text: string) => render(line(text), DEFAULT_RENDER_OPTIONS);
  assertEquals(
    at("ERROR disk full\n"),
    "2024-01-01T00:00:00Z \x1b[31mERROR \x1b[7mdisk\x1b[27m \x1b[7mfull\x1b[27m\x1b[39m\n",
  );
  assertEquals(
    at('{"level":"warn","msg":"x"}'),
    '2024-01-01T00:00:00Z \x1b[33m{"level":"warn","msg":"x"}\x1b[39m\n',
  );
  assertEquals(at("FATAL x"), "2024-01-01T00:00:00Z \x1b[1;31mFATAL x\x1b[22;39m\n");
  assertEquals(at("DEBUG x"), "2024-01-01T00:00:00Z \x1b[90mDEBUG x\x1b[39m\n");
  assertEquals(at("INFO x"), "2024-01-01T00:00:00Z INFO x\n");
  assertEquals(at(""), "2024-01-01T00:00:00Z \n");
});

Deno.test("lineRenderer() renders templates and -o json --parsed", () => {
  const reasons: string[] = [];
  const template = lineRenderer(
    options("--template", "{{.Level}}|{{.msg}}|{{parseJSON .Text}}"),
    false,
    (reason) => reasons.push(reason),
  );
  assertEquals(
    template(line('{"level":50,"msg":"m"}'), DEFAULT_RENDER_OPTIONS),
    'error|m|{"level":50,"msg":"m"}\n',
  );
  assertEquals(template(line("plain"), DEFAULT_RENDER_OPTIONS), "plain\n");
  assertEquals(template(line("again"), DEFAULT_RENDER_OPTIONS), "again\n");
  assertEquals(reasons.length, 1);
  const parsed = lineRenderer(options("-o", "json", "--parsed"), false, ignore);
  assertEquals(
    parsed(line("WARN x"), DEFAULT_RENDER_OPTIONS),
    '{"name":"f","namespace":"ns","instance":"f-1","timestamp":"2024-01-01T00:00:00Z","text":"WARN x","level":"warn","fields":null}\n',
  );
});

Deno.test("pushedFilter() sends the filters, except with --multiline", () => {
  const o = options("--level", "error", "--where", "a=1", "--grep", "x", "--exclude", "y");
  assertEquals(
    { ...pushedFilter(o), grep: o.grep.map(String), exclude: o.exclude.map(String) },
    { level: "error", where: ["a=1"], grep: ["/x/"], exclude: ["/y/"] },
  );
  assertEquals(pushedFilter(options("--level", "error", "--multiline")), {});
});

Deno.test("shapeBatches() joins stack traces before filtering by level", async () => {
  const input: LogBatch[] = [[
    line("ERROR boom", 0),
    line("  at a()", 1),
    line("INFO fine", 2),
    line("WARN careful", 3),
    line("  detail", 4),
  ]];
  const shaped = shapeBatches(
    ReadableStream.from(input),
    options("--multiline", "--level", "warn", "--collapse"),
    ignore,
  );
  const out = (await Array.fromAsync(shaped)).flat().map((r) => r.text);
  assertEquals(out, ["ERROR boom\n  at a()", "WARN careful\n  detail"]);
  const plain = ReadableStream.from(input);
  assertStrictEquals(shapeBatches(plain, options(), ignore), plain);
});

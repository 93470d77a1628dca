import { assertEquals, assertThrows } from "@std/assert";
import { UsageError } from "../../lib/errors.ts";
import { parseLogsOptions } from "./options.ts";

const noEnv = (_: string) => undefined;
const parse = (...args: string[]) => parseLogsOptions(args, noEnv);

function usage(args: string[], message: string | RegExp): void {
  const error = assertThrows(() => parseLogsOptions(args, noEnv), UsageError);
  if (typeof message === "string") assertEquals(error.message, message);
  else if (!message.test(error.message)) throw new Error(`unexpected message: ${error.message}`);
}

Deno.test("parseLogsOptions() reads the structured-log flags", () => {
  const o = parse(
    "f",
    "--level",
    "WARNING",
    "--where",
    "http.status>=500",
    "--where=user!=bot",
    "--highlight",
    "time(out)?",
    "--multiline",
    "--collapse=exact",
    "--rate-limit",
    "600/m",
  );
  assertEquals(o.level, "warn");
  assertEquals(o.where.map((w) => [w.key, w.operator, w.value]), [
    ["http.status", ">=", "500"],
    ["user", "!=", "bot"],
  ]);
  assertEquals(o.highlight.map(String), ["/time(out)?/g"]);
  assertEquals([o.multiline, o.collapse, o.rateLimit, o.parsed], [true, "exact", 10, false]);
  const d = parse("f");
  assertEquals([d.level, d.where, d.highlight, d.template, d.multiline, d.collapse, d.rateLimit], [
    undefined,
    [],
    [],
    undefined,
    false,
    undefined,
    undefined,
  ]);
  assertEquals(parse("f", "--collapse").collapse, "masked");
  assertEquals(parse("f", "--collapse=false").collapse, undefined);
  assertEquals(parse("f", "--rate-limit", "2.5").rateLimit, 2.5);
  assertEquals(parse("f", "-o", "json", "--parsed").parsed, true);
  assertEquals(parse("f", "--template", "{{.Text}}").template?.source, "{{.Text}}");
});

Deno.test("parseLogsOptions() rejects bad structured-log flags, pointing at a template's mistake", () => {
  usage(
    ["f", "--level", "loud"],
    'invalid argument "loud" for "--level": expected trace, debug, info, warn, error, fatal',
  );
  usage(
    ["f", "--where", "a>b"],
    'invalid argument "a>b" for "--where": Cannot parse where condition "a>b": > needs a number',
  );
  usage(["f", "--highlight", "("], /^invalid argument "\(" for "--highlight": Invalid regular/);
  usage(
    ["f", "--collapse=sometimes"],
    'invalid argument "sometimes" for "--collapse": expected masked, exact, true or false',
  );
  usage(
    ["f", "--rate-limit", "fast"],
    'invalid argument "fast" for "--rate-limit": expected a positive rate such as 100/s or 600/m',
  );
  usage(["f", "--rate-limit", "0/s"], /expected a positive rate/);
  usage(["f", "--parsed"], "--parsed needs JSON output (-o json or --json)");
  usage(["f", "--template", "{{.Text}}", "-o", "json"], "Give --template or --output, not both");
  usage(
    ["f", "--template", "{{.Text}} {{if}}"],
    'invalid argument for "--template": line 1, column 13: missing value for if\n' +
      "  {{.Text}} {{if}}\n" +
      "              ^",
  );
});

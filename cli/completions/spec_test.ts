import { assert, assertEquals } from "@std/assert";
import { BOOL_FLAGS, VALUE_FLAGS } from "../logs/canonicalize_args.ts";
import { resolveTimeFormat } from "../../lib/render/format_go_time.ts";
import { completionSpec, flagsOfHelp } from "./spec.ts";

const spec = completionSpec();
const command = (name: string) => spec.find((c) => c.name === name)!;

Deno.test("completionSpec() offers every flag fnlogs logs parses, values where it takes one", () => {
  const flags = new Map(command("logs").flags.map((f) => [f.long, f]));
  for (const long of Object.keys(VALUE_FLAGS)) {
    assert(flags.get(long)?.value !== undefined, `--${long} takes a value`);
  }
  for (const long of Object.keys(BOOL_FLAGS)) {
    assertEquals(flags.get(long)?.value, undefined, `--${long} is a switch`);
  }
  // The two flags the canonicalizer handles by hand.
  assert(flags.has("tail") && flags.has("no-reconnect"));
  assertEquals(flags.get("output")?.short, "o");
  assertEquals(flags.get("resume-file")?.value, "file");
  assertEquals(flags.get("context")?.value, "context");
  assertEquals(command("serve").flags.find((f) => f.long === "context")?.value, "text");
});

Deno.test("completionSpec() takes descriptions from the help, and time formats fnlogs knows", () => {
  const output = command("logs").flags.find((f) => f.long === "output");
  assertEquals(output?.description, "plain, keyvalue or json (faas-cli's formats, byte for byte)");
  const timeFormat = command("logs").flags.find((f) => f.long === "time-format")?.value;
  assert(Array.isArray(timeFormat));
  for (const name of timeFormat ?? []) assert(resolveTimeFormat(name) !== name, name);
});

Deno.test("flagsOfHelp() reads shorts, several flags on a line, value lists and long columns", () => {
  const help = [
    "  -p, --port N                 port",
    "      --cert FILE, --key FILE  TLS",
    "      --engine fnlogs|deno     the server",
    "  local       --stack FILE     stack file",
    "              --history-lines N, --history-bytes N",
    "                               history kept",
    "  -t, --tail[=BOOL]        follow",
    "  --tail takes an integer as a line count (prose, not a flag)",
  ].join("\n");
  assertEquals(flagsOfHelp(help), [
    { long: "port", short: "p", value: "text", description: "port" },
    { long: "cert", value: "file", description: "TLS" },
    { long: "key", value: "file", description: "TLS" },
    { long: "engine", value: ["fnlogs", "deno"], description: "the server" },
    { long: "stack", value: "file", description: "stack file" },
    { long: "history-lines", value: "text", description: "history kept" },
    { long: "history-bytes", value: "text", description: "history kept" },
    { long: "tail", short: "t", description: "follow" },
  ]);
});

import { assertEquals, assertThrows } from "@std/assert";
import { UsageError } from "../../lib/errors.ts";
import { canonicalizeLogsArgs } from "./canonicalize_args.ts";

Deno.test("canonicalizeLogsArgs() joins values the way pflag takes them", () => {
  assertEquals(
    canonicalizeLogsArgs(["-g", "http://x", "-nns", "-o=json", "--lines", "-1", "--grep", "--x"]),
    ["--gateway=http://x", "--namespace=ns", "--output=json", "--lines=-1", "--grep=--x"],
  );
});

Deno.test("canonicalizeLogsArgs() tells --tail's count from its switch", () => {
  assertEquals(canonicalizeLogsArgs(["--tail", "0"]), ["--tail-lines=0"]);
  assertEquals(canonicalizeLogsArgs(["--tail=1"]), ["--tail-lines=1"]);
  assertEquals(canonicalizeLogsArgs(["--tail=t"]), ["--follow=t"]);
  assertEquals(canonicalizeLogsArgs(["--tail", "FALSE"]), ["--follow=FALSE"]);
  assertEquals(canonicalizeLogsArgs(["--tail", "t"]), ["--follow=true", "t"]);
  assertEquals(canonicalizeLogsArgs(["-t=0", "-f"]), ["--follow=0", "--follow=true"]);
  assertEquals(canonicalizeLogsArgs(["--no-reconnect"]), ["--reconnect=false"]);
});

Deno.test("canonicalizeLogsArgs() leaves names and everything after -- alone", () => {
  assertEquals(canonicalizeLogsArgs(["a", "-", "--", "--tail", "-x"]), [
    "a",
    "-",
    "--",
    "--tail",
    "-x",
  ]);
});

Deno.test("canonicalizeLogsArgs() rejects unknown flags and missing values", () => {
  assertThrows(() => canonicalizeLogsArgs(["--nope"]), UsageError, "unknown flag: --nope");
  assertThrows(
    () => canonicalizeLogsArgs(["-jz"]),
    UsageError,
    "unknown shorthand flag: 'z' in -jz",
  );
  assertThrows(() => canonicalizeLogsArgs(["-g"]), UsageError, "flag needs an argument: 'g' in -g");
  assertThrows(() => canonicalizeLogsArgs(["--tail=maybe"]), UsageError, 'for "--tail"');
});

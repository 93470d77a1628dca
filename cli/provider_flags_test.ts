import { assertEquals, assertThrows } from "@std/assert";
import { UsageError } from "../lib/errors.ts";
import { parseProviderFlags } from "./provider_flags.ts";

function parse(flags: Record<string, string>, env: Record<string, string> = {}) {
  return parseProviderFlags((f) => flags[f], (name) => env[name], "local")!;
}

Deno.test("parseProviderFlags() reads the data directory flags of the local provider", () => {
  const off = parse({});
  assertEquals([off.dataDir, off.dataMaxBytes, off.dataSegmentBytes], [
    undefined,
    undefined,
    undefined,
  ]);
  const on = parse({
    "data-dir": "/var/lib/fnlogs",
    "data-max-bytes": "1048576",
    "data-segment-bytes": "65536",
  });
  assertEquals([on.dataDir, on.dataMaxBytes, on.dataSegmentBytes], [
    "/var/lib/fnlogs",
    1_048_576,
    65_536,
  ]);
  assertEquals(parse({}, { FNLOGS_DATA_DIR: "/data" }).dataDir, "/data");
  assertEquals(parse({ "data-dir": "/flag" }, { FNLOGS_DATA_DIR: "/env" }).dataDir, "/flag");
  assertEquals(parse({ "data-dir": "" }).dataDir, undefined);
  assertEquals(parse({ provider: "docker", "data-dir": "/data" }).dataDir, undefined);
  assertThrows(
    () => parse({ "data-max-bytes": "10" }),
    UsageError,
    `--data-max-bytes must be an integer of at least 4096, got "10"`,
  );
  assertThrows(() => parse({ "data-segment-bytes": "64M" }), UsageError);
});

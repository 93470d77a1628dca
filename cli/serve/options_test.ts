import { assertEquals, assertThrows } from "@std/assert";
import { UsageError } from "../../lib/errors.ts";
import { parseServeOptions } from "./options.ts";

const env = () => undefined;

Deno.test("parseServeOptions() serves the web page unless --no-ui", () => {
  assertEquals(parseServeOptions([], env).ui, true);
  assertEquals(parseServeOptions(["--no-ui"], env).ui, false);
  assertEquals(parseServeOptions(["--ui=false"], env).ui, false);
});

Deno.test("parseServeOptions() refuses negative durations (0 turns them off)", () => {
  for (const flag of ["heartbeat", "header-timeout", "max-stream-duration"]) {
    assertThrows(
      () => parseServeOptions([`--${flag}=-1s`], env),
      UsageError,
      `--${flag} must not be negative (0 turns it off), got "-1s"`,
    );
    parseServeOptions([`--${flag}=0`], env);
  }
});

import { assertEquals } from "@std/assert";
import { parseServeOptions } from "./options.ts";

const env = () => undefined;

Deno.test("parseServeOptions() serves the web page unless --no-ui", () => {
  assertEquals(parseServeOptions([], env).ui, true);
  assertEquals(parseServeOptions(["--no-ui"], env).ui, false);
  assertEquals(parseServeOptions(["--ui=false"], env).ui, false);
});

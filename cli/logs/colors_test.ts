import { assert, assertEquals, assertNotEquals } from "@std/assert";
import { colorize, shouldColor } from "./colors.ts";

Deno.test("colorize() gives each key a stable colour and resets after the text", () => {
  const a = colorize("a (a-1) ", "a\u0000a-1");
  assertEquals(a, colorize("a (a-1) ", "a\u0000a-1"));
  assert(a.startsWith("\x1b[") && a.endsWith("ma (a-1) \x1b[0m"), a);
  const colours = new Set(
    Array.from({ length: 12 }, (_, i) => colorize("", `fn\u0000fn-${i}`).slice(0, 5)),
  );
  assert(colours.size > 3, "instances spread over the palette");
  assertNotEquals(colorize("x", "one"), colorize("x", "two"));
});

Deno.test("shouldColor() follows --color, the terminal and NO_COLOR", () => {
  assertEquals(shouldColor("auto", true, undefined), true);
  assertEquals(shouldColor("auto", true, ""), true);
  assertEquals(shouldColor("auto", true, "1"), false);
  assertEquals(shouldColor("auto", false, undefined), false);
  assertEquals(shouldColor("always", false, "1"), true);
  assertEquals(shouldColor("never", true, undefined), false);
});

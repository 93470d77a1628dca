import { assertEquals } from "@std/assert";
import { compileFilter, type TextFilter } from "../../../ui/text_filter.ts";

function filter(input: string): TextFilter {
  const compiled = compileFilter(input);
  if (compiled.kind !== "filter") throw new Error(`no filter for ${input}: ${compiled.kind}`);
  return compiled.filter;
}

Deno.test("compileFilter() takes plain text in any case, its regex characters literally", () => {
  const f = filter("a.b (c)");
  assertEquals(f.test("xx A.B (C) yy"), true);
  assertEquals(f.test("aXb (c)"), false);
  assertEquals(f.ranges("a.b (c) and A.B (c)"), [[0, 7], [12, 19]]);
  assertEquals(compileFilter(""), { kind: "none" });
});

Deno.test("compileFilter() takes /regex/flags, and says why a broken one is wrong", () => {
  const f = filter("/^err(or)?:/i");
  assertEquals([f.test("ERROR: x"), f.test("an error: x")], [true, false]);
  assertEquals(f.ranges("Err: x"), [[0, 4]]);
  // Several calls in a row give the same answers (no state left in a global regex).
  assertEquals([f.test("error:"), f.test("error:"), f.test("error:")], [true, true, true]);
  const broken = compileFilter("/(a/");
  assertEquals(broken.kind, "error");
  // Letters that are not flags make it text: a path people search access logs for.
  assertEquals(filter("/api/users").test("GET /API/users 200"), true);
  assertEquals(filter("/api/users").test("GET /api 200"), false);
  assertEquals(filter("/a/x").test("x/a/x"), true);
  // A pattern that can take exponential time is refused, not run on the page's thread.
  const risky = compileFilter("/(a+)+$/");
  assertEquals(risky.kind, "error");
  assertEquals(
    risky.kind === "error" && risky.message.startsWith("a repeated group holds a repeat"),
    true,
  );
  // A slash inside is fine; one slash alone is plain text.
  assertEquals(filter("/a/b/").test("xa/by"), true);
  assertEquals(filter("/").test("a/b"), true);
});

Deno.test("TextFilter.ranges() skips empty matches, stops at the limit, finds none past it", () => {
  assertEquals(filter("/x*/").ranges("axxbx"), [[1, 3], [4, 5]]);
  assertEquals(filter("a").ranges("a".repeat(5000)).length, 1000);
  assertEquals(filter("a").ranges("a".repeat(10), 3), [[0, 1], [1, 2], [2, 3]]);
  assertEquals(filter("/\\u{1F600}/u").ranges("x\u{1F600}y"), [[1, 3]]);
});

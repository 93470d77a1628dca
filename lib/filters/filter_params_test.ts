import { assertEquals, assertThrows } from "@std/assert";
import { InvalidInputError } from "../errors.ts";
import { filterQueryPairs, parseFilterParams } from "./filter_params.ts";
import { parseWhereClause } from "./where_clause.ts";

Deno.test("filterQueryPairs() and parseFilterParams() round-trip", () => {
  const filter = {
    level: "error" as const,
    where: [parseWhereClause("http.status>=500"), parseWhereClause("user!=bot")],
    grep: [/time(out)?/, /a&b=c d/],
    exclude: [/health/],
  };
  const pairs = filterQueryPairs(filter);
  const back = parseFilterParams(new URLSearchParams(pairs))!;
  assertEquals(filterQueryPairs(back), pairs);
  assertEquals(back.where?.map((w) => [w.key, w.operator, w.value]), [
    ["http.status", ">=", "500"],
    ["user", "!=", "bot"],
  ]);
  assertEquals(filterQueryPairs(undefined), []);
});

Deno.test("parseFilterParams() takes the last level, all conditions, and any level name", () => {
  const filter = parseFilterParams(
    new URLSearchParams("level=info&level=WARNING&grep=a&grep=b&where=x=1"),
  )!;
  assertEquals(filter.level, "warn");
  assertEquals(filter.grep?.map((r) => r.source), ["a", "b"]);
  assertEquals(parseFilterParams(new URLSearchParams("level=")), undefined);
  assertEquals(parseFilterParams(new URLSearchParams("name=f&tail=3&follow=1")), undefined);
});

Deno.test("parseFilterParams() rejects what it cannot run, saying why", () => {
  const message = (query: string) =>
    assertThrows(
      () => parseFilterParams(new URLSearchParams(query), { maxConditions: 3, maxLength: 10 }),
      InvalidInputError,
    ).message;
  assertEquals(
    message("level=loud"),
    'level must be one of trace, debug, info, warn, error, fatal, got "loud"',
  );
  assertEquals(
    message("where=nokey"),
    'Cannot parse where condition "nokey": expected KEY=VALUE, KEY!=VALUE, KEY~REGEX, KEY!~REGEX, KEY>N, KEY>=N, KEY<N or KEY<=N',
  );
  assertEquals(
    message("grep=(a"),
    "grep is not a valid regular expression: Invalid regular expression: /(a/: Unterminated group",
  );
  assertEquals(
    message("exclude=[z-a]").startsWith("exclude is not a valid regular expression"),
    true,
  );
  assertEquals(
    message("grep=a&grep=b&where=c=1&exclude=d"),
    "too many filter conditions (4): this server takes at most 3",
  );
  assertEquals(
    message("grep=0123456789x"),
    "grep is 11 characters long: this server takes at most 10",
  );
});

Deno.test("parseFilterParams() refuses patterns that can take exponential time, with the reason", () => {
  for (
    const [query, message] of [
      ["grep=(a%2B)%2B%24", "grep is refused: a repeated group holds a repeat"],
      ["exclude=(x*)*y", "exclude is refused: a repeated group holds a repeat"],
      ["where=msg~(%5Cw%2B%5Cs%3F)%2B%24", "Cannot use where condition"],
    ]
  ) {
    assertThrows(() => parseFilterParams(new URLSearchParams(query)), InvalidInputError, message);
  }
});

import { assertEquals, assertThrows } from "@std/assert";
import { InvalidInputError } from "../errors.ts";
import { parseLogLine } from "../parse/parse_log_line.ts";
import { parseWhereClause } from "./where_clause.ts";

const json = parseLogLine(
  '{"level":"info","status":503,"ok":false,"user":"ann","ms":"12.5","http":{"method":"GET"},"n":null,"tags":["a"]}',
);
const logfmt = parseLogLine("status=200 user=bob ms=7 path=/a=b");
const plain = parseLogLine("status=oops but this is prose");

Deno.test("parseWhereClause() compares fields as the table says", () => {
  const cases: [string, boolean, boolean, boolean][] = [
    // condition, on json, on logfmt, on plain
    ["status=503", true, false, false],
    ["status=200", false, true, false],
    ["status!=503", false, true, true],
    ["missing!=x", true, true, true],
    ["missing=", false, false, false],
    ["user=ann", true, false, false],
    ["ok=false", true, false, false],
    ["n=null", true, false, false],
    ['tags=["a"]', true, false, false],
    ["http.method=GET", true, false, false],
    ["http.method~^G", true, false, false],
    ["http.method!~^G", false, true, true],
    ["user~^(ann|bob)$", true, true, false],
    ["status>500", true, false, false],
    ["status>=503", true, false, false],
    ["status<503", false, true, false],
    ["status<=200", false, true, false],
    ["ms>10", true, false, false],
    ["ms<10", false, true, false],
    ["user>1", false, false, false],
    ["path=/a=b", false, true, false],
  ];
  for (const [text, onJson, onLogfmt, onPlain] of cases) {
    const clause = parseWhereClause(text);
    assertEquals(
      [clause.test(json), clause.test(logfmt), clause.test(plain)],
      [onJson, onLogfmt, onPlain],
      text,
    );
  }
});

Deno.test("parseWhereClause() splits at the first operator", () => {
  const parts = (text: string) => {
    const c = parseWhereClause(text);
    return [c.key, c.operator, c.value];
  };
  assertEquals(parts("a=b=c"), ["a", "=", "b=c"]);
  assertEquals(parts("a=!b"), ["a", "=", "!b"]);
  assertEquals(parts("a~x=y"), ["a", "~", "x=y"]);
  assertEquals(parts("a.b>=1e3"), ["a.b", ">=", "1e3"]);
  assertEquals(parts("a!~"), ["a", "!~", ""]);
});

Deno.test("parseWhereClause() says what is wrong", () => {
  const message = (text: string) =>
    assertThrows(() => parseWhereClause(text), InvalidInputError).message;
  assertEquals(
    message("status"),
    'Cannot parse where condition "status": expected KEY=VALUE, KEY!=VALUE, KEY~REGEX, KEY!~REGEX, KEY>N, KEY>=N, KEY<N or KEY<=N',
  );
  assertEquals(message("=x"), 'Cannot parse where condition "=x": no key');
  assertEquals(message("a!b=c").startsWith('Cannot parse where condition "a!b=c": expected'), true);
  assertEquals(message("a>ten"), 'Cannot parse where condition "a>ten": > needs a number');
  assertEquals(message("a<"), 'Cannot parse where condition "a<": < needs a number');
  assertEquals(
    message("a~("),
    'Cannot parse where condition "a~(": Invalid regular expression: /(/: Unterminated group',
  );
});

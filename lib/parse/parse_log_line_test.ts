import { assertEquals, assertStrictEquals } from "@std/assert";
import { parseLogLine } from "./parse_log_line.ts";
import { getFieldPath } from "./field_path.ts";
import { Fuzz } from "../../tests/helpers/fuzz.ts";
import { levelFromName, levelFromNumber, type LogLevel } from "./log_level.ts";

type Row = [text: string, format: string, level: LogLevel | undefined];

function check(rows: Row[]) {
  for (const [text, format, level] of rows) {
    const parsed = parseLogLine(text);
    assertEquals([parsed.format, parsed.level], [format, level], JSON.stringify(text));
  }
}

Deno.test("parseLogLine() reads JSON level keys in order of precedence", () => {
  check([
    ['{"level":"error","msg":"x"}', "json", "error"],
    ['{"lvl":"warn"}', "json", "warn"],
    ['{"severity":"WARNING"}', "json", "warn"],
    ['{"log.level":"debug"}', "json", "debug"],
    ['{"log":{"level":"info","logger":"app"}}', "json", "info"],
    ['{"log":{"origin":{"level":"error"}}}', "json", undefined],
    ['{"severity":"ERROR","level":"info"}', "json", "info"],
    ['{"level":"nonsense","lvl":"error"}', "json", "error"],
    ['{"level":"info","level":"error"}', "json", "error"],
    ['{"log":{"level":"error"},"log":"x"}', "json", undefined],
    ['{"data":{"level":"error"}}', "json", undefined],
    ['{"msg":"ERROR in the text"}', "json", undefined],
    ['{"lev\\u0065l":"fatal"}', "json", "fatal"],
    ['{"level":"\\u0045RROR"}', "json", "error"],
    ['  {"level":"warn"}\r\n', "json", "warn"],
    ['{"LEVEL":"error"}', "json", undefined],
  ]);
});

Deno.test("parseLogLine() maps level names of common loggers", () => {
  check([
    ['{"level":"TRACE"}', "json", "trace"],
    ['{"level":"verbose"}', "json", "trace"],
    ['{"level":"DBG"}', "json", "debug"],
    ['{"level":"Information"}', "json", "info"],
    ['{"level":"notice"}', "json", "info"],
    ['{"level":"warning"}', "json", "warn"],
    ['{"level":"WRN"}', "json", "warn"],
    ['{"level":"err"}', "json", "error"],
    ['{"level":"SEVERE"}', "json", "error"],
    ['{"level":"dpanic"}', "json", "error"],
    ['{"level":"panic"}', "json", "fatal"],
    ['{"level":"CRITICAL"}', "json", "fatal"],
    ['{"severity":"EMERGENCY"}', "json", "fatal"],
    ['{"severity":"DEFAULT"}', "json", undefined],
    ['{"level":" warn "}', "json", "warn"],
    ['{"level":""}', "json", undefined],
  ]);
});

Deno.test("parseLogLine() maps pino/bunyan and syslog numbers, and nothing else", () => {
  check([
    ['{"level":10}', "json", "trace"],
    ['{"level":20}', "json", "debug"],
    ['{"level":30,"time":1,"msg":"hi"}', "json", "info"],
    ['{"level":35}', "json", "info"],
    ['{"level":40}', "json", "warn"],
    ['{"level":50}', "json", "error"],
    ['{"level":60}', "json", "fatal"],
    ['{"level":0}', "json", "fatal"],
    ['{"level":3}', "json", "error"],
    ['{"level":4}', "json", "warn"],
    ['{"level":6}', "json", "info"],
    ['{"level":7}', "json", "debug"],
    ['{"level":8}', "json", undefined],
    ['{"level":70}', "json", undefined],
    ['{"level":-1}', "json", undefined],
    ['{"level":30.5}', "json", undefined],
    ['{"level":3e1}', "json", "info"],
    ['{"level":1e400}', "json", undefined],
    ['{"level":123456789012345678901234567890}', "json", undefined],
    ['{"level":"50"}', "json", undefined],
  ]);
});

Deno.test("parseLogLine() leaves a level of every other JSON type unknown", () => {
  check([
    ['{"level":true}', "json", undefined],
    ['{"level":false}', "json", undefined],
    ['{"level":null}', "json", undefined],
    ['{"level":{"name":"error"}}', "json", undefined],
    ['{"level":["error"]}', "json", undefined],
    ['{"level":[],"lvl":"warn"}', "json", "warn"],
  ]);
});

Deno.test("parseLogLine() takes only one whole JSON object as JSON", () => {
  check([
    ["{}", "json", undefined],
    ['{"a":[1,{"b":[]}],"c":"}"}', "json", undefined],
    ['{"level":"error"', "plain", undefined],
    ['{"level":"error"}}', "plain", undefined],
    ['{"level":"error"} trailing', "plain", undefined],
    ['{"level":"error",}', "plain", undefined],
    ["{'level':'error'}", "plain", undefined],
    ['{"level":"error"}{"level":"warn"}', "plain", undefined],
    ['{"a":01}', "plain", undefined],
    ['{"a":"\\x"}', "plain", undefined],
    ['{"a":"tab\there"}', "plain", undefined],
    ['{"a":[1,]}', "plain", undefined],
    ['{"a":tru}', "plain", undefined],
    ["[1,2]", "plain", undefined],
    ['"level=error"', "plain", undefined],
    ["{ERROR}", "plain", undefined],
  ]);
});

Deno.test("parseLogLine() reads logfmt", () => {
  check([
    ["level=error msg=boom", "logfmt", "error"],
    ['lvl=WARN msg="a b=c"', "logfmt", "warn"],
    ['severity=info msg=""', "logfmt", "info"],
    ['time=2024-01-01T00:00:00Z level="debug" caller=main.go:12', "logfmt", "debug"],
    ["status=200 path=/x", "logfmt", undefined],
    ["msg=x level=", "logfmt", undefined],
    ["a=b=c", "logfmt", undefined],
    ["Starting server with port=8080", "plain", undefined],
    ['level=error msg="unterminated', "plain", undefined],
    ['level=error msg="x"y', "plain", undefined],
    ["=value", "plain", undefined],
    ["ERROR a=b", "plain", "error"],
  ]);
  const parsed = parseLogLine('level=info msg="say \\"hi\\"\\n" n=1 n=2');
  assertEquals({ ...parsed.fields }, { level: "info", msg: 'say "hi"\n', n: "2" });
  assertEquals(parsed.message, 'say "hi"\n');
});

Deno.test("parseLogLine() reads a plain line's leading level word or tag", () => {
  check([
    ["ERROR something broke", "plain", "error"],
    ["WARN  disk", "plain", "warn"],
    ["WARNING: deprecated", "plain", "warn"],
    ["INFO", "plain", "info"],
    ["DEBUG|x", "plain", "debug"],
    ["TRACE entering", "plain", "trace"],
    ["FATAL out of memory", "plain", "fatal"],
    ["PANIC: x", "plain", "fatal"],
    ["panic: runtime error: index out of range", "plain", "fatal"],
    ["ERROR:root:division by zero", "plain", "error"],
    ["CRITICAL:app:gone", "plain", "fatal"],
    ["INFO[0000] starting", "plain", "info"],
    ["ERRO[0001] failed", "plain", "error"],
    ["error: could not open file", "plain", "error"],
    ["Warning: low memory", "plain", "warn"],
    ["[error] x", "plain", "error"],
    ["[ERROR] x", "plain", "error"],
    ["[WARN ] x", "plain", "warn"],
    ["[Info] x", "plain", "info"],
    ["<warn> x", "plain", "warn"],
    ["   ERROR indented", "plain", "error"],
    ["\x1b[31mERROR\x1b[0m red", "plain", "error"],
    ["2024-01-01T12:00:00.123Z ERROR boom", "plain", "error"],
    ["2024-01-01T12:00:00+02:00 WARN x", "plain", "warn"],
    ["2024-01-01 12:00:00,123 ERROR boom", "plain", "error"],
    ["2024/01/01 12:00:00 [error] 123#0: nginx", "plain", "error"],
    ["12:00:00.123 INFO started", "plain", "info"],
    ["[2024-01-01T00:00:00Z ERROR my_crate] failed", "plain", "error"],
    ["E1204 12:34:56.789012   12345 main.go:123] failed", "plain", "error"],
    ["W1204 12:34:56.789012   12345 main.go:123] careful", "plain", "warn"],
    ["I1204 12:34:56.789012   12345 main.go:123] fine", "plain", "info"],
    ["F1204 12:34:56.789012   12345 main.go:123] dead", "plain", "fatal"],
  ]);
});

Deno.test("parseLogLine() never guesses a plain level from other words", () => {
  check([
    ["the ERROR is in the middle", "plain", undefined],
    ["Error handling improved", "plain", undefined],
    ["error handling improved", "plain", undefined],
    ["Errors: 0", "plain", undefined],
    ["ERRORS: 0", "plain", undefined],
    ["ErRoR: x", "plain", undefined],
    ["info about the build", "plain", undefined],
    ["Listening on port: 8080", "plain", undefined],
    ["E1204 no time", "plain", undefined],
    ["[errors] x", "plain", undefined],
    ["[ERROR x", "plain", undefined],
    ["[ERROR target] no timestamp before the word", "plain", undefined],
    ["ERROR-handling", "plain", undefined],
    ["2024-01-01 main ERROR x", "plain", undefined],
    ["", "plain", undefined],
    ["   ", "plain", undefined],
    ["E", "plain", undefined],
  ]);
});

Deno.test("parseLogLine() parses fields only when read, and paths reach into them", () => {
  const parsed = parseLogLine(
    '{"level":"info","msg":"req","http":{"status":503,"method":"GET"},"tags":["a","b"]}',
  );
  assertEquals(parsed.field("http.status"), 503);
  assertEquals(parsed.field("tags.1"), "b");
  assertEquals(parsed.field("http.missing"), undefined);
  assertStrictEquals(parsed.fields, parsed.fields);
  assertEquals(parsed.message, "req");
  assertEquals(parseLogLine('{"message":"hello"}').message, "hello");
  assertEquals(parseLogLine('{"msg":5}').message, undefined);
  assertEquals(parseLogLine("plain text").field("a"), undefined);
  assertEquals(parseLogLine("plain text").message, undefined);
  assertEquals(parseLogLine('{"a":{}}').field("constructor"), undefined);
  assertEquals(parseLogLine("__proto__=x").field("__proto__"), "x");
});

Deno.test("parseLogLine() survives hostile input", () => {
  const deep = '{"a":' + "[".repeat(200_000) + "]".repeat(200_000) + ',"level":"warn"}';
  assertEquals([parseLogLine(deep).format, parseLogLine(deep).level], ["json", "warn"]);
  const deepObjects = '{"level":"error","a":' + '{"b":'.repeat(50_000) + "1" +
    "}".repeat(50_000) + "}";
  const parsed = parseLogLine(deepObjects);
  assertEquals([parsed.format, parsed.level], ["json", "error"]);
  assertEquals(typeof parsed.fields, "object");
  const unbalanced = '{"a":' + "[".repeat(100_000);
  assertEquals(parseLogLine(unbalanced).format, "plain");
  const big = "x".repeat(65_536);
  assertEquals(parseLogLine(`{"level":"error","msg":"${big}"}`).level, "error");
  assertEquals(parseLogLine(`level=warn msg=${big}`).level, "warn");
  assertEquals(parseLogLine(`ERROR ${big}`).level, "error");
  assertEquals(parseLogLine(big).level, undefined);
  assertEquals(parseLogLine("=".repeat(65_536)).format, "plain");
  // What invalid UTF-8 becomes after decoding, and lone surrogates.
  assertEquals(parseLogLine('{"level":"error","msg":"\ufffd\ufffd"}').level, "error");
  assertEquals(parseLogLine('{"level":"error","msg":"\ud800"}').level, "error");
  assertEquals(parseLogLine("\ud800ERROR").level, undefined);
  assertEquals(parseLogLine("ERROR \udfff").level, "error");
  assertEquals(parseLogLine("level=\ud800").format, "logfmt");
  assertEquals(parseLogLine("\0\0{}").format, "plain");
});

/** The level by the documented rules, from `JSON.parse`'s object. */
function referenceLevel(object: Record<string, unknown>): LogLevel | undefined {
  const log = object.log;
  const nested = typeof log === "object" && log !== null && !Array.isArray(log)
    ? (log as Record<string, unknown>).level
    : undefined;
  for (const value of [object.level, object.lvl, object.severity, object["log.level"], nested]) {
    const level = typeof value === "string"
      ? levelFromName(value)
      : typeof value === "number"
      ? levelFromNumber(value)
      : undefined;
    if (level !== undefined) return level;
  }
  return undefined;
}

Deno.test("parseLogLine() agrees with JSON.parse on 20,000 mutated JSON lines (seeded)", () => {
  const fuzz = new Fuzz(1204);
  const next = () => fuzz.next();
  let valid = 0;
  const seeds = [
    '{"level":"error","msg":"x","n":[1,2.5e-3,{"log":{"level":"warn"}}]}',
    '{"log":{"level":"info"},"severity":"bogus","a":null,"b":true}',
    '{"lvl":40,"s":"\\u00e9\\n\\"","z":-0.0}',
    '{"log.level":"debug","level":{"x":1},"arr":[[],{}]}',
  ];
  const alphabet = '{}[]":,\\ 0123456789-+.eEtrufalsnlvogyi\n\t\u00e9';
  for (let i = 0; i < 20_000; i++) {
    const chars = [...seeds[Math.floor(next() * seeds.length)]];
    const edits = 1 + Math.floor(next() * 3);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(next() * (chars.length + 1));
      const op = next();
      const c = alphabet[Math.floor(next() * alphabet.length)];
      if (op < 0.4) chars.splice(at, 1);
      else if (op < 0.7) chars.splice(at, 0, c);
      else chars[at] = c;
    }
    const text = chars.join("");
    let object: unknown;
    try {
      object = JSON.parse(text);
    } catch {
      object = undefined;
    }
    const isObject = typeof object === "object" && object !== null && !Array.isArray(object);
    const parsed = parseLogLine(text);
    assertEquals(parsed.format === "json", isObject, JSON.stringify(text));
    if (isObject) {
      valid++;
      assertEquals(
        parsed.level,
        referenceLevel(object as Record<string, unknown>),
        JSON.stringify(text),
      );
      assertEquals(parsed.fields, object);
    }
  }
  // Both kinds were really exercised.
  assertEquals(valid > 2_000 && valid < 18_000, true, `${valid} valid`);
});

Deno.test("getFieldPath() prefers a key holding the whole rest of the path", () => {
  const fields = { a: { "b.c": 1, b: { c: 2 } }, "a.b": { c: 3 } };
  assertEquals(getFieldPath(fields, "a.b.c"), 1);
  assertEquals(getFieldPath(fields, "a.b"), { c: 3 });
  assertEquals(getFieldPath(undefined, "a"), undefined);
  assertEquals(getFieldPath({ a: null }, "a.b"), undefined);
  assertEquals(getFieldPath({ "": 1 }, ""), 1);
});

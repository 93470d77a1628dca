import { assertEquals, assertThrows } from "@std/assert";
import { ResumeStateError } from "../errors.ts";
import { RESUME_STATE_VERSION, ResumeState } from "./resume_state.ts";
import type { LogRecord } from "../types.ts";

const A = { source: "http://a:8080", namespace: "", name: "hello" };
const B = { source: "http://b:8080", namespace: "fn", name: "world" };

function rec(instance: string, timestamp: string, cursor?: string): LogRecord {
  const base = { name: "x", namespace: "", instance, timestamp, text: "t" };
  return cursor === undefined ? base : { ...base, cursor };
}

Deno.test("ResumeState keeps several functions on several gateways and writes them as JSON", () => {
  const state = new ResumeState({ now: () => 0, wallNow: () => 5000 });
  assertEquals(state.start(A), undefined);
  state.advance(A, [rec("h-1", "2024-01-01T00:00:01Z"), rec("h-1", "2024-01-01T00:00:01Z")]);
  state.advance(B, [rec("w-1", "2024-01-01T00:00:02.5Z", "c9")]);
  state.advance(B, []);
  assertEquals(state.revision, 2);
  assertEquals(JSON.parse(JSON.stringify(state)), {
    fnlogs: "resume-state",
    version: RESUME_STATE_VERSION,
    sources: ["http://a:8080", "http://b:8080"],
    functions: [
      {
        ...A,
        instances: [{
          instance: "h-1",
          timestamp: "2024-01-01T00:00:01Z",
          count: 2,
          heardAt: 5000,
        }],
      },
      {
        ...B,
        cursor: "c9",
        instances: [{
          instance: "w-1",
          timestamp: "2024-01-01T00:00:02.5Z",
          count: 1,
          heardAt: 5000,
        }],
      },
    ],
  });
  const back = ResumeState.parse(JSON.stringify(state));
  assertEquals(back.sources, ["http://a:8080", "http://b:8080"]);
  assertEquals(back.functions, [A, B]);
  assertEquals(back.start(B)?.cursor, "c9");
  // Another function of a known gateway starts from nothing; another gateway is refused.
  assertEquals(back.start({ ...A, name: "new" }), undefined);
  assertThrows(
    () => back.start({ ...A, source: "http://c:8080" }),
    ResumeStateError,
    'Cannot resume "hello" from http://c:8080 with a resume state of http://a:8080, http://b:8080',
  );
});

Deno.test("ResumeState used with a gateway that sent nothing still belongs to it", () => {
  const state = new ResumeState();
  state.start(A);
  const back = ResumeState.parse(JSON.stringify(state));
  assertEquals(back.start(A), undefined);
  assertThrows(() => back.start(B), ResumeStateError);
});

Deno.test("ResumeState.parse() refuses what is not its own format, naming what is wrong", () => {
  const valid = () =>
    JSON.parse(JSON.stringify((() => {
      const s = new ResumeState();
      s.advance(A, [rec("h-1", "2024-01-01T00:00:01Z")]);
      return s;
    })()));
  const cases: [unknown, string][] = [
    ["not json", "Cannot read a resume state: Unexpected token"],
    [[], "the resume state is not an object"],
    [{ version: 1 }, "it is not one of fnlogs'"],
    [{ ...valid(), version: 2 }, "its format version is 2; this fnlogs reads version 1"],
    [{ ...valid(), version: "1" }, 'format version is "1"'],
    [{ ...valid(), sources: "x" }, "sources is not a list"],
    [{ ...valid(), sources: [] }, "a position for http://a:8080, which it does not list"],
    [{ ...valid(), functions: [{ ...valid().functions[0], name: 3 }] }, "name is not a string"],
    [
      { ...valid(), functions: [{ ...valid().functions[0], instances: [{ instance: "h" }] }] },
      "timestamp is not a string",
    ],
    [
      {
        ...valid(),
        functions: [{
          ...valid().functions[0],
          instances: [{ instance: "h", timestamp: "soon", count: 1, heardAt: 0 }],
        }],
      },
      'Cannot resume from timestamp "soon"',
    ],
  ];
  for (const [input, message] of cases) {
    const text = typeof input === "string" ? input : JSON.stringify(input);
    assertThrows(() => ResumeState.parse(text), ResumeStateError, message);
  }
});

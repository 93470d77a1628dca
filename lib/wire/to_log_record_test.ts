import { assertEquals } from "@std/assert";
import { toLogRecord } from "./to_log_record.ts";

const EMPTY = { name: "", namespace: "", instance: "", timestamp: "", text: "" };

Deno.test("toLogRecord() maps the five fields of a wire message", () => {
  const wire = {
    name: "env",
    namespace: "openfaas-fn",
    instance: "env-5b6d68d94c-qqdtj",
    timestamp: "2023-07-04T16:32:22.223912519Z",
    text: "Listening on port: 8080",
  };
  assertEquals(toLogRecord(wire), wire);
});

Deno.test("toLogRecord() gives empty strings for missing keys and null values", () => {
  assertEquals(toLogRecord({}), EMPTY);
  assertEquals(toLogRecord({ name: null, text: "t", timestamp: null }), { ...EMPTY, text: "t" });
});

Deno.test("toLogRecord() ignores unknown keys and never copies cursor or missed", () => {
  assertEquals(
    toLogRecord({ text: "t", cursor: "c", missed: 3, id: 1, description: 2, nested: { name: 1 } }),
    { ...EMPTY, text: "t" },
  );
});

Deno.test("toLogRecord() matches keys case-insensitively as Go does", () => {
  assertEquals(
    toLogRecord({ NAME: "n", NameSpace: "ns", iNSTANCE: "i", TimeStamp: "ts", Text: "t" }),
    { name: "n", namespace: "ns", instance: "i", timestamp: "ts", text: "t" },
  );
  // Go folds U+017F (long s) to "s" and U+212A (Kelvin sign) to "k".
  assertEquals(toLogRecord({ "name\u017fpace": "ns", "in\u017ftance": "i" }), {
    ...EMPTY,
    namespace: "ns",
    instance: "i",
  });
  // Nothing else folds onto ASCII: dotted capital I, fullwidth letters, ligatures.
  assertEquals(
    toLogRecord({ "\u0130nstance": "x", "\uff4eame": "x", "time\ufb05amp": "x", texts: "x" }),
    EMPTY,
  );
  // A later key wins, whatever its case; null leaves the field alone.
  assertEquals(toLogRecord({ text: "a", TEXT: "b" }), { ...EMPTY, text: "b" });
  assertEquals(toLogRecord({ TEXT: "b", text: "a" }), { ...EMPTY, text: "a" });
  assertEquals(toLogRecord({ text: "a", TEXT: null }), { ...EMPTY, text: "a" });
});

Deno.test("toLogRecord() rejects what Go fails to decode into a message", () => {
  for (const value of [null, undefined, 1, "s", true, [], [{ text: "t" }]]) {
    assertEquals(toLogRecord(value), undefined, JSON.stringify(value));
  }
  for (const key of ["name", "namespace", "instance", "timestamp", "text", "Text"]) {
    for (const bad of [1, true, {}, [], ["x"]]) {
      assertEquals(toLogRecord({ [key]: bad }), undefined, `${key}: ${JSON.stringify(bad)}`);
    }
  }
});

Deno.test("toLogRecord() keeps a timestamp that is not RFC3339 as text", () => {
  assertEquals(toLogRecord({ timestamp: "yesterday" }), { ...EMPTY, timestamp: "yesterday" });
});

import { assertEquals } from "@std/assert";
import {
  escapeToken,
  functionFilter,
  isSubjectPrefix,
  logSubject,
  parseLogSubject,
  unescapeToken,
} from "./subject.ts";

Deno.test("escapeToken() round-trips every kind of name", () => {
  const names = [
    "",
    "%",
    "%25",
    "a",
    "hello-world_2",
    "web.1",
    "*",
    ">",
    "a b\tc\nd",
    "ünïcødé ✓",
    "\u0000",
    "x".repeat(300),
    "fn:env",
    "openfaas-fn",
  ];
  for (const name of names) {
    const token = escapeToken(name);
    assertEquals(/^[A-Za-z0-9_%-]+$/.test(token), true, `token for ${JSON.stringify(name)}`);
    assertEquals(unescapeToken(token), name);
  }
  // Distinct names give distinct tokens.
  assertEquals(new Set(names.map(escapeToken)).size, names.length);
});

Deno.test("unescapeToken() refuses what escapeToken() never makes", () => {
  for (const token of ["a.b", "a*", "%2", "%zz", "%2e", "a b", "%FF"]) {
    assertEquals(unescapeToken(token), undefined, token);
  }
});

Deno.test("parseLogSubject() reads back logSubject() and refuses others", () => {
  const parts = { namespace: "openfaas-fn", name: "my.fn", instance: "" };
  const subject = logSubject("logs.prod", parts);
  assertEquals(subject, "logs.prod.openfaas-fn.my%2Efn.%");
  assertEquals(parseLogSubject("logs.prod", subject), parts);
  assertEquals(parseLogSubject("logs", subject), undefined);
  assertEquals(parseLogSubject("logs.prod", "logs.prod.a.b"), undefined);
  assertEquals(functionFilter("fnlogs", "ns", "a.b"), "fnlogs.ns.a%2Eb.>");
});

Deno.test("isSubjectPrefix() accepts plain dotted tokens only", () => {
  assertEquals(isSubjectPrefix("fnlogs"), true);
  assertEquals(isSubjectPrefix("logs.prod"), true);
  for (const bad of ["", "a.", ".a", "a.*", "a b", "a.>"]) {
    assertEquals(isSubjectPrefix(bad), false);
  }
});

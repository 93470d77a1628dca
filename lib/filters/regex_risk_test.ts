import { assertEquals } from "@std/assert";
import { regexRisk } from "./regex_risk.ts";

Deno.test("regexRisk() finds nested repetition and nothing else", () => {
  const risky = [
    "(a+)+$",
    "(a*)*",
    "(\\w+\\s?)+$",
    "^(a|b+)*c",
    "((ab)+c?)+",
    "(.*a){20}",
    "(x+x+)+y",
    "(?:a+)+",
    "(a{2,})*",
  ];
  const fine = [
    "error",
    "err(or)?",
    "(error|warn)+",
    "a+b+c+",
    "(ab)+",
    "[(a+)+]",
    "\\(a+\\)+",
    "(a+)?",
    "(a+){1}",
    "(a+){0,1}",
    "^\\d{4}-\\d{2}-\\d{2}",
    "timeout after \\d+ ms",
  ];
  for (const source of risky) assertEquals(regexRisk(source) !== undefined, true, source);
  for (const source of fine) assertEquals(regexRisk(source), undefined, source);
});

import { assertEquals } from "@std/assert";
import { parseGoBool } from "./parse_go_bool.ts";

Deno.test("parseGoBool() accepts exactly Go's true spellings", () => {
  for (const text of ["1", "t", "T", "TRUE", "true", "True"]) {
    assertEquals(parseGoBool(text), true, text);
  }
});

Deno.test("parseGoBool() accepts exactly Go's false spellings", () => {
  for (const text of ["0", "f", "F", "FALSE", "false", "False"]) {
    assertEquals(parseGoBool(text), false, text);
  }
});

Deno.test("parseGoBool() rejects every other spelling", () => {
  const rejected = [
    "",
    "tRUE",
    "tRue",
    "TRue",
    "fALSE",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "01",
    "00",
    "2",
    "-1",
    " true",
    "true ",
    "true\n",
    "+1",
    "1.0",
    "ｔrue",
  ];
  for (const text of rejected) assertEquals(parseGoBool(text), undefined, JSON.stringify(text));
});

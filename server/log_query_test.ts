import { assertEquals, assertThrows } from "@std/assert";
import { InvalidInputError } from "../lib/errors.ts";
import { parseLogQuery } from "./log_query.ts";

const parse = (query: string, lastEventId: string | null = null, maxTail?: number) =>
  parseLogQuery(new URL("http://x/system/logs?" + query).searchParams, lastEventId, { maxTail });

Deno.test("parseLogQuery() reads what faas-cli sends", () => {
  assertEquals(
    parse(
      "follow=true&name=env&namespace=openfaas-fn&since=2023-07-04T16%3A27%3A23%2B01%3A00&tail=-1",
    ),
    { name: "env", namespace: "openfaas-fn", follow: true, since: "2023-07-04T16:27:23+01:00" },
  );
  assertEquals(parse("follow=1&name=env&tail=20"), { name: "env", follow: true, tail: 20 });
});

Deno.test("parseLogQuery() takes Go's ParseBool spellings and anything else as false", () => {
  for (const yes of ["1", "t", "T", "true", "TRUE", "True"]) {
    assertEquals(parse(`name=f&follow=${yes}`).follow, true, yes);
  }
  for (const no of ["0", "f", "F", "false", "FALSE", "False", "", "yes", "tRUE", "2", "on"]) {
    assertEquals(parse(`name=f&follow=${no}`).follow, false, no);
  }
  assertEquals(parse("name=f").follow, false);
});

Deno.test("parseLogQuery() lets the last of repeated keys win", () => {
  assertEquals(parse("name=a&name=b&tail=5&tail=0&follow=true&follow=nope"), {
    name: "b",
    follow: false,
  });
});

Deno.test("parseLogQuery() reads tail as a signed integer where <= 0 means no limit", () => {
  assertEquals(parse("name=f&tail=0").tail, undefined);
  assertEquals(parse("name=f&tail=-7").tail, undefined);
  assertEquals(parse("name=f&tail=%2B3").tail, 3);
  assertEquals(parse("name=f&tail=007").tail, 7);
  assertEquals(parse("name=f&tail=").tail, undefined);
  for (const bad of ["x", "1.5", " 1", "1e3", "0x10", "9223372036854775808", "--1", "+"]) {
    const error = assertThrows(
      () => parse(`name=f&tail=${encodeURIComponent(bad)}`),
      InvalidInputError,
    );
    assertEquals(
      error.message.startsWith("could not parse the log request: tail must be an integer"),
      true,
    );
  }
  assertEquals(parse("name=f&tail=-9223372036854775808").tail, undefined);
});

Deno.test("parseLogQuery() caps tail at the configured limit", () => {
  assertEquals(parse("name=f&tail=10", null, 10).tail, 10);
  const error = assertThrows(() => parse("name=f&tail=11", null, 10), InvalidInputError);
  assertEquals(
    error.message,
    "could not parse the log request: tail 11 is over this server's limit of 10",
  );
});

Deno.test("parseLogQuery() takes since as RFC3339 with a zone", () => {
  assertEquals(
    parse("name=f&since=2024-01-02T03:04:05.123456789Z").since,
    "2024-01-02T03:04:05.123456789Z",
  );
  assertEquals(parse("name=f&since=2024-01-02T03:04:05-07:00").since, "2024-01-02T03:04:05-07:00");
  for (
    const bad of [
      "2024-01-02",
      "2024-01-02T03:04:05",
      "2024-01-02 03:04:05Z",
      "2024-13-02T03:04:05Z",
      "2024-02-30T00:00:00Z",
      "yesterday",
      "1700000000",
    ]
  ) {
    const error = assertThrows(
      () => parse(`name=f&since=${encodeURIComponent(bad)}`),
      InvalidInputError,
    );
    assertEquals(
      error.message,
      `could not parse the log request: since must be an RFC3339 time with a zone, got ${
        JSON.stringify(bad)
      }`,
    );
  }
});

Deno.test("parseLogQuery() requires a name and carries instance and the event id", () => {
  assertThrows(() => parse("follow=true"), InvalidInputError, 'the "name" parameter is required');
  assertThrows(() => parse("name="), InvalidInputError);
  assertEquals(parse("name=f&instance=f-2", "run-9"), {
    name: "f",
    follow: false,
    instance: "f-2",
    cursor: "run-9",
  });
});

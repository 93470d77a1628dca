import { assertEquals } from "@std/assert";
import { DockerRecordMapper } from "./record_mapper.ts";

const fields = { name: "fn", namespace: "ns", instance: "fn-1" };

Deno.test("DockerRecordMapper reads timestamps as daemons write them", () => {
  const mapper = new DockerRecordMapper(fields);
  const cases: [string, string, string][] = [
    ["2024-05-06T07:08:09.123456789Z hi", "2024-05-06T07:08:09.123456789Z", "hi"],
    ["2024-05-06T07:08:09.100000000Z a b", "2024-05-06T07:08:09.1Z", "a b"],
    ["2024-05-06T07:08:09.000000000Z zero", "2024-05-06T07:08:09Z", "zero"],
    ["2024-05-06T07:08:09Z podman", "2024-05-06T07:08:09Z", "podman"],
    ["2024-05-06T07:08:09.1234567891Z long", "2024-05-06T07:08:09.123456789Z", "long"],
    ["2024-05-06T09:08:09.5+02:00 offset", "2024-05-06T07:08:09.5Z", "offset"],
    ["2024-05-06T07:08:09.Z bad", "2024-05-06T07:08:09.5Z", "2024-05-06T07:08:09.Z bad"],
    ["2024-13-06T07:08:09Z bad month", "2024-05-06T07:08:09.5Z", "2024-13-06T07:08:09Z bad month"],
    ["2024-05-06T07:08:09Z ", "2024-05-06T07:08:09Z", ""],
    ["plain", "2024-05-06T07:08:09Z", "plain"],
  ];
  for (const [line, timestamp, text] of cases) {
    assertEquals(mapper.map(line), { ...fields, timestamp, text }, line);
  }
  assertEquals(new DockerRecordMapper(fields).map("first")?.timestamp, "");
});

Deno.test("DockerRecordMapper drops lines before since, exact to the nanosecond", () => {
  const mapper = new DockerRecordMapper(fields, { seconds: 1714979289, nanos: 2 });
  const kept = [
    "2024-05-06T07:08:08.999999999Z a",
    "2024-05-06T07:08:09.000000001Z b",
    "2024-05-06T07:08:09.000000002Z c",
    "2024-05-06T07:08:08Z d",
    "2024-05-06T07:08:09Z e",
    "2024-05-06T07:08:10Z f",
  ].map((line) => mapper.map(line)?.text);
  assertEquals(kept, [undefined, undefined, "c", undefined, "e", "f"]);
  assertEquals(mapper.lastSeconds, 1714979290);
});

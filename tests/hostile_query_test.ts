/**
 * A property test that throws thousands of random and adversarial requests
 * at the log API: bad UTF-8 and percent escapes, huge values, repeated keys,
 * odd `since` and `tail` forms, path tricks. Never a 5xx, never a throw, and
 * every answer within its documented class.
 */
import { assert, assertEquals } from "@std/assert";
import { createHandler } from "../server/handler.ts";
import { MemoryProvider, record } from "./helpers/memory_provider.ts";

const CASES = 5000;

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

const KEYS = [
  "name",
  "namespace",
  "instance",
  "tail",
  "follow",
  "since",
  "Name",
  "tail[]",
  "",
  "%6eame",
];
const VALUES = [
  "fn",
  "nope",
  "",
  "-1",
  "0",
  "10",
  "+3",
  "9223372036854775807",
  "9223372036854775808",
  "-9223372036854775809",
  "1e3",
  "0x10",
  "NaN",
  "true",
  "TRUE",
  "tRuE",
  "1",
  "2",
  "2023-07-04T16:27:23Z",
  "2023-07-04T16:27:23.123456789123+01:00",
  "2023-02-30T00:00:00Z",
  "2023-07-04 16:27:23Z",
  "0001-01-01T00:00:00Z",
  "9999-12-31T23:59:59.999999999-23:59",
  "openfaas-fn",
  "../../etc/passwd",
  "%zz",
  "%C3%28",
  "%ED%A0%80",
  "%00",
  "%F0%9F%92%A9",
  "<script>",
  "a&b=c",
  "x".repeat(300),
];
const PATHS = [
  "/system/logs",
  "/system/logs/",
  "//system/logs",
  "/system/logs/../logs",
  "/System/Logs",
];
const METHODS = ["GET", "GET", "GET", "GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS"];

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)];
}

function randomQuery(next: () => number): string {
  // Most requests name the real function, so every class of answer is reached.
  const parts: string[] = next() < 0.6 ? ["name=fn"] : [];
  const count = Math.floor(next() * 7);
  for (let i = 0; i < count; i++) {
    const key = pick(next, KEYS);
    let value = pick(next, VALUES);
    if (next() < 0.1) value = value.repeat(1 + Math.floor(next() * 200));
    if (next() < 0.1) {
      value = String.fromCharCode(...Array.from({ length: 8 }, () => Math.floor(next() * 0x3000)));
    }
    const encoded = /%[0-9A-Za-z]{2}/.test(value) ? value : encodeURIComponent(value);
    parts.push(next() < 0.05 ? key : `${key}=${encoded}`);
  }
  if (next() < 0.05) parts.push("&&&;;=");
  return parts.join(next() < 0.1 ? ";" : "&");
}

Deno.test(`hostile queries: ${CASES} seeded random requests, never a 5xx, always a documented status`, async () => {
  const provider = new MemoryProvider(["fn"]);
  provider.history.set("fn", [record("one"), record("two")]);
  const handler = createHandler({ provider, maxTail: 1_000_000 });
  const next = random(20261122);
  const seen = new Map<number, number>();
  for (let i = 0; i < CASES; i++) {
    const method = next() < 0.7 ? "GET" : pick(next, METHODS);
    const path = next() < 0.7 ? "/system/logs" : pick(next, PATHS);
    const query = randomQuery(next);
    let response: Response;
    try {
      response = await handler(new Request(`http://fnlogs.test${path}?${query}`, { method }));
    } catch (error) {
      throw new Error(`${method} ${path}?${query} threw: ${error}`);
    }
    seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
    const where = `${method} ${path}?${query.slice(0, 200)} -> ${response.status}`;
    assert(response.status < 500, where);
    const target = new URL(`http://fnlogs.test${path}?${query}`);
    if (target.search.length > 4096) {
      assertEquals(response.status, 414, where);
    } else if (target.pathname !== "/system/logs") {
      assertEquals(response.status, 404, where);
    } else if (method !== "GET") {
      assertEquals(response.status, 405, where);
    } else {
      assert([200, 404, 422].includes(response.status), where);
    }
    if (response.status === 200) {
      assertEquals(response.headers.get("content-type"), "application/x-ndjson", where);
    } else {
      assertEquals(response.headers.get("content-type"), "text/plain; charset=utf-8", where);
    }
    await response.body?.cancel();
  }
  console.log(
    `  ${CASES} requests: ` +
      [...seen].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(", "),
  );
  // The generator reaches every class.
  for (const status of [200, 404, 405, 414, 422]) assert(seen.has(status), `no ${status} seen`);
});

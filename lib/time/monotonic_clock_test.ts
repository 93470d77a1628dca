import { assert, assertEquals } from "@std/assert";
import { MonotonicClock } from "./monotonic_clock.ts";
import { formatTimestamp, nanosToTimestamp, timestampToNanos } from "./timestamp.ts";

function clockOf(...ms: number[]): MonotonicClock {
  let i = 0;
  return new MonotonicClock(() => ms[Math.min(i++, ms.length - 1)]);
}

Deno.test("MonotonicClock.tick() follows the source and never goes back", () => {
  const clock = clockOf(1000.5, 1000.5, 999, 2000);
  const stamps: string[] = [];
  for (let i = 0; i < 4; i++) {
    clock.tick();
    stamps.push(clock.text());
  }
  assertEquals(stamps, [
    "1970-01-01T00:00:01.0005Z",
    "1970-01-01T00:00:01.000500001Z",
    "1970-01-01T00:00:01.000500002Z",
    "1970-01-01T00:00:02Z",
  ]);
});

Deno.test("MonotonicClock.step() carries nanoseconds into the next second", () => {
  const clock = clockOf(1999.999999);
  clock.tick();
  const stamps = [clock.text()];
  clock.step();
  stamps.push(clock.text());
  clock.step();
  stamps.push(clock.text());
  assertEquals(stamps, [
    "1970-01-01T00:00:01.999999999Z",
    "1970-01-01T00:00:02Z",
    "1970-01-01T00:00:02.000000001Z",
  ]);
  const rounded = clockOf(1999.9999999999);
  rounded.tick();
  assertEquals([rounded.seconds, rounded.nanos], [2, 0]);
});

Deno.test("MonotonicClock.format() writes canonical RFC3339Nano text", () => {
  const clock = new MonotonicClock();
  const nanos = [0, 1, 10, 100, 1000, 1001, 10_000, 120_000_000, 999_999_999, 123_456_789];
  for (const sec of [0, 1_700_000_000, 1_700_000_001]) {
    for (const nano of [...nanos, ...nanos.toReversed()]) {
      assertEquals(clock.format(sec, nano), formatTimestamp(sec, nano), `${sec} ${nano}`);
    }
  }
});

Deno.test("MonotonicClock stamps the system clock strictly increasing", () => {
  const clock = new MonotonicClock();
  let last = -1n;
  for (let i = 0; i < 10_000; i++) {
    if (i % 7 === 0) clock.tick();
    else clock.step();
    const text = clock.text();
    const nanos = timestampToNanos(text);
    assertEquals(nanosToTimestamp(nanos), text);
    assert(nanos > last, text);
    last = nanos;
  }
  const now = BigInt(Math.floor(Date.now() / 1000));
  assert(last / 1_000_000_000n >= now - 5n && last / 1_000_000_000n <= now + 5n);
});

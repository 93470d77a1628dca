import { assert, assertEquals, assertThrows } from "@std/assert";
import { Backoff, DEFAULT_BACKOFF_CAP_MS, DEFAULT_BACKOFF_INITIAL_MS } from "./backoff.ts";

Deno.test("Backoff.next() stays between the initial delay and three times the previous one", () => {
  const draws = [0, 0.999, 0.5, 0.25, 1 - 1e-9, 0.75, 0.1, 0.9];
  let i = 0;
  const backoff = new Backoff({ random: () => draws[i++ % draws.length] });
  let previous = DEFAULT_BACKOFF_INITIAL_MS;
  for (let n = 0; n < 40; n++) {
    const delay = backoff.next();
    assert(delay >= DEFAULT_BACKOFF_INITIAL_MS, `delay ${delay} below the floor`);
    assert(delay <= Math.min(DEFAULT_BACKOFF_CAP_MS, previous * 3), `delay ${delay} too long`);
    previous = delay;
  }
  assertEquals(backoff.attempt, 40);
});

Deno.test("Backoff.next() grows to the cap with the highest draws", () => {
  const backoff = new Backoff({ initialMs: 250, capMs: 10_000, random: () => 1 - 1e-12 });
  const delays = Array.from({ length: 6 }, () => backoff.next());
  assertEquals(delays, [749, 2246, 6737, 9999, 9999, 9999]);
});

Deno.test("Backoff.next() stays at the floor with the lowest draws", () => {
  const backoff = new Backoff({ initialMs: 250, random: () => 0 });
  assertEquals([backoff.next(), backoff.next(), backoff.next()], [250, 250, 250]);
});

Deno.test("Backoff.reset() starts again from the short delays", () => {
  const backoff = new Backoff({ initialMs: 100, capMs: 5000, random: () => 0.9 });
  for (let n = 0; n < 10; n++) backoff.next();
  assert(backoff.next() > 3000);
  backoff.reset();
  assertEquals(backoff.attempt, 0);
  assertEquals(backoff.next(), 280);
  assertEquals(backoff.attempt, 1);
});

Deno.test("Backoff() rejects a cap below the initial delay", () => {
  assertThrows(() => new Backoff({ initialMs: 100, capMs: 50 }), RangeError);
  assertThrows(() => new Backoff({ initialMs: -1 }), RangeError);
});

Deno.test("Backoff with a zero floor hands out zero delays when asked", () => {
  const backoff = new Backoff({ initialMs: 0, capMs: 0 });
  assertEquals([backoff.next(), backoff.next()], [0, 0]);
});

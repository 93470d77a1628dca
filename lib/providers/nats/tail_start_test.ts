import { assertEquals } from "@std/assert";
import { findTailStart } from "./tail_start.ts";

/** A seeded source of numbers in [0, 1). */
function seeded(seed: number): () => number {
  return () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

Deno.test("findTailStart() leaves exactly the last N for every layout, in few counts", async () => {
  const random = seeded(7);
  let most = 0;
  for (let round = 0; round < 200; round++) {
    const streamLength = 1 + Math.floor(random() * 200_000);
    const density = random() ** 3; // from very sparse to every message
    const clustered = random() < 0.3;
    const ours: number[] = [];
    for (let seq = 1; seq <= streamLength; seq++) {
      const inBurst = clustered && Math.floor(seq / 5000) % 7 === 0;
      if (random() < (clustered ? (inBurst ? 0.9 : density / 10) : density)) ours.push(seq);
    }
    const first = 1 + Math.floor(random() * 10);
    const held = ours.filter((s) => s >= first);
    let counts = 0;
    const count = (seq: number) => {
      counts++;
      let lo = 0, hi = held.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (held[mid] < seq) lo = mid + 1;
        else hi = mid;
      }
      return Promise.resolve(held.length - lo);
    };
    const n = 1 + Math.floor(random() * 3000);
    const { seq, skip } = await findTailStart(count, n, first, streamLength);
    assertEquals(held.filter((s) => s >= seq).slice(skip), held.slice(-n), `round ${round}`);
    assertEquals(skip <= Math.max(256, Math.min(10_000, n)), true, `round ${round}: skip ${skip}`);
    most = Math.max(most, counts);
  }
  assertEquals(most <= 40, true, `${most} counts`);
});

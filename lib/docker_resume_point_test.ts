import { assertEquals } from "@std/assert";
import { DockerResumePoint } from "./docker_resume_point.ts";

Deno.test("DockerResumePoint starts from since, or from the start", () => {
  assertEquals(new DockerResumePoint().next(), { skip: 0 });
  const since = { seconds: 50, nanos: 5 };
  assertEquals(new DockerResumePoint(since).next(), { since, skip: 0 });
});

Deno.test("DockerResumePoint skips the lines of the last seconds read", () => {
  const point = new DockerResumePoint();
  for (const second of [10, 11, 11, 12, 12, 12]) point.observe(second);
  assertEquals(point.next(), { since: { seconds: 11, nanos: 0 }, skip: 5 });
  // The next request skipped those 5; what it delivers adds to the count.
  point.observe(12);
  point.observe(13);
  assertEquals(point.next(), { since: { seconds: 12, nanos: 0 }, skip: 5 });
});

Deno.test("DockerResumePoint never moves since back", () => {
  const point = new DockerResumePoint({ seconds: 100, nanos: 500 });
  point.observe(100);
  point.observe(100);
  assertEquals(point.next(), { since: { seconds: 100, nanos: 500 }, skip: 2 });
  point.observe(Number.NEGATIVE_INFINITY);
  assertEquals(point.next().skip, 2);
});

Deno.test("DockerResumePoint coverUntil() starts the next request at that instant", () => {
  const point = new DockerResumePoint({ seconds: 5, nanos: 0 });
  point.observe(7);
  point.coverUntil({ seconds: 9, nanos: 1 });
  assertEquals(point.next(), { since: { seconds: 9, nanos: 1 }, skip: 0 });
  point.coverUntil({ seconds: 8, nanos: 0 });
  assertEquals(point.since, { seconds: 9, nanos: 1 });
});

Deno.test("DockerResumePoint is exact against a simulated append-only log", () => {
  // A log of lines stamped in whole seconds, read in pieces: each request
  // returns the lines at or after `since` in file order, minus `skip`.
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let round = 0; round < 200; round++) {
    const log: number[] = [];
    let second = 1000;
    const point = new DockerResumePoint();
    const delivered: number[] = [];
    for (let request = 0; request < 6; request++) {
      for (let n = Math.floor(random() * 6); n > 0; n--) {
        second += random() < 0.4 ? 1 : 0;
        log.push(second);
      }
      const { since, skip } = point.next();
      const answer = log.map((s, index) => ({ s, index }))
        .filter(({ s }) => since === undefined || s >= since.seconds);
      for (const { s, index } of answer.slice(skip)) {
        delivered.push(index);
        point.observe(s);
      }
    }
    assertEquals(delivered, log.map((_, index) => index), `round ${round}`);
  }
});

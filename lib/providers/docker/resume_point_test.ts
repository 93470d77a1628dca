import { assertEquals, assertNotEquals } from "@std/assert";
import { dockerLineKey, DockerResumePoint } from "./resume_point.ts";

/** A line as Podman sends it: whole-second stamp, then the text. */
const key = (second: number, text: string, output = "stdout") =>
  dockerLineKey(output, `${second} ${text}`);

Deno.test("DockerResumePoint starts from since, or from the start", () => {
  assertEquals(new DockerResumePoint().next().since, undefined);
  assertEquals(new DockerResumePoint().next().skip.size, 0);
  const since = { seconds: 50, nanos: 5 };
  assertEquals(new DockerResumePoint(since).next().since, since);
  assertEquals(new DockerResumePoint(since).next().skip.size, 0);
});

Deno.test("DockerResumePoint skips the lines of the last seconds read, by identity", () => {
  const point = new DockerResumePoint();
  for (
    const [s, t] of [[10, "a"], [11, "b"], [11, "c"], [12, "d"], [12, "d"], [12, "e"]] as const
  ) {
    point.observe(s, key(s, t));
  }
  const first = point.next();
  assertEquals(first.since, { seconds: 11, nanos: 0 });
  assertEquals(first.skip.size, 5);
  assertEquals(first.skip.take(key(10, "a")), false); // before since: never asked again
  assertEquals(first.skip.take(key(12, "d")), true);
  assertEquals(first.skip.take(key(12, "d")), true);
  assertEquals(first.skip.take(key(12, "d")), false); // delivered twice, dropped twice
  assertEquals(first.skip.take(key(12, "e", "stderr")), false); // another stream
  // What the next request delivers adds to what it skipped.
  point.observe(13, key(13, "f"));
  const second = point.next();
  assertEquals(second.since, { seconds: 12, nanos: 0 });
  assertEquals(second.skip.size, 4);
});

Deno.test("DockerResumePoint never moves since back", () => {
  const point = new DockerResumePoint({ seconds: 100, nanos: 500 });
  point.observe(100, key(100, "a"));
  point.observe(100, key(100, "b"));
  const { since, skip } = point.next();
  assertEquals([since, skip.size], [{ seconds: 100, nanos: 500 }, 2]);
  point.observe(Number.NEGATIVE_INFINITY, key(0, "x"));
  assertEquals(point.next().skip.size, 2);
});

Deno.test("DockerResumePoint coverUntil() starts the next request at that instant", () => {
  const point = new DockerResumePoint({ seconds: 5, nanos: 0 });
  point.observe(7, key(7, "a"));
  point.coverUntil({ seconds: 9, nanos: 1 });
  assertEquals(point.next().since, { seconds: 9, nanos: 1 });
  assertEquals(point.next().skip.size, 0);
  point.coverUntil({ seconds: 8, nanos: 0 });
  assertEquals(point.since, { seconds: 9, nanos: 1 });
});

Deno.test("dockerLineKey() tells stream, stamp and text apart", () => {
  const keys = new Set<number>();
  for (const output of ["stdout", "stderr"]) {
    for (let second = 0; second < 50; second++) {
      for (let i = 0; i < 200; i++) keys.add(dockerLineKey(output, `${second} line ${i}`));
    }
  }
  assertEquals(keys.size, 2 * 50 * 200);
  assertNotEquals(dockerLineKey("stdout", "1 a"), dockerLineKey("stderr", "1 a"));
  assertEquals(dockerLineKey("stdout", "1 a"), dockerLineKey("stdout", "1 a"));
});

Deno.test("DockerResumePoint is exact against a simulated log, when requests end out of file order", () => {
  // A log of lines stamped in whole seconds, with repeated texts, read in
  // pieces: each request answers the lines at or after `since` in file
  // order, minus those it skips; one that ends by itself may deliver only
  // part of its answer's end, out of order (as Podman did when a container
  // restarted at once: the next run's stderr line came, the stdout line
  // written in the same second before it did not).
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let round = 0; round < 1000; round++) {
    const log: { s: number; text: string; output: string }[] = [];
    let second = 1000;
    const point = new DockerResumePoint();
    const delivered: string[] = [];
    for (let request = 0; request < 6; request++) {
      for (let n = Math.floor(random() * 6); n > 0; n--) {
        second += random() < 0.4 ? 1 : 0;
        const output = random() < 0.3 ? "stderr" : "stdout";
        log.push({ s: second, text: `t${Math.floor(random() * 4)}`, output });
      }
      const { since, skip } = point.next();
      const answer = log.filter(({ s }) => since === undefined || s >= since.seconds)
        .filter(({ s, text, output }) => !skip.take(dockerLineKey(output, `${s} ${text}`)));
      // The request ends: when its last two lines come from the two streams in
      // the same second, they may come swapped, or the first of them not at all.
      const fate = random();
      const [a, b] = [answer.at(-2), answer.at(-1)];
      const racing = a !== undefined && b !== undefined && a.s === b.s && a.output !== b.output;
      const got = !racing || fate < 0.5
        ? answer
        : fate < 0.75
        ? [...answer.slice(0, -2), answer.at(-1)!, answer.at(-2)!]
        : [...answer.slice(0, -2), answer.at(-1)!];
      for (const { s, text, output } of got) {
        delivered.push(`${output} ${s} ${text}`);
        point.observe(s, dockerLineKey(output, `${s} ${text}`));
      }
    }
    // Whatever a final request returns, everything is delivered exactly once.
    const { since, skip } = point.next();
    for (const { s, text, output } of log) {
      if (since !== undefined && s < since.seconds) continue;
      if (!skip.take(dockerLineKey(output, `${s} ${text}`))) {
        delivered.push(`${output} ${s} ${text}`);
      }
    }
    const all = log.map(({ s, text, output }) => `${output} ${s} ${text}`);
    assertEquals(delivered.toSorted(), all.toSorted(), `round ${round}`);
  }
});

import { isGone as gone } from "../../../tests/helpers/process_state.ts";
import { assert, assertEquals, assertMatch } from "@std/assert";
import { cutMarker } from "../../streams/line_splitter.ts";
import {
  type ReplicaEvent,
  ReplicaSupervisor,
  type ReplicaSupervisorOptions,
} from "./replica_supervisor.ts";

interface Harness {
  readonly replica: ReplicaSupervisor;
  readonly lines: string[];
  readonly events: ReplicaEvent[];
  /** Resolves when a line matching `test` has arrived. */
  line(test: (line: string) => boolean): Promise<string>;
}

function harness(options: Partial<ReplicaSupervisorOptions> & { argv: string[] }): Harness {
  const lines: string[] = [];
  const events: ReplicaEvent[] = [];
  const waiting: [(line: string) => boolean, (line: string) => void][] = [];
  const replica = new ReplicaSupervisor({
    function: "fn",
    instance: "fn-abcde",
    onLines: (instance, batch) => {
      assertEquals(instance, "fn-abcde");
      for (const line of batch) {
        lines.push(line);
        for (const [test, resolve] of waiting) if (test(line)) resolve(line);
      }
    },
    onEvent: (event) => events.push(event),
    ...options,
  });
  return {
    replica,
    lines,
    events,
    line: (test) => {
      const found = lines.find(test);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve) => waiting.push([test, resolve]));
    },
  };
}

Deno.test("ReplicaSupervisor reads stdout and stderr and notes the exit", async () => {
  const h = harness({
    argv: ["sh", "-c", "echo out; echo err >&2; printf 'a\\nb\\nno newline'; exit 4"],
    restart: "never",
  });
  h.replica.start();
  await h.replica.done;
  assertEquals(
    h.lines.toSorted(),
    ["a", "b", "err", "no newline", "out"].concat(
      "[fnlogs] fn-abcde exited with code 4; not restarting (restart: never)",
    ).toSorted(),
  );
  assertEquals(
    h.lines.at(-1),
    "[fnlogs] fn-abcde exited with code 4; not restarting (restart: never)",
  );
  assertEquals(h.events.map((e) => e.type), ["started", "exited"]);
  assertEquals([h.events[1].code, h.events[1].signal, h.events[1].restartInMs], [
    4,
    null,
    undefined,
  ]);
  assertEquals([h.replica.running, h.replica.runs], [false, 1]);
});

Deno.test("ReplicaSupervisor restarts with capped exponential backoff", async () => {
  const h = harness({
    argv: ["sh", "-c", "echo run; exit 1"],
    restartDelay: { initialMs: 1, maxMs: 4 },
  });
  h.replica.start();
  let capped = 0;
  await h.line((l) => l.includes("restarting in 4ms") && ++capped === 2);
  const exits = h.events.filter((e) => e.type === "exited");
  assertEquals(exits.slice(0, 4).map((e) => e.restartInMs), [1, 2, 4, 4]);
  assertEquals(h.lines.slice(0, 2), [
    "run",
    "[fnlogs] fn-abcde exited with code 1; restarting in 1ms",
  ]);
  assertMatch(h.lines[2], /^\[fnlogs\] fn-abcde started \(pid \d+\)$/);
  await h.replica.stop();
  assert(h.replica.runs >= 4);
  assertEquals(h.replica.running, false);
});

Deno.test("ReplicaSupervisor with on-failure keeps a clean exit down", async () => {
  const h = harness({ argv: ["sh", "-c", "exit 0"], restart: "on-failure" });
  h.replica.start();
  await h.replica.done;
  assertEquals(h.lines, [
    "[fnlogs] fn-abcde exited with code 0; not restarting (restart: on-failure)",
  ]);
});

Deno.test("ReplicaSupervisor notes a command that cannot start", async () => {
  const h = harness({ argv: ["/nonexistent/program"], restart: "on-failure" });
  h.replica.start();
  await h.line((l) => l.includes("restarting in 1s"));
  await h.replica.stop();
  assertMatch(h.lines[0], /^\[fnlogs\] fn-abcde failed to start: .*; restarting in 1s$/);
  assertEquals(h.events[0].type, "failed");
  assertEquals(h.replica.runs, 0);
});

Deno.test("ReplicaSupervisor cuts long lines with the marker", async () => {
  const h = harness({
    argv: ["sh", "-c", "echo 0123456789abc; echo short"],
    restart: "never",
    maxLineLength: 10,
  });
  h.replica.start();
  await h.replica.done;
  assertEquals(h.lines.slice(0, 2), ["0123456789" + cutMarker(3), "short"]);
});

Deno.test("ReplicaSupervisor.stop() kills the process group, with SIGKILL after the grace", async () => {
  const h = harness({
    argv: ["sh", "-c", "trap '' TERM; sleep 300 & echo helper $!; while :; do sleep 1; done"],
    stopGraceMs: 50,
  });
  h.replica.start();
  const helper = Number((await h.line((l) => l.startsWith("helper "))).split(" ")[1]);
  const pid = h.replica.pid!;
  assert(!gone(pid) && !gone(helper));
  await h.replica.stop();
  assert(gone(pid), `pid ${pid} still runs`);
  assert(gone(helper), `helper ${helper} still runs`);
  assertEquals(h.lines.at(-1), "[fnlogs] fn-abcde exited on signal SIGKILL; stopped");
  assertEquals(h.replica.runs, 1);
});

Deno.test("ReplicaSupervisor kills what a replica left behind when it exits", async () => {
  const h = harness({
    argv: ["sh", "-c", "sleep 300 & echo helper $!; exit 2"],
    restart: "never",
  });
  h.replica.start();
  await h.replica.done;
  const helper = Number(h.lines.find((l) => l.startsWith("helper "))!.split(" ")[1]);
  assert(gone(helper), `helper ${helper} still runs`);
  assertEquals(
    h.lines.at(-1),
    "[fnlogs] fn-abcde exited with code 2; not restarting (restart: never)",
  );
});

Deno.test("ReplicaSupervisor notes the exit of a replica whose escaped descendant holds its pipes", async () => {
  // The helper leaves the process group (setsid), so the group kill misses
  // it, and it keeps stdout and stderr open for 30 s.
  const h = harness({
    argv: [
      "sh",
      "-c",
      "echo hi; setsid sh -c 'echo escaped $$; exec sleep 30' & sleep 0.2; exit 3",
    ],
    restart: "never",
  });
  h.replica.start();
  const escaped = Number((await h.line((l) => l.startsWith("escaped "))).split(" ")[1]);
  try {
    // (It waited for the descendant's 30 s before: no exit notice, no restart.)
    await h.replica.done;
    assertEquals(h.lines, [
      "hi",
      `escaped ${escaped}`,
      "[fnlogs] fn-abcde exited with code 3; not restarting (restart: never)",
    ]);
  } finally {
    Deno.kill(escaped, "SIGKILL");
  }
});

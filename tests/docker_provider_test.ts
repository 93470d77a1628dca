/**
 * The Docker provider against a real Podman API service (tests/podman/setup.sh).
 * Skipped, with the reason, where podman is not installed and
 * FNLOGS_TEST_DOCKER_HOST is not set.
 */
import { assert, assertEquals, assertRejects } from "@std/assert";
import { DockerProvider } from "../lib/providers/docker/provider.ts";
import { FunctionNotFoundError } from "../lib/errors.ts";
import type { LogBatch, LogRecord } from "../lib/types.ts";
import { findTestDockerHost, PodmanApi } from "./podman/podman_api.ts";

const { host, reason } = await findTestDockerHost();
const ignore = host === undefined;
if (ignore) console.warn(`tests/docker_provider_test.ts skipped: ${reason}`);

let serial = 0;
function fnName(label: string): string {
  return `t${Date.now().toString(36)}${(serial++).toString(36)}-${label}`;
}

/** Reads batches until `done(records)` holds; returns the records read. */
async function readUntil(
  reader: ReadableStreamDefaultReader<LogBatch>,
  done: (records: LogRecord[]) => boolean,
  records: LogRecord[] = [],
): Promise<LogRecord[]> {
  while (!done(records)) {
    const next = await reader.read();
    if (next.done) throw new Error(`Stream ended after ${records.map((r) => r.text)}`);
    records.push(...next.value);
  }
  return records;
}

const texts = (records: LogRecord[], instance?: string) =>
  records.filter((r) => instance === undefined || r.instance === instance).map((r) => r.text);

function provider(notices?: string[]): DockerProvider {
  return new DockerProvider({ host, onNotice: (message) => notices?.push(message) });
}

Deno.test({
  name: "DockerProvider reads history with tail over several containers, stdout and stderr",
  ignore,
}, async () => {
  await using api = new PodmanApi(host!);
  const fn = fnName("tail");
  const a = await api.create({
    name: `${fn}-a`,
    fn,
    script: "for i in 1 2 3 4 5; do echo a$i; echo e$i >&2; done",
  });
  await api.start(a);
  await api.waitStopped(a);
  // A second later: Podman 4 stamps lines in whole seconds, and lines of the
  // same second from two containers have no order.
  const b = await api.create({
    name: `${fn}-b`,
    fn,
    script: "sleep 1.1; echo b1; echo b2; echo b3",
  });
  await api.start(b);
  await api.waitStopped(b);

  const p = provider();
  try {
    const all = (await Array.fromAsync((await p.openLogs({ name: fn, follow: false })).stream))
      .flat();
    assertEquals(texts(all, `${fn}-b`), ["b1", "b2", "b3"]);
    const fromA = texts(all, `${fn}-a`);
    assertEquals(fromA.filter((t) => t.startsWith("a")), ["a1", "a2", "a3", "a4", "a5"]);
    assertEquals(fromA.filter((t) => t.startsWith("e")), ["e1", "e2", "e3", "e4", "e5"]);
    for (const r of all) {
      assertEquals([r.name, r.namespace], [fn, "openfaas-fn"]);
      assert(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(r.timestamp), r.timestamp);
    }

    const { stream, fromCursor } = await p.openLogs({ name: fn, tail: 4, follow: false });
    assertEquals(fromCursor, false);
    const last = (await Array.fromAsync(stream)).flat();
    assertEquals(texts(last).slice(1), ["b1", "b2", "b3"]);
    assert(["a5", "e5"].includes(last[0].text), last[0].text);
  } finally {
    await p.close();
  }
});

Deno.test({ name: "DockerProvider applies since", ignore }, async () => {
  await using api = new PodmanApi(host!);
  const fn = fnName("since");
  const id = await api.create({ name: `${fn}-1`, fn, script: "echo early; sleep 1.2; echo late" });
  await api.start(id);
  await api.waitStopped(id);
  const p = provider();
  try {
    const all = (await Array.fromAsync((await p.openLogs({ name: fn, follow: false })).stream))
      .flat();
    assertEquals(texts(all), ["early", "late"]);
    const since = all[1].timestamp;
    const after = (await Array.fromAsync(
      (await p.openLogs({ name: fn, follow: false, since })).stream,
    )).flat();
    assertEquals(texts(after), ["late"]);
    const none = await p.openLogs({ name: fn, follow: false, since: "2999-01-01T00:00:00Z" });
    assertEquals(await Array.fromAsync(none.stream), []);
  } finally {
    await p.close();
  }
});

Deno.test({
  name: "DockerProvider follows two containers and one that starts later",
  ignore,
}, async () => {
  await using api = new PodmanApi(host!);
  const fn = fnName("follow");
  const loop = (tag: string) =>
    `i=0; while true; do echo ${tag}$i; echo ${tag}err$i >&2; i=$((i+1)); sleep 0.05; done`;
  const a = await api.create({ name: `${fn}-a`, fn, script: loop("a") });
  const b = await api.create({ name: `${fn}-b`, fn, script: loop("b") });
  await api.start(a);
  await api.start(b);
  const notices: string[] = [];
  const p = provider(notices);
  try {
    const { stream } = await p.openLogs({ name: fn, tail: 2, follow: true });
    const reader = stream.getReader();
    const numbers = (records: LogRecord[], prefix: string) =>
      texts(records).filter((t) => new RegExp(`^${prefix}\\d+$`).test(t)).map((t) =>
        Number(t.slice(prefix.length))
      );
    const records = await readUntil(
      reader,
      (rs) => numbers(rs, "a").length >= 8 && numbers(rs, "b").length >= 8,
    );
    for (const prefix of ["a", "b", "aerr", "berr"]) {
      const seen = numbers(records, prefix);
      // Consecutive: nothing lost or repeated between history and live lines.
      for (let i = 1; i < seen.length; i++) assertEquals(seen[i], seen[i - 1] + 1, prefix);
    }
    assert(records.length >= 16);

    const c = await api.create({ name: `${fn}-c`, fn, script: "echo c-hello; sleep 0.2" });
    await api.start(c);
    await readUntil(reader, (rs) => texts(rs).includes("c-hello"), records);
    assertEquals(records.filter((r) => r.text === "c-hello")[0].instance, `${fn}-c`);
    await readUntil(reader, () => notices.includes(`Container ${fn}-c stopped`), records);
    assert(notices.includes(`Container ${fn}-c started`), String(notices));
    await reader.cancel();
  } finally {
    await p.close();
  }
});

Deno.test({
  name: "DockerProvider resumes a restarted container without loss or repeats",
  ignore,
}, async () => {
  await using api = new PodmanApi(host!);
  const fn = fnName("restart");
  const id = await api.create({
    name: `${fn}-1`,
    fn,
    script: "echo one; sleep 0.2; echo two >&2; sleep 0.4; echo three",
  });
  await api.start(id);
  const notices: string[] = [];
  const p = provider(notices);
  try {
    // Opened while it runs: followed; then it stops, starts again, stops again.
    const { stream } = await p.openLogs({ name: fn, follow: true });
    const reader = stream.getReader();
    const records = await readUntil(reader, (rs) => rs.length >= 3);
    assertEquals(texts(records), ["one", "two", "three"]);
    await api.waitStopped(id);
    await api.start(id);
    await readUntil(reader, (rs) => rs.length >= 6, records);
    assertEquals(texts(records), ["one", "two", "three", "one", "two", "three"]);
    await api.waitStopped(id);
    // Opened while it is stopped: history up to the listing, then the next run.
    const second = await p.openLogs({ name: fn, follow: true, tail: 1 });
    const reader2 = second.stream.getReader();
    const again = await readUntil(reader2, (rs) => rs.length >= 1);
    assertEquals(texts(again), ["three"]);
    await api.start(id);
    await readUntil(reader2, (rs) => rs.length >= 4, again);
    assertEquals(texts(again), ["three", "one", "two", "three"]);
    await readUntil(reader, (rs) => rs.length >= 9, records);
    assertEquals(texts(records).slice(6), ["one", "two", "three"]);
    await reader.cancel();
    await reader2.cancel();
    assert(notices.includes(`Container ${fn}-1 started`), String(notices));
  } finally {
    await p.close();
  }
});

Deno.test({
  name: "DockerProvider loses and repeats nothing when a container restarts the moment it exits",
  ignore,
}, async () => {
  // Podman's follow request of a run that stops can deliver the next run's
  // first lines out of file order (its stderr line without the stdout line
  // before it): the resume must drop exactly what was delivered, not a count.
  await using api = new PodmanApi(host!);
  const fn = fnName("instant");
  const id = await api.create({
    name: `${fn}-1`,
    fn,
    script: "echo one; echo two >&2; sleep 0.3; echo three",
  });
  await api.start(id);
  const p = provider();
  try {
    const { stream } = await p.openLogs({ name: fn, follow: true });
    const reader = stream.getReader();
    const records = await readUntil(reader, (rs) => rs.length >= 3);
    const runs = 6;
    for (let run = 1; run < runs; run++) {
      await api.waitExited(id);
      await api.start(id);
      await readUntil(reader, (rs) => rs.length >= 3 * (run + 1), records);
    }
    await reader.cancel();
    // Each run's three lines once; stdout and stderr lines of one instant in either order.
    const byRun = Array.from(
      { length: runs },
      (_, run) => texts(records.slice(3 * run, 3 * run + 3)).toSorted(),
    );
    assertEquals(byRun, Array(runs).fill(["one", "three", "two"]));
    assertEquals(records.length, 3 * runs);
  } finally {
    await p.close();
  }
});

Deno.test({
  name: "DockerProvider cancelling the stream closes every upstream request",
  ignore,
}, async () => {
  await using api = new PodmanApi(host!);
  const fn = fnName("cancel");
  const loop = "while true; do echo tick; sleep 0.05; done";
  const a = await api.create({ name: `${fn}-a`, fn, script: loop });
  const b = await api.create({ name: `${fn}-b`, fn, script: loop });
  await api.start(a);
  await api.start(b);
  const p = provider();
  try {
    for (const how of ["cancel", "abort"]) {
      const before = await api.connectionCount();
      const abort = new AbortController();
      const { stream } = await p.openLogs({ name: fn, follow: true }, { signal: abort.signal });
      const reader = stream.getReader();
      await readUntil(reader, (rs) => new Set(rs.map((r) => r.instance)).size === 2);
      const open = await api.connectionCount();
      // Two follow requests and the events request, at least.
      assert(open >= before + 3, `${how}: ${before} -> ${open}`);
      if (how === "cancel") await reader.cancel();
      else abort.abort();
      let now = open;
      for (let i = 0; i < 200 && now > open - 3; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        now = await api.connectionCount();
      }
      assert(now <= open - 3, `${how}: still ${now} connections (was ${open})`);
    }
  } finally {
    await p.close();
  }
});

Deno.test({
  name: "DockerProvider reads TTY containers and joins lines Podman cut",
  ignore,
}, async () => {
  await using api = new PodmanApi(host!);
  const fn = fnName("tty");
  const tty = await api.create({
    name: `${fn}-tty`,
    fn,
    tty: true,
    script: "echo tty line; echo second >&2",
  });
  const long = await api.create({
    name: `${fn}-long`,
    fn,
    script: "printf 'x%.0s' $(seq 1 20000); echo; echo after; echo err >&2",
  });
  await api.start(tty);
  await api.start(long);
  await api.waitStopped(tty);
  await api.waitStopped(long);
  const p = provider();
  try {
    const all = (await Array.fromAsync((await p.openLogs({ name: fn, follow: false })).stream))
      .flat();
    assertEquals(texts(all, `${fn}-tty`), ["tty line", "second"]);
    assertEquals(texts(all, `${fn}-long`).filter((t) => t !== "err"), ["x".repeat(20000), "after"]);
  } finally {
    await p.close();
  }
});

Deno.test({
  name: "DockerProvider lists functions and rejects one that does not exist",
  ignore,
}, async () => {
  await using api = new PodmanApi(host!);
  const fn = fnName("list");
  const a = await api.create({ name: `${fn}-a`, fn, script: "sleep 30" });
  await api.create({ name: `${fn}-b`, fn, script: "true" });
  await api.create({
    name: `${fn}-other-ns`,
    fn,
    labels: { "com.openfaas.namespace": "team-a" },
    script: "true",
  });
  await api.start(a);
  const p = provider();
  try {
    const listed = (await p.listFunctions(undefined)).find((f) => f.name === fn);
    assertEquals(listed?.replicas, 1);
    assertEquals(listed?.instances, [`${fn}-a`, `${fn}-b`]);
    const team = (await p.listFunctions("team-a")).find((f) => f.name === fn);
    assertEquals(team?.instances, [`${fn}-other-ns`]);
    await assertRejects(
      () => p.openLogs({ name: `${fn}-missing`, follow: true }),
      FunctionNotFoundError,
    );
    await assertRejects(
      () => p.openLogs({ name: fn, namespace: "team-b", follow: false }),
      FunctionNotFoundError,
    );
    const only = await p.openLogs({ name: fn, namespace: "team-a", follow: false });
    assertEquals(await Array.fromAsync(only.stream), []);
  } finally {
    await p.close();
  }
});

import { assert, assertEquals, assertRejects } from "@std/assert";
import { UpstreamError } from "../../errors.ts";
import { KubernetesApi } from "./api.ts";
import { KubernetesPodLogs, type KubernetesPodLogsOptions } from "./pod_logs.ts";
import type { LogBatch } from "../../types.ts";
import { FakeKubeApi } from "../../../tests/helpers/fake_kube_api.ts";

const NS = "openfaas-fn";

async function withPod(
  fn: (
    api: FakeKubeApi,
    open: (o?: Partial<KubernetesPodLogsOptions>) => KubernetesPodLogs,
  ) => Promise<void>,
): Promise<void> {
  const api = FakeKubeApi.start();
  const client = new KubernetesApi({ server: api.url });
  const stop = new AbortController();
  try {
    await fn(api, (o = {}) =>
      new KubernetesPodLogs({
        signal: stop.signal,
        api: client,
        namespace: NS,
        functionName: "env",
        pod: "env-1",
        container: "env",
        follow: true,
        backoff: { next: () => 60_000, reset() {} },
        ...o,
      }));
  } finally {
    stop.abort(); // a failed test may leave a stream open and unread
    await api.close();
  }
}

Deno.test("KubernetesPodLogs turns kubelet lines into records, one batch per chunk", async () => {
  await withPod(async (api, open) => {
    api.addPod(NS, "env-1", {
      logs: [
        ["2024-01-01T00:00:01.120000000Z", "fixed width"],
        ["2024-01-01T02:00:02.000000001+02:00", "local offset"],
        ["2024-01-01T00:00:03.000000000Z", ""],
        ["no-timestamp", "here"],
      ],
    });
    const batches = await Array.fromAsync(open({ follow: false }).stream);
    assertEquals(batches, [[
      {
        name: "env",
        namespace: NS,
        instance: "env-1",
        timestamp: "2024-01-01T00:00:01.12Z",
        text: "fixed width",
      },
      {
        name: "env",
        namespace: NS,
        instance: "env-1",
        timestamp: "2024-01-01T00:00:02.000000001Z",
        text: "local offset",
      },
      {
        name: "env",
        namespace: NS,
        instance: "env-1",
        timestamp: "2024-01-01T00:00:03Z",
        text: "",
      },
      { name: "env", namespace: NS, instance: "env-1", timestamp: "", text: "no-timestamp here" },
    ]]);
  });
});

Deno.test("KubernetesPodLogs without follow ends empty for a container not started and fails on 403", async () => {
  await withPod(async (api, open) => {
    api.addPod(NS, "env-1", { waiting: "ContainerCreating" });
    assertEquals(await Array.fromAsync(open({ follow: false }).stream), []);
    api.updatePod(NS, "env-1", { waiting: undefined, phase: "Running" });
    api.forbidden.add("get pods/log");
    const error = await assertRejects(
      () => Array.fromAsync(open({ follow: false }).stream),
      UpstreamError,
    );
    assertEquals(error.status, 403);
  });
});

Deno.test("KubernetesPodLogs cuts a deleted pod's open stream after the grace period", async () => {
  await withPod(async (api, open) => {
    api.addPod(NS, "env-1");
    const timers: (() => void)[] = [];
    const logs = open({
      setTimer: (callback) => {
        timers.push(callback);
        return () => {};
      },
      now: () => 0,
    });
    const reader = logs.stream.getReader();
    const first = reader.read();
    await api.waitFor(() => api.openLogStreams() === 1);
    api.appendLog(NS, "env-1", ["2024-01-01T00:00:01.000000000Z", "still here"]);
    assertEquals((await first).value!.map((r) => r.text), ["still here"]);
    const next = reader.read();
    logs.markGone(); // the stream stays open upstream: a partitioned node, say
    assertEquals(timers.length, 1);
    timers[0]();
    assertEquals((await next).value!.map((r) => r.text), ["[fnlogs] instance env-1 went away"]);
    assertEquals((await reader.read()).done, true);
    await api.waitFor(() => api.openLogStreams() === 0);
  });
});

Deno.test("KubernetesPodLogs reads upstream only as its reader pulls", async () => {
  await withPod(async (api, open) => {
    api.addPod(NS, "env-1");
    const reader = open().stream.getReader();
    const first = reader.read();
    await api.waitFor(() => api.openLogStreams() === 1);
    const line = "x".repeat(32 * 1024);
    for (let i = 0; i < 400; i++) {
      api.appendLog(NS, "env-1", ["2024-01-01T00:00:01.000000000Z", line]);
    }
    await first;
    // Wait until the client stops taking data: only the sockets' buffers (a
    // few MB) may fill; most of the 25 MB must stay on the server.
    let backlog = api.logBacklog("env-1"), same = 0;
    while (same < 10) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      const now = api.logBacklog("env-1");
      same = now === backlog ? same + 1 : 0;
      backlog = now;
    }
    assert(backlog > 150, `the server still holds most of the 400 chunks (holds ${backlog})`);
    let records = 1;
    while (records < 400) records += ((await reader.read()).value as LogBatch).length;
    assertEquals(records, 400);
    assertEquals(api.logBacklog("env-1"), 0);
    await reader.cancel();
    await api.waitFor(() => api.openLogStreams() === 0);
  });
});

Deno.test("KubernetesPodLogs resumes after the last line with a timestamp when the last one has none", async () => {
  await withPod(async (api, open) => {
    api.addPod(NS, "env-1", {
      logs: [
        ["2024-01-01T00:00:01.000000000Z", "one"],
        ["2024-01-01T00:00:02.000000000Z", "two"],
        ["garbage", "without a timestamp"],
      ],
    });
    const reader = open({ backoff: { next: () => 0, reset() {} } }).stream.getReader();
    const texts: string[] = [];
    while (texts.length < 3) texts.push(...(await reader.read()).value!.map((r) => r.text));
    // The connection is cut; the pod lives on and writes one more line.
    api.endLogStreams(NS, "env-1");
    api.appendLog(NS, "env-1", ["2024-01-01T00:00:03.000000000Z", "three"]);
    while (texts.length < 4) texts.push(...(await reader.read()).value!.map((r) => r.text));
    // Nothing replayed: the second request asked from "two" (it asked from the start).
    assertEquals(texts, ["one", "two", "garbage without a timestamp", "three"]);
    const logRequests = api.requests.filter((r) => r.includes("/log"));
    assertEquals(logRequests.length, 2);
    assertEquals(
      new URLSearchParams(logRequests[1].split("?")[1]).get("sinceTime"),
      "2024-01-01T00:00:02Z",
    );
    await reader.cancel();
  });
});

import { assert, assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { FunctionNotFoundError, UpstreamError } from "../lib/errors.ts";
import {
  KubernetesProvider,
  type KubernetesProviderOptions,
} from "../lib/providers/kubernetes/provider.ts";
import type { LogBatch, LogQuery, LogRecord } from "../lib/types.ts";
import { FakeKubeApi } from "./helpers/fake_kube_api.ts";

const NS = "openfaas-fn";

/** A kubelet timestamp (`RFC3339NanoFixed`, UTC) at `second` plus `nanos` past 2024-01-01T00:00. */
function ts(second: number, nanos = 0): string {
  return `2024-01-01T00:00:${String(second).padStart(2, "0")}.${String(nanos).padStart(9, "0")}Z`;
}

/** Retries wait for pod events only (a minute's delay never passes in a test). */
const EVENTS_ONLY = () => ({ next: () => 60_000, reset() {} });
/** Reconnects at once. */
const AT_ONCE = () => ({ next: () => 0, reset() {} });

async function withKube(
  fn: (api: FakeKubeApi, provider: KubernetesProvider) => Promise<void>,
  options: Partial<KubernetesProviderOptions> = {},
): Promise<void> {
  const api = FakeKubeApi.start({ token: "t0ken" });
  const provider = new KubernetesProvider({
    server: api.url,
    authorization: () => "Bearer t0ken",
    backoff: EVENTS_ONLY,
    ...options,
  });
  try {
    await fn(api, provider);
  } finally {
    await provider.close();
    await api.close();
  }
}

async function history(
  provider: KubernetesProvider,
  query: Partial<LogQuery>,
): Promise<LogRecord[]> {
  const { stream } = await provider.openLogs({ name: "env", follow: false, ...query });
  return (await Array.fromAsync(stream)).flat();
}

/** Reads records until `n` have come. */
async function take(
  reader: ReadableStreamDefaultReader<LogBatch>,
  n: number,
): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  while (out.length < n) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`stream ended after ${out.length} records`);
    out.push(...value);
  }
  return out;
}

const texts = (records: readonly LogRecord[]) => records.map((r) => r.text);

Deno.test("KubernetesProvider reads all history with neither since nor tail, fields filled", async () => {
  await withKube(async (api, provider) => {
    api.addPod(NS, "env-a", { logs: [[ts(1, 5000), "one"], [ts(2), "two"]] });
    const records = await history(provider, {});
    assertEquals(records, [
      {
        name: "env",
        namespace: NS,
        instance: "env-a",
        timestamp: "2024-01-01T00:00:01.000005Z",
        text: "one",
      },
      {
        name: "env",
        namespace: NS,
        instance: "env-a",
        timestamp: "2024-01-01T00:00:02Z",
        text: "two",
      },
    ]);
    const logRequest = api.requests.find((r) => r.includes("/log?"))!;
    assertEquals(
      logRequest,
      "/api/v1/namespaces/openfaas-fn/pods/env-a/log?container=env&timestamps=true",
    );
  });
});

Deno.test("KubernetesProvider applies since to the nanosecond and tail across pods", async () => {
  await withKube(async (api, provider) => {
    api.addPod(NS, "env-a", { logs: [[ts(1, 100), "a1"], [ts(1, 300), "a2"], [ts(3), "a3"]] });
    api.addPod(NS, "env-b", { logs: [[ts(1, 200), "b1"], [ts(2), "b2"]] });
    // sinceTime reaches the server as whole seconds; the nanoseconds are filtered here.
    assertEquals(texts(await history(provider, { since: "2024-01-01T00:00:01.0000002Z" })), [
      "b1",
      "a2",
      "b2",
      "a3",
    ]);
    assert(api.requests.some((r) => r.includes("sinceTime=2024-01-01T00%3A00%3A01Z")));
    // The last 3 lines of the function, not 3 per pod.
    assertEquals(texts(await history(provider, { tail: 3 })), ["a2", "b2", "a3"]);
    assertEquals(
      texts(await history(provider, { tail: 2, since: "2024-01-01T01:00:00.5+01:00" })),
      [
        "b2",
        "a3",
      ],
    );
    assertEquals(texts(await history(provider, { instance: "env-b" })), ["b1", "b2"]);
  });
});

Deno.test("KubernetesProvider follows two pods merged in timestamp order", async () => {
  await withKube(async (api, provider) => {
    api.addPod(NS, "env-a");
    api.addPod(NS, "env-b");
    const { stream } = await provider.openLogs({ name: "env", follow: true });
    const reader = stream.getReader();
    const first = take(reader, 4);
    await api.waitFor(() => api.openLogStreams() === 2);
    api.appendLog(NS, "env-a", [ts(1), "a1"], [ts(3), "a3"]);
    api.appendLog(NS, "env-b", [ts(2), "b2"], [ts(4), "b4"]);
    api.appendLog(NS, "env-a", [ts(5), "a5"]);
    assertEquals(texts(await first), ["a1", "b2", "a3", "b4"]);
    await reader.cancel();
  }, { reorderWindowMs: 10_000 });
});

Deno.test("KubernetesProvider follows a pod that appears later and resumes a cut stream exactly", async () => {
  await withKube(async (api, provider) => {
    api.addPod(NS, "env-a", { logs: [[ts(1), "old"]] });
    const { stream } = await provider.openLogs({ name: "env", follow: true, tail: 1 });
    const reader = stream.getReader();
    assertEquals(texts(await take(reader, 1)), ["old"]);
    // Log requests are made while the reader waits for records.
    const next = take(reader, 1);
    api.addPod(NS, "env-b");
    await api.waitFor(() => api.openLogStreams("env-b") === 1);
    api.appendLog(NS, "env-b", [ts(2), "new pod"]);
    assertEquals(texts(await next), ["new pod"]);
    // Two lines in the same nanosecond, then the connection is cut: nothing lost, nothing repeated.
    api.appendLog(NS, "env-b", [ts(3, 7), "same 1"], [ts(3, 7), "same 2"]);
    assertEquals(texts(await take(reader, 2)), ["same 1", "same 2"]);
    const rest = take(reader, 2);
    api.endLogStreams(NS, "env-b");
    await api.waitFor(() => api.openLogStreams("env-b") === 1);
    api.appendLog(NS, "env-b", [ts(3, 7), "same 3"], [ts(4), "after"]);
    assertEquals(texts(await rest), ["same 3", "after"]);
    assert(
      api.requests.some((r) =>
        r.includes("env-b/log?") && r.includes("sinceTime=2024-01-01T00%3A00%3A03Z")
      ),
    );
    await reader.cancel();
  }, { reorderWindowMs: 0, backoff: AT_ONCE });
});

Deno.test("KubernetesProvider retries a pod whose container had not started", async () => {
  await withKube(async (api, provider) => {
    api.addPod(NS, "env-a", { waiting: "ContainerCreating" });
    api.addPod(NS, "env-b", { scheduled: false });
    const { stream } = await provider.openLogs({ name: "env", follow: true });
    const reader = stream.getReader();
    const logsOf = (pod: string) => api.requests.filter((r) => r.includes(`/${pod}/log?`)).length;
    const records = take(reader, 2);
    await api.waitFor(() =>
      logsOf("env-a") === 1 && logsOf("env-b") === 1 && api.openWatches === 1
    );
    api.updatePod(NS, "env-a", { phase: "Running", waiting: undefined });
    api.updatePod(NS, "env-b", { phase: "Running", scheduled: true });
    await api.waitFor(() => api.openLogStreams() === 2);
    api.appendLog(NS, "env-a", [ts(1), "a started"]);
    api.appendLog(NS, "env-b", [ts(2), "b started"]);
    assertEquals(texts(await records), ["a started", "b started"]);
    await reader.cancel();
  }, { reorderWindowMs: 0 });
});

Deno.test("KubernetesProvider says when a pod went away", async () => {
  await withKube(async (api, provider) => {
    api.addPod(NS, "env-a");
    const { stream } = await provider.openLogs({ name: "env", follow: true });
    const reader = stream.getReader();
    const records = take(reader, 2);
    await api.waitFor(() => api.openLogStreams() === 1 && api.openWatches === 1);
    api.appendLog(NS, "env-a", [ts(1), "last words"]);
    api.deletePod(NS, "env-a");
    const [last, notice] = await records;
    assertEquals(last.text, "last words");
    assertEquals({ ...notice, timestamp: "" }, {
      name: "env",
      namespace: NS,
      instance: "env-a",
      timestamp: "",
      text: "[fnlogs] instance env-a went away",
    });
    assertEquals(notice.timestamp, "2024-01-01T00:01:00.5Z");
    await reader.cancel();
  }, { reorderWindowMs: 0, now: () => Date.UTC(2024, 0, 1, 0, 1, 0, 500) });
});

Deno.test("KubernetesProvider ends a pod that finished and does not follow it again", async () => {
  await withKube(async (api, provider) => {
    api.addPod(NS, "env-a");
    const { stream } = await provider.openLogs({ name: "env", follow: true });
    const reader = stream.getReader();
    const records = take(reader, 2);
    await api.waitFor(() => api.openLogStreams() === 1 && api.openWatches === 1);
    api.appendLog(NS, "env-a", [ts(1), "done"]);
    api.updatePod(NS, "env-a", { phase: "Succeeded" });
    api.endLogStreams(NS, "env-a"); // the container exited
    assertEquals(texts(await records), ["done", "[fnlogs] instance env-a went away"]);
    const asked = api.requests.filter((r) => r.includes("/env-a/log?")).length;
    api.updatePod(NS, "env-a", { phase: "Succeeded" }); // MODIFIED again, as on deletion
    const next = take(reader, 1);
    api.addPod(NS, "env-b"); // a later event on the same watch
    await api.waitFor(() => api.openLogStreams("env-b") === 1);
    assertEquals(api.requests.filter((r) => r.includes("/env-a/log?")).length, asked);
    api.appendLog(NS, "env-b", [ts(2), "b"]);
    assertEquals(texts(await next), ["b"]);
    await reader.cancel();
  }, { reorderWindowMs: 0, backoff: AT_ONCE });
});

Deno.test("KubernetesProvider re-lists after the watch's resource version expired", async () => {
  await withKube(async (api, provider) => {
    api.addPod(NS, "env-a");
    const { stream } = await provider.openLogs({ name: "env", follow: true });
    const reader = stream.getReader();
    const next = take(reader, 1);
    await api.waitFor(() => api.openWatches === 1 && api.openLogStreams() === 1);
    api.endWatches();
    api.addPod(NS, "env-b");
    api.compact();
    await api.waitFor(() => api.openLogStreams("env-b") === 1 && api.openWatches === 1);
    assert(
      api.requests.filter((r) => r.endsWith("pods?labelSelector=faas_function%3Denv")).length >= 2,
    );
    api.appendLog(NS, "env-b", [ts(1), "found by the re-list"]);
    assertEquals(texts(await next), ["found by the re-list"]);
    await reader.cancel();
  }, { reorderWindowMs: 0 });
});

Deno.test("KubernetesProvider cancel, abort and close end every upstream request", async () => {
  await withKube(async (api, provider) => {
    api.addPod(NS, "env-a");
    api.addPod(NS, "env-b", { waiting: "ContainerCreating" });
    api.addPod(NS, "env-c");
    const open = () => api.waitFor(() => api.openLogStreams() === 2 && api.openWatches === 1);
    const closed = () => api.waitFor(() => api.openLogStreams() === 0 && api.openWatches === 0);

    const first = (await provider.openLogs({ name: "env", follow: true })).stream.getReader();
    const reading = first.read();
    await open();
    await first.cancel();
    await closed();
    assertEquals(await reading, { done: true, value: undefined });

    const abort = new AbortController();
    const second = await provider.openLogs({ name: "env", follow: true }, { signal: abort.signal });
    const pending = second.stream.getReader().read().catch((error: Error) => error.message);
    await open();
    abort.abort(new Error("client went away"));
    await closed();
    assertEquals(await pending, "client went away");

    const third = await provider.openLogs({ name: "env", follow: true });
    const more = third.stream.getReader().read().catch((error: Error) => error.name);
    await open();
    await provider.close();
    await closed();
    assertEquals(await more, "AbortError");
  });
});

Deno.test("KubernetesProvider reports missing functions and refused requests", async () => {
  await withKube(async (api, provider) => {
    await assertRejects(() => history(provider, { name: "nope" }), FunctionNotFoundError);
    await assertRejects(
      () => history(provider, { namespace: "no-such-ns" }),
      FunctionNotFoundError,
    );
    // Names no Kubernetes object can have are not sent into a label selector.
    await assertRejects(() => history(provider, { name: "env,x!=1" }), FunctionNotFoundError);
    await assertRejects(() => history(provider, { namespace: "Bad_NS" }), FunctionNotFoundError);
    api.addDeployment(NS, "env", 0);
    assertEquals(await history(provider, {}), []); // scaled to zero
    api.addPod(NS, "env-a", { logs: [[ts(1), "x"]] });
    api.forbidden.add("get pods/log");
    const error = await assertRejects(() => history(provider, { tail: 5 }), UpstreamError);
    assertEquals(error.status, 403);
    assertStringIncludes(
      error.message,
      `pods "env-a" is forbidden: User "system:serviceaccount:openfaas:fnlogs" cannot get resource "pods/log"`,
    );
    api.forbidden.add("list pods");
    const listError = await assertRejects(() => history(provider, {}), UpstreamError);
    assertStringIncludes(listError.message, "403 Forbidden: pods is forbidden");
  });
  await withKube(async (api, provider) => {
    api.addPod(NS, "env-a");
    const error = await assertRejects(() => history(provider, {}), UpstreamError);
    assertEquals([error.status, error.message], [
      401,
      "Kubernetes API answered 401 Unauthorized: Unauthorized",
    ]);
  }, { authorization: () => "Bearer wrong" });
});

Deno.test("KubernetesProvider fails a follow whose watch is refused", async () => {
  await withKube(async (api, provider) => {
    api.addPod(NS, "env-a");
    api.forbidden.add("watch pods");
    const { stream } = await provider.openLogs({ name: "env", follow: true });
    const error = await assertRejects(() => Array.fromAsync(stream), UpstreamError);
    assertStringIncludes(error.message, 'cannot watch resource "pods"');
    await api.waitFor(() => api.openLogStreams() === 0);
  });
});

Deno.test("KubernetesProvider lists functions from their deployments", async () => {
  await withKube(async (api, provider) => {
    api.addDeployment(NS, "env", 2, 1);
    api.addDeployment(NS, "cows", 0);
    api.addPod(NS, "env-a");
    const functions = await provider.listFunctions(undefined);
    assertEquals(functions.map((f) => [f.name, f.replicas, f.availableReplicas, f.instances]), [
      ["cows", 0, 0, []],
      ["env", 2, 1, ["env-a"]],
    ]);
    assertEquals(functions[1].image, "ghcr.io/openfaas/env:latest");
  });
});

import { assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { UpstreamError } from "../../errors.ts";
import { KubernetesApi } from "./api.ts";
import { type PodEvent, watchPods } from "./pod_watch.ts";
import { FakeKubeApi } from "../../../tests/helpers/fake_kube_api.ts";

const NS = "openfaas-fn";

/** Client-side conditions, checked whenever the watch reports something (`check`). */
function conditions() {
  let pending = () => {};
  return {
    check: () => pending(),
    until: (predicate: () => boolean) =>
      new Promise<void>((resolve) => {
        pending = () => void (predicate() && resolve());
        pending();
      }),
  };
}

Deno.test("watchPods() resumes where the server ended it and re-lists after 410 Gone", async () => {
  const api = FakeKubeApi.start();
  const abort = new AbortController();
  const events: string[] = [];
  const relists: string[][] = [];
  const { check, until } = conditions();
  try {
    api.addPod(NS, "env-a");
    api.addPod(NS, "other-x"); // another function: not selected
    const list = await (await fetch(`${api.url}/api/v1/namespaces/${NS}/pods`)).json();
    const done = watchPods({
      api: new KubernetesApi({ server: api.url }),
      namespace: NS,
      labelSelector: "faas_function=env",
      resourceVersion: list.metadata.resourceVersion,
      signal: abort.signal,
      onEvent: ({ type, pod }: PodEvent) => {
        events.push(`${type} ${pod.metadata.name}`);
        check();
      },
      onRelist: (pods) => {
        relists.push(pods.map((p) => p.metadata.name));
        check();
      },
      backoff: { next: () => 60_000, reset() {} },
    });
    await api.waitFor(() => api.openWatches === 1);
    api.addPod(NS, "env-b");
    api.updatePod(NS, "env-a", { phase: "Succeeded" });
    await until(() => events.length === 2);
    // The server ends the watch; the next one starts after the last event seen.
    api.endWatches();
    api.deletePod(NS, "env-a");
    await until(() => events.length === 3);
    assertEquals(events, ["ADDED env-b", "MODIFIED env-a", "DELETED env-a"]);
    // Events the watch missed and can no longer replay: a new list.
    api.endWatches();
    api.addPod(NS, "env-c");
    api.compact();
    await until(() => relists.length === 1);
    await api.waitFor(() => api.openWatches === 1);
    assertEquals(relists, [["env-b", "env-c"]]);
    abort.abort();
    await done;
    await api.waitFor(() => api.openWatches === 0);
  } finally {
    abort.abort();
    await api.close();
  }
});

Deno.test("watchPods() rejects when the watch is forbidden", async () => {
  const api = FakeKubeApi.start();
  try {
    api.forbidden.add("watch pods");
    const error = await assertRejects(
      () =>
        watchPods({
          api: new KubernetesApi({ server: api.url }),
          namespace: NS,
          labelSelector: "faas_function=env",
          resourceVersion: "1",
          signal: new AbortController().signal,
          onEvent: () => {},
          onRelist: () => {},
        }),
      UpstreamError,
    );
    assertEquals(error.status, 403);
    assertStringIncludes(
      error.message,
      `cannot watch resource "pods" in API group "" in the namespace "${NS}"`,
    );
  } finally {
    await api.close();
  }
});

Deno.test("watchPods() lists again after a failed re-list, reads a 100 KB pod event whole, and asks for a timeout", async () => {
  const api = FakeKubeApi.start();
  const abort = new AbortController();
  const events: string[] = [];
  const relists: string[][] = [];
  const notices: string[] = [];
  const { check, until } = conditions();
  let failLists = 0;
  const lists: string[] = [];
  const fetchFn: typeof fetch = (input, init) => {
    const url = new URL(String(input));
    if (url.pathname.endsWith("/pods") && !url.searchParams.has("watch")) {
      lists.push(url.search);
      if (failLists > 0) {
        failLists--;
        return Promise.reject(new TypeError("connection reset"));
      }
    }
    return fetch(input, init);
  };
  try {
    api.addPod(NS, "env-a");
    const list = await (await fetch(`${api.url}/api/v1/namespaces/${NS}/pods`)).json();
    const done = watchPods({
      api: new KubernetesApi({ server: api.url, fetch: fetchFn }),
      namespace: NS,
      labelSelector: "faas_function=env",
      resourceVersion: list.metadata.resourceVersion,
      signal: abort.signal,
      onEvent: ({ type, pod }: PodEvent) => {
        events.push(`${type} ${pod.metadata.name}`);
        check();
      },
      onRelist: (pods) => {
        relists.push(pods.map((p) => p.metadata.name));
        check();
      },
      onNotice: (m) => notices.push(m),
      backoff: { next: () => 1, reset() {} },
    });
    await api.waitFor(() => api.openWatches === 1);
    const watch = new URL(api.requests.findLast((r) => r.includes("watch=1"))!, api.url);
    const timeout = Number(watch.searchParams.get("timeoutSeconds"));
    assertEquals(timeout >= 300 && timeout < 600, true, `timeoutSeconds=${timeout}`);
    // A pod with 100 KB of annotations (sidecar injection, big configs): its
    // ADDED event is one line longer than 64 KiB.
    api.addPod(NS, "env-big", { annotations: { "example.com/config": "x".repeat(100_000) } });
    await until(() => events.length === 1);
    assertEquals(events, ["ADDED env-big"]);
    // The watch expires and the first two lists fail (an API server restarting).
    failLists = 2;
    api.endWatches();
    api.addPod(NS, "env-c");
    api.compact();
    await until(() => relists.length === 1);
    assertEquals(relists, [["env-a", "env-big", "env-c"]]);
    assertEquals(lists.length, 3);
    assertEquals(
      notices.filter((m) => m.includes("listing pods again failed")).length,
      2,
      notices.join("\n"),
    );
    abort.abort();
    await done;
  } finally {
    abort.abort();
    await api.close();
  }
});

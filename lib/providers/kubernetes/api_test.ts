import { assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { UpstreamError } from "../../errors.ts";
import { KubernetesApi } from "./api.ts";
import { FakeKubeApi } from "../../../tests/helpers/fake_kube_api.ts";

Deno.test("KubernetesApi.readStatus() reads the API server's Status body", async () => {
  const api = FakeKubeApi.start();
  try {
    const client = new KubernetesApi({ server: api.url });
    const response = await client.get("/api/v1/namespaces/ns/pods/nope/log");
    assertEquals(response.status, 404);
    assertEquals(await client.readStatus(response), {
      message: `pods "nope" not found`,
      reason: "NotFound",
    });
    const error = await assertRejects(
      () => client.getJson("/apis/apps/v1/namespaces/ns/deployments/nope"),
      UpstreamError,
    );
    assertEquals(error.status, 404);
    assertEquals(
      error.message,
      `Kubernetes API answered 404 Not Found: deployments.apps "nope" not found`,
    );
  } finally {
    await api.close();
  }
});

Deno.test("KubernetesApi.get() retries once with fresh credentials after a 401", async () => {
  const api = FakeKubeApi.start({ token: "new" });
  try {
    let token = "expired";
    const client = new KubernetesApi({
      server: api.url,
      authorization: () => `Bearer ${token}`,
      onUnauthorized: () => token = "new",
    });
    const list = await client.getJson<{ kind: string }>("/api/v1/namespaces/ns/pods");
    assertEquals(list.kind, "PodList");
    assertEquals(api.requests.length, 2);
  } finally {
    await api.close();
  }
});

Deno.test("KubernetesApi.get() says which server it cannot reach", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const server = `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`;
  listener.close();
  const client = new KubernetesApi({ server, connectHint: "is the cluster up?" });
  const error = await assertRejects(() => client.get("/api"), UpstreamError);
  assertStringIncludes(error.message, `Cannot reach the Kubernetes API at ${server}: `);
  assertStringIncludes(error.message, "(is the cluster up?)");
  const abort = new AbortController();
  abort.abort(new Error("stop"));
  await assertRejects(() => client.get("/api", {}, { signal: abort.signal }), Error, "stop");
});

Deno.test("KubernetesApi: a request given up while its credential is fetched ends at once", async () => {
  let asked = 0;
  const api = new KubernetesApi({
    server: "http://127.0.0.1:9",
    // A credential plugin that never answers.
    authorization: () => {
      asked++;
      return new Promise<string>(() => {});
    },
  });
  const controller = new AbortController();
  const request = api.get("/api/v1/namespaces", {}, { signal: controller.signal });
  controller.abort(new DOMException("the client went away", "AbortError"));
  await assertRejects(() => request, DOMException, "the client went away");
  assertEquals(asked, 1);
});

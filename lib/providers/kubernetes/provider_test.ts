import { assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { UpstreamError } from "../../errors.ts";
import { KubeConfig } from "./kube_config.ts";
import { DEFAULT_KUBERNETES_NAMESPACE, KubernetesProvider } from "./provider.ts";
import { FakeKubeApi, TEST_TLS } from "../../../tests/helpers/fake_kube_api.ts";

function kubeconfigFor(server: string, extra = ""): string {
  return `apiVersion: v1
kind: Config
current-context: fake
clusters:
- name: fake
  cluster:
    server: ${server}
    certificate-authority-data: ${btoa(TEST_TLS.ca)}${extra}
contexts:
- name: fake
  context: { cluster: fake, user: fake }
users:
- name: fake
  user: { token: s3cr3t }
`;
}

Deno.test("KubernetesProvider.fromKubeConfig() talks TLS with the kubeconfig's CA and token", async () => {
  const api = FakeKubeApi.start({
    token: "s3cr3t",
    cert: TEST_TLS.serverCert,
    key: TEST_TLS.serverKey,
  });
  const provider = await KubernetesProvider.fromKubeConfig(
    await KubeConfig.fromKubeconfig(kubeconfigFor(api.url)),
  );
  try {
    assertEquals(
      [provider.kind, provider.defaultNamespace, provider.resumesByCursor],
      ["kubernetes", DEFAULT_KUBERNETES_NAMESPACE, false],
    );
    api.addPod("openfaas-fn", "env-1", { logs: [["2024-01-01T00:00:01.500000000Z", "hello"]] });
    const { stream, fromCursor } = await provider.openLogs({ name: "env", follow: false });
    assertEquals(fromCursor, false);
    assertEquals((await Array.fromAsync(stream)).flat().map((r) => [r.timestamp, r.text]), [
      ["2024-01-01T00:00:01.5Z", "hello"],
    ]);
  } finally {
    await provider.close();
    await api.close();
  }
});

Deno.test("KubernetesProvider.fromKubeConfig() explains insecure-skip-tls-verify when TLS fails", async () => {
  const api = FakeKubeApi.start({ cert: TEST_TLS.serverCert, key: TEST_TLS.serverKey });
  const yaml = kubeconfigFor(api.url).replace(
    /certificate-authority-data: .*/,
    "insecure-skip-tls-verify: true",
  );
  const provider = await KubernetesProvider.fromKubeConfig(await KubeConfig.fromKubeconfig(yaml));
  try {
    const error = await assertRejects(() => provider.listFunctions(undefined), UpstreamError);
    assertStringIncludes(error.message, `Cannot reach the Kubernetes API at ${api.url}`);
    assertStringIncludes(error.message, "--unsafely-ignore-certificate-errors=127.0.0.1");
  } finally {
    await provider.close();
    await api.close();
  }
});

Deno.test("KubernetesProvider: a history across pods is in timestamp order whichever pod answers first", async () => {
  const api = FakeKubeApi.start();
  const ts = (s: number) => `2024-01-01T00:00:0${s}.000000000Z`;
  api.addPod("openfaas-fn", "env-a", { logs: [[ts(1), "a1"], [ts(3), "a3"]] });
  api.addPod("openfaas-fn", "env-b", { logs: [[ts(2), "b2"], [ts(4), "b4"]] });
  // env-a's kubelet is slow: its lines come only after env-b's answer ended.
  let bEnded: () => void = () => {};
  const bDone = new Promise<void>((resolve) => bEnded = resolve);
  const slowA: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const url = String(input);
    if (url.includes("/pods/env-b/log")) {
      return new Response(response.body!.pipeThrough(new TransformStream({ flush: bEnded })));
    }
    if (!url.includes("/pods/env-a/log")) return response;
    const held = new TransformStream<Uint8Array, Uint8Array>({
      async transform(chunk, controller) {
        await bDone;
        controller.enqueue(chunk);
      },
    });
    return new Response(response.body!.pipeThrough(held));
  };
  // No reorder window at all: a history must not need one.
  const provider = new KubernetesProvider({ server: api.url, fetch: slowA, reorderWindowMs: 0 });
  try {
    for (const tail of [undefined, 100]) {
      const { stream } = await provider.openLogs({ name: "env", follow: false, tail });
      assertEquals(
        (await Array.fromAsync(stream)).flat().map((r) => r.text),
        ["a1", "b2", "a3", "b4"],
        `tail ${tail}`,
      );
    }
  } finally {
    await provider.close();
    await api.close();
  }
});

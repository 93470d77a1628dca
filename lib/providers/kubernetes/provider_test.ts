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

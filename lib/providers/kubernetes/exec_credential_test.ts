import { assertEquals, assertRejects } from "@std/assert";
import { UpstreamError } from "../../errors.ts";
import { KubernetesExecCredential } from "./exec_credential.ts";
import { isGone } from "../../../tests/helpers/process_state.ts";

Deno.test("KubernetesExecCredential runs a real plugin with KUBERNETES_EXEC_INFO", async () => {
  const plugin = new KubernetesExecCredential({
    apiVersion: "client.authentication.k8s.io/v1beta1",
    command: "sh",
    args: [
      "-c",
      `case "$KUBERNETES_EXEC_INFO" in *'"interactive":false'*) ;; *) exit 3 ;; esac
printf '{"kind":"ExecCredential","status":{"token":"%s"}}' "$PREFIX-token"`,
    ],
    env: { PREFIX: "eks" },
  });
  assertEquals(await plugin.get(), {
    token: "eks-token",
    cert: undefined,
    key: undefined,
    expires: Infinity,
  });
});

Deno.test("KubernetesExecCredential runs the plugin once for concurrent requests", async () => {
  let runs = 0;
  const plugin = new KubernetesExecCredential(
    { apiVersion: "client.authentication.k8s.io/v1", command: "p", args: [], env: {} },
    {
      runCommand: async () => {
        runs++;
        await Promise.resolve();
        return { code: 0, stderr: "", stdout: '{"status":{"token":"t"}}' };
      },
    },
  );
  await Promise.all([plugin.get(), plugin.get(), plugin.get()]);
  assertEquals(runs, 1);
  plugin.invalidate();
  await plugin.get();
  assertEquals(runs, 2);
});

Deno.test("KubernetesExecCredential rejects output without a credential", async () => {
  const plugin = new KubernetesExecCredential(
    { apiVersion: "client.authentication.k8s.io/v1", command: "p", args: [], env: {} },
    { runCommand: () => Promise.resolve({ code: 0, stderr: "", stdout: "not json" }) },
  );
  await assertRejects(() => plugin.get(), UpstreamError, "Cannot parse the output");
  const missing = new KubernetesExecCredential(
    {
      apiVersion: "client.authentication.k8s.io/v1",
      command: "nope-no-such-plugin",
      args: [],
      env: {},
    },
  );
  await assertRejects(() => missing.get(), UpstreamError, `Cannot run the exec credential plugin`);
});

Deno.test("KubernetesExecCredential stops a plugin that does not answer, with the reason", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const plugin = new KubernetesExecCredential({
      apiVersion: "client.authentication.k8s.io/v1",
      command: "sh",
      // Waits for a login nobody types.
      args: ["-c", `echo $$ > ${dir}/pid; exec sleep 30`],
      env: {},
    }, { timeoutMs: 300 });
    await assertRejects(
      () => plugin.get(),
      UpstreamError,
      `Cannot run the exec credential plugin "sh": it did not answer within 0.3 s and was stopped`,
    );
    const pid = Number(await Deno.readTextFile(`${dir}/pid`));
    assertEquals(isGone(pid), true, `the plugin (pid ${pid}) still runs`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

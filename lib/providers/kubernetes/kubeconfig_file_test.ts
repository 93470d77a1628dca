import { assertEquals, assertRejects } from "@std/assert";
import { InvalidInputError } from "../../errors.ts";
import { resolveKubeconfig } from "./kubeconfig_file.ts";

const CLUSTER = `clusters: [{ name: c, cluster: { server: "https://k8s:6443" } }]`;

Deno.test("resolveKubeconfig() resolves paths against the file that names them", async () => {
  const init = await resolveKubeconfig([
    {
      path: "/etc/kube/config",
      text: `${CLUSTER}
current-context: ops
contexts: [{ name: ops, context: { cluster: c, user: robot, namespace: fns } }]
users:
- name: robot
  user:
    tokenFile: ../secrets/token
    exec: { command: ./bin/login, args: [--quiet], env: [{ name: MODE, value: ci }] }
`,
    },
  ]);
  assertEquals(init, {
    server: "https://k8s:6443",
    namespace: "fns",
    source: "kubeconfig /etc/kube/config, context ops",
    caCerts: [],
    insecureSkipTlsVerify: false,
    proxyUrl: undefined,
    clientCert: undefined,
    clientKey: undefined,
    token: undefined,
    tokenFile: "/etc/secrets/token",
    username: undefined,
    password: undefined,
    exec: {
      apiVersion: "client.authentication.k8s.io/v1",
      command: "/etc/kube/bin/login",
      args: ["--quiet"],
      env: { MODE: "ci" },
    },
  });
});

Deno.test("resolveKubeconfig() names what is missing or unusable", async () => {
  const resolve = (text: string, context?: string) =>
    resolveKubeconfig([{ path: "/k", text }], { context });
  await assertRejects(() => resolve(CLUSTER), InvalidInputError, `no current-context`);
  await assertRejects(
    () => resolve(CLUSTER, "dev"),
    InvalidInputError,
    `Cannot find context "dev"`,
  );
  await assertRejects(
    () => resolve(`contexts: [{ name: dev, context: { cluster: other } }]`, "dev"),
    InvalidInputError,
    `Cannot find the server of cluster "other" (context "dev")`,
  );
  await assertRejects(() => resolve("- a list"), InvalidInputError, `Cannot parse kubeconfig "/k"`);
  await assertRejects(
    () =>
      resolve(
        `${CLUSTER}
contexts: [{ name: dev, context: { cluster: c, user: u } }]
users: [{ name: u, user: { auth-provider: { name: gcp, config: {} } } }]`,
        "dev",
      ),
    InvalidInputError,
    `Cannot use auth-provider "gcp" of context "dev"`,
  );
});

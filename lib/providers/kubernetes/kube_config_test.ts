import { assert, assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { InvalidInputError, UpstreamError } from "../../errors.ts";
import { KubeConfig } from "./kube_config.ts";
import type { RunCommand } from "./exec_credential.ts";
import { TEST_TLS } from "../../../tests/helpers/fake_kube_api.ts";

const b64 = (text: string) => btoa(text);

/** A kubeconfig in the shape `kubectl config view --raw` writes. */
function kubeconfig(): string {
  return `apiVersion: v1
kind: Config
preferences: {}
current-context: token-ctx
clusters:
- name: with-ca
  cluster:
    certificate-authority-data: ${b64(TEST_TLS.ca)}
    server: https://127.0.0.1:6443
- name: ca-file
  cluster:
    certificate-authority: certs/ca.crt
    server: https://kube.example:443/
- name: insecure
  cluster:
    insecure-skip-tls-verify: true
    server: https://10.0.0.9:6443
contexts:
- name: token-ctx
  context:
    cluster: with-ca
    namespace: team-a
    user: token-user
- name: cert-ctx
  context:
    cluster: ca-file
    user: cert-user
- name: file-ctx
  context:
    cluster: insecure
    user: file-user
- name: basic-ctx
  context:
    cluster: insecure
    user: basic-user
- name: broken
  context:
    cluster: missing
    user: token-user
users:
- name: token-user
  user:
    token: abc.def.ghi
- name: cert-user
  user:
    client-certificate-data: ${b64(TEST_TLS.clientCert)}
    client-key: keys/client.key
- name: file-user
  user:
    tokenFile: token.txt
- name: basic-user
  user:
    username: admin
    password: s3cret
`;
}

function files(map: Record<string, string>): (path: string) => Promise<string> {
  return (path) =>
    path in map ? Promise.resolve(map[path]) : Promise.reject(new Deno.errors.NotFound(path));
}

Deno.test("KubeConfig.fromKubeconfig() reads the current context: server, CA data, token, namespace", async () => {
  const config = await KubeConfig.fromKubeconfig(kubeconfig(), { path: "/home/u/.kube/config" });
  assertEquals(config.server, "https://127.0.0.1:6443");
  assertEquals(config.namespace, "team-a");
  assertEquals(config.caCerts, [TEST_TLS.ca]);
  assertEquals(config.insecureSkipTlsVerify, false);
  assertEquals(config.source, "kubeconfig /home/u/.kube/config, context token-ctx");
  assertEquals(await config.authorization(), "Bearer abc.def.ghi");
});

Deno.test("KubeConfig.fromKubeconfig() resolves files relative to the kubeconfig and reads client certificates", async () => {
  const config = await KubeConfig.fromKubeconfig(kubeconfig(), {
    path: "/home/u/.kube/config",
    context: "cert-ctx",
    readTextFile: files({
      "/home/u/.kube/certs/ca.crt": TEST_TLS.ca,
      "/home/u/.kube/keys/client.key": TEST_TLS.clientKey,
    }),
  });
  assertEquals(config.server, "https://kube.example:443");
  assertEquals(config.namespace, undefined);
  assertEquals(config.caCerts, [TEST_TLS.ca]);
  assertEquals(config.clientCert, TEST_TLS.clientCert);
  assertEquals(config.clientKey, TEST_TLS.clientKey);
  assertEquals(await config.authorization(), undefined);
  const client = await config.createHttpClient();
  assert(client !== undefined);
  client!.close();
});

Deno.test("KubeConfig reads token files again after a minute and after invalidate()", async () => {
  let token = "first";
  let now = 0;
  const config = await KubeConfig.fromKubeconfig(kubeconfig(), {
    path: "/k/config",
    context: "file-ctx",
    readTextFile: (path) => {
      assertEquals(path, "/k/token.txt");
      return Promise.resolve(token + "\n");
    },
    now: () => now,
  });
  assertEquals(config.insecureSkipTlsVerify, true);
  assertEquals(await config.authorization(), "Bearer first");
  token = "second";
  now = 59_000;
  assertEquals(await config.authorization(), "Bearer first");
  now = 60_000;
  assertEquals(await config.authorization(), "Bearer second");
  token = "third";
  config.invalidate();
  assertEquals(await config.authorization(), "Bearer third");
  assertEquals(await config.createHttpClient(), undefined);
});

Deno.test("KubeConfig supports basic auth and rejects incomplete contexts", async () => {
  const basic = await KubeConfig.fromKubeconfig(kubeconfig(), { context: "basic-ctx" });
  assertEquals(await basic.authorization(), "Basic " + btoa("admin:s3cret"));
  await assertRejects(
    () => KubeConfig.fromKubeconfig(kubeconfig(), { context: "broken" }),
    InvalidInputError,
    `Cannot find the server of cluster "missing"`,
  );
  await assertRejects(
    () => KubeConfig.fromKubeconfig(kubeconfig(), { context: "nope" }),
    InvalidInputError,
    `Cannot find context "nope"`,
  );
  await assertRejects(
    () => KubeConfig.fromKubeconfig("clusters: []\n"),
    InvalidInputError,
    "no current-context",
  );
  await assertRejects(
    () =>
      KubeConfig.fromKubeconfig(`current-context: x
contexts: [{ name: x, context: { cluster: c, user: u } }]
clusters: [{ name: c, cluster: { server: "https://k" } }]
users: [{ name: u, user: { auth-provider: { name: gcp, config: {} } } }]`),
    InvalidInputError,
    `auth-provider "gcp"`,
  );
});

Deno.test("KubeConfig.load() merges KUBECONFIG files, the first definition winning", async () => {
  const first = `current-context: one
contexts: [{ name: one, context: { cluster: c, user: u, namespace: from-first } }]
clusters: [{ name: c, cluster: { server: "https://first:6443" } }]`;
  const second = `current-context: two
contexts: [{ name: one, context: { cluster: c, user: u, namespace: ignored } }]
clusters: [{ name: c, cluster: { server: "https://ignored" } }]
users: [{ name: u, user: { token: from-second } }]`;
  const env = (name: string) =>
    ({ KUBECONFIG: "/a:/missing:/b", HOME: "/home/u" } as Record<string, string>)[name];
  const config = await KubeConfig.load({ env, readTextFile: files({ "/a": first, "/b": second }) });
  assertEquals([config.server, config.namespace], ["https://first:6443", "from-first"]);
  assertEquals(await config.authorization(), "Bearer from-second");
  // An explicit --kubeconfig that does not exist is an error.
  await assertRejects(
    () => KubeConfig.load({ kubeconfig: "/missing", env, readTextFile: files({}) }),
    InvalidInputError,
  );
  // Nothing at all: a clear error.
  await assertRejects(
    () => KubeConfig.load({ env: () => undefined, readTextFile: files({}) }),
    InvalidInputError,
    "Cannot find Kubernetes credentials",
  );
});

Deno.test("KubeConfig.load() falls back to the in-cluster service account files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/token`, "sa-token\n");
    await Deno.writeTextFile(`${dir}/ca.crt`, TEST_TLS.ca);
    await Deno.writeTextFile(`${dir}/namespace`, "openfaas");
    const env = (name: string) =>
      ({ KUBERNETES_SERVICE_HOST: "fd00::1", KUBERNETES_SERVICE_PORT: "443" } as Record<
        string,
        string
      >)[name];
    const config = await KubeConfig.load({ env, serviceAccountDir: dir });
    assertEquals(config.server, "https://[fd00::1]:443");
    assertEquals(config.namespace, "openfaas");
    assertEquals(config.source, "in-cluster");
    assertEquals(config.caCerts, [TEST_TLS.ca]);
    assertEquals(await config.authorization(), "Bearer sa-token");
    await Deno.remove(`${dir}/token`);
    await assertRejects(
      () => KubeConfig.inCluster({ env, serviceAccountDir: dir }),
      InvalidInputError,
      "no token",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("KubeConfig runs exec plugins and caches their token until it expires", async () => {
  let runs = 0;
  let seen: Record<string, string> = {};
  const runCommand: RunCommand = (command, args, env) => {
    runs++;
    seen = env;
    assertEquals([command, args], ["/k/bin/get-token", ["--cluster", "prod"]]);
    return Promise.resolve({
      code: 0,
      stderr: "",
      stdout: JSON.stringify({
        kind: "ExecCredential",
        apiVersion: "client.authentication.k8s.io/v1",
        spec: { interactive: false },
        status: { expirationTimestamp: "2024-01-01T00:10:00Z", token: `tok-${runs}` },
      }),
    });
  };
  let now = Date.UTC(2024, 0, 1);
  const config = await KubeConfig.fromKubeconfig(
    `current-context: x
contexts: [{ name: x, context: { cluster: c, user: u } }]
clusters: [{ name: c, cluster: { server: "https://k" } }]
users:
- name: u
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./bin/get-token
      args: [--cluster, prod]
      env: [{ name: AWS_PROFILE, value: prod }]
      interactiveMode: Never
`,
    { path: "/k/config", runCommand, now: () => now },
  );
  assertEquals(await config.authorization(), "Bearer tok-1");
  assertEquals(seen.AWS_PROFILE, "prod");
  assertEquals(JSON.parse(seen.KUBERNETES_EXEC_INFO).spec, { interactive: false });
  now += 9 * 60_000;
  assertEquals(await config.authorization(), "Bearer tok-1");
  now += 60_000;
  assertEquals(await config.authorization(), "Bearer tok-2");

  const failing = await KubeConfig.fromKubeconfig(
    `current-context: x
contexts: [{ name: x, context: { cluster: c, user: u } }]
clusters: [{ name: c, cluster: { server: "https://k" } }]
users: [{ name: u, user: { exec: { command: aws, args: [eks, get-token] } } }]`,
    { runCommand: () => Promise.resolve({ code: 1, stdout: "", stderr: "no credentials\n" }) },
  );
  const error = await assertRejects(() => failing.authorization(), UpstreamError);
  assertStringIncludes(error.message, `"aws" failed (exit 1): no credentials`);
});

Deno.test("KubeConfig.createHttpClient() trusts the cluster CA over a real TLS connection", async () => {
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert: TEST_TLS.serverCert,
    key: TEST_TLS.serverKey,
    onListen: () => {},
  }, (request) => new Response(request.headers.get("Authorization")));
  try {
    const config = await KubeConfig.fromKubeconfig(
      kubeconfig().replace("https://127.0.0.1:6443", `https://127.0.0.1:${server.addr.port}`),
    );
    const client = (await config.createHttpClient())!;
    const response = await fetch(config.server, {
      client,
      headers: { Authorization: (await config.authorization())! },
    });
    assertEquals(await response.text(), "Bearer abc.def.ghi");
    client.close();
    // Without the CA the same server is refused.
    await assertRejects(() => fetch(config.server).then((r) => r.body?.cancel()), TypeError);
  } finally {
    await server.shutdown();
  }
});

const hasOpenssl = await new Deno.Command("openssl", { args: ["version"], stdout: "null" })
  .output().then((o) => o.success, () => false);

Deno.test({
  name: "KubeConfig.createHttpClient() presents the client certificate (openssl s_server)",
  ignore: !hasOpenssl,
  async fn() {
    const dir = await Deno.makeTempDir();
    const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (probe.addr as Deno.NetAddr).port;
    probe.close();
    for (const [name, text] of Object.entries(TEST_TLS)) {
      await Deno.writeTextFile(`${dir}/${name}`, text);
    }
    const child = new Deno.Command("openssl", {
      args: [
        "s_server",
        "-accept",
        `127.0.0.1:${port}`,
        "-Verify",
        "1",
        "-verify_return_error",
        "-CAfile",
        `${dir}/ca`,
        "-cert",
        `${dir}/serverCert`,
        "-key",
        `${dir}/serverKey`,
        "-www",
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const out = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    try {
      let seen = "";
      while (!seen.includes("ACCEPT")) seen += (await out.read()).value ?? "";
      const url = `https://127.0.0.1:${port}`;
      const yaml = `current-context: x
contexts: [{ name: x, context: { cluster: c, user: u } }]
clusters: [{ name: c, cluster: { server: "${url}", certificate-authority-data: ${
        b64(TEST_TLS.ca)
      } } }]
users: [{ name: u, user: { client-certificate-data: ${b64(TEST_TLS.clientCert)}, client-key-data: ${
        b64(TEST_TLS.clientKey)
      } } }]`;
      const withCert = (await (await KubeConfig.fromKubeconfig(yaml)).createHttpClient())!;
      const page = await (await fetch(url, { client: withCert })).text();
      assertStringIncludes(page, "CN=fnlogs");
      withCert.close();
      const config = await KubeConfig.fromKubeconfig(
        yaml.replace(/, client-certificate-data.*\}/, "}"),
      );
      const withoutCert = Deno.createHttpClient({ caCerts: [...config.caCerts] });
      await assertRejects(
        () => fetch(url, { client: withoutCert }).then((r) => r.text()),
        TypeError,
      );
      withoutCert.close();
    } finally {
      child.kill();
      await out.cancel();
      await child.status;
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("KubeConfig.httpClients() makes a new client when an exec plugin renews its client certificate", async () => {
  const pairs = [
    { cert: TEST_TLS.clientCert, key: TEST_TLS.clientKey },
    { cert: TEST_TLS.serverCert, key: TEST_TLS.serverKey },
  ];
  let runs = 0;
  const runCommand: RunCommand = () => {
    const pair = pairs[runs++ % 2];
    return Promise.resolve({
      code: 0,
      stderr: "",
      stdout: JSON.stringify({
        kind: "ExecCredential",
        apiVersion: "client.authentication.k8s.io/v1",
        status: {
          expirationTimestamp: "2024-01-01T12:00:00Z",
          clientCertificateData: pair.cert,
          clientKeyData: pair.key,
        },
      }),
    });
  };
  let now = Date.UTC(2024, 0, 1);
  const config = await KubeConfig.fromKubeconfig(
    `current-context: x
contexts: [{ name: x, context: { cluster: c, user: u } }]
clusters: [{ name: c, cluster: { server: "https://k", certificate-authority-data: ${
      b64(TEST_TLS.ca)
    } } }]
users: [{ name: u, user: { exec: { apiVersion: client.authentication.k8s.io/v1, command: tsh } } }]`,
    { runCommand, now: () => now },
  );
  const clients = config.httpClients();
  const first = await clients.get();
  assert(first instanceof Deno.HttpClient);
  assertEquals(await clients.get(), first);
  assertEquals(runs, 1);
  // Past its expiry the plugin runs again and gives another certificate: another client.
  now = Date.UTC(2024, 0, 1, 12, 0, 1);
  const second = await clients.get();
  assertEquals(runs, 2);
  assert(second instanceof Deno.HttpClient && second !== first);
  clients.close();
});

/**
 * Kubeconfig files as kubectl reads them: merged (the first file to define a
 * cluster, user or context wins), the context chosen, and its cluster and
 * user resolved into the parts of a `KubeConfig`: server, namespace, CA,
 * client certificate, token or token file, basic auth, exec plugin. Paths in
 * a file are relative to that file's folder.
 *
 * @module
 */
import { parse } from "@std/yaml";
import { InvalidInputError } from "../../errors.ts";
import type { KubeExecConfig } from "./exec_credential.ts";

const parseYaml: (text: string) => unknown = parse;

/** The parts of a `KubeConfig` given to its constructor. */
export interface KubeConfigInit {
  readonly server: string;
  readonly namespace?: string;
  readonly source: string;
  readonly caCerts?: readonly string[];
  readonly clientCert?: string;
  readonly clientKey?: string;
  readonly insecureSkipTlsVerify?: boolean;
  readonly proxyUrl?: string;
  readonly token?: string;
  readonly tokenFile?: string;
  readonly username?: string;
  readonly password?: string;
  readonly exec?: KubeExecConfig;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => typeof v === "string" && v !== "" ? v : undefined;

function decodeBase64Text(text: string, what: string): string {
  try {
    const binary = atob(text.replace(/\s+/g, ""));
    return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    throw new InvalidInputError(`Cannot decode ${what}: it is not base64`);
  }
}

function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? (i === 0 ? "/" : ".") : path.slice(0, i);
}

function resolvePath(base: string, path: string): string {
  const parts: string[] = [];
  for (const part of (path.startsWith("/") ? path : `${base}/${path}`).split("/")) {
    if (part === "..") {
      if (parts.length > 1) parts.pop();
    } else if (part !== "." && (part !== "" || parts.length === 0)) parts.push(part);
  }
  return parts.join("/") || "/";
}

/** One named entry of a kubeconfig list, with the file it came from. */
interface Named {
  readonly body: Obj;
  readonly dir: string;
}

/** A kubeconfig file: its path (for messages and relative paths) and its text. */
export interface KubeconfigFile {
  readonly path: string;
  readonly text: string;
}

/** Options for {@linkcode resolveKubeconfig}. */
export interface ResolveKubeconfigOptions {
  /** The context to use; default the first `current-context` the files set. */
  readonly context?: string;
  /** Reads the certificate files the config names (default `Deno.readTextFile`). */
  readonly readTextFile?: (path: string) => Promise<string>;
}

/**
 * The parts of the chosen context, from kubeconfig files in `KUBECONFIG`
 * order. Throws `InvalidInputError` for a file that is not a kubeconfig, a
 * missing context or cluster, base64 that does not decode, and legacy
 * `auth-provider` plugins without a cached token.
 *
 * @example Two files merged, the first definition winning
 * ```ts
 * import { resolveKubeconfig } from "./kubeconfig_file.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const init = await resolveKubeconfig([
 *   { path: "/home/me/.kube/a", text: "current-context: dev\nusers: [{ name: u, user: { token: a } }]" },
 *   {
 *     path: "/home/me/.kube/b",
 *     text: `users: [{ name: u, user: { token: b } }]
 * clusters: [{ name: c, cluster: { server: "https://10.0.0.1:6443", certificate-authority: ca.pem } }]
 * contexts: [{ name: dev, context: { cluster: c, user: u } }]`,
 *   },
 * ], { readTextFile: (path) => Promise.resolve(`PEM of ${path}`) });
 * assertEquals([init.server, init.token, init.caCerts], [
 *   "https://10.0.0.1:6443",
 *   "a",
 *   ["PEM of /home/me/.kube/ca.pem"],
 * ]);
 * ```
 */
export async function resolveKubeconfig(
  files: readonly KubeconfigFile[],
  options: ResolveKubeconfigOptions = {},
): Promise<KubeConfigInit> {
  const clusters = new Map<string, Named>();
  const users = new Map<string, Named>();
  const contexts = new Map<string, Named>();
  let current: string | undefined;
  for (const { path, text } of files) {
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (error) {
      throw new InvalidInputError(`Cannot parse kubeconfig "${path}"`, { cause: error });
    }
    if (doc === null || doc === undefined) continue;
    if (!isObj(doc)) throw new InvalidInputError(`Cannot parse kubeconfig "${path}"`);
    const dir = dirname(path);
    for (
      const [key, into, field] of [
        ["clusters", clusters, "cluster"],
        ["users", users, "user"],
        ["contexts", contexts, "context"],
      ] as const
    ) {
      const list = doc[key];
      if (!Array.isArray(list)) continue;
      for (const entry of list) {
        const name = isObj(entry) ? str(entry.name) : undefined;
        if (name === undefined || into.has(name)) continue;
        into.set(name, { body: isObj(entry[field]) ? entry[field] as Obj : {}, dir });
      }
    }
    current ??= str(doc["current-context"]);
  }
  const where = files.map((f) => f.path).join(":");
  const contextName = options.context ?? current;
  if (contextName === undefined) {
    throw new InvalidInputError(`Cannot use kubeconfig "${where}": no current-context`);
  }
  const context = contexts.get(contextName)?.body;
  if (context === undefined) {
    throw new InvalidInputError(`Cannot find context "${contextName}" in kubeconfig "${where}"`);
  }
  const clusterName = str(context.cluster) ?? "";
  const cluster = clusters.get(clusterName);
  const server = str(cluster?.body.server);
  if (cluster === undefined || server === undefined) {
    throw new InvalidInputError(
      `Cannot find the server of cluster "${clusterName}" (context "${contextName}")`,
    );
  }
  const read = options.readTextFile ?? Deno.readTextFile;
  const material = async (entry: Named, dataKey: string, fileKey: string) => {
    const data = str(entry.body[dataKey]);
    if (data !== undefined) return decodeBase64Text(data, `${dataKey} of "${contextName}"`);
    const file = str(entry.body[fileKey]);
    return file === undefined ? undefined : await read(resolvePath(entry.dir, file));
  };
  const user = users.get(str(context.user) ?? "") ?? { body: {}, dir: "." };
  const ca = await material(cluster, "certificate-authority-data", "certificate-authority");
  const init: KubeConfigInit = {
    server,
    namespace: str(context.namespace),
    source: `kubeconfig ${where}, context ${contextName}`,
    caCerts: ca === undefined ? [] : [ca],
    insecureSkipTlsVerify: cluster.body["insecure-skip-tls-verify"] === true,
    proxyUrl: str(cluster.body["proxy-url"]),
    clientCert: await material(user, "client-certificate-data", "client-certificate"),
    clientKey: await material(user, "client-key-data", "client-key"),
    token: str(user.body.token),
    tokenFile: str(user.body.tokenFile) === undefined
      ? undefined
      : resolvePath(user.dir, str(user.body.tokenFile)!),
    username: str(user.body.username),
    password: str(user.body.password),
    exec: execConfig(user, contextName),
  };
  const provider = user.body["auth-provider"];
  if (isObj(provider) && init.token === undefined && init.exec === undefined) {
    const config = isObj(provider.config) ? provider.config : {};
    const cached = str(config["id-token"]) ?? str(config["access-token"]);
    if (cached === undefined) {
      throw new InvalidInputError(
        `Cannot use auth-provider "${str(provider.name) ?? "?"}" of context "${contextName}": ` +
          "only exec plugins and tokens are supported",
      );
    }
    return { ...init, token: cached };
  }
  return init;
}

function execConfig(user: Named, contextName: string): KubeExecConfig | undefined {
  const exec = user.body.exec;
  if (!isObj(exec)) return undefined;
  const command = str(exec.command);
  if (command === undefined) {
    throw new InvalidInputError(
      `Cannot use the exec plugin of context "${contextName}": no command`,
    );
  }
  const env: Record<string, string> = {};
  if (Array.isArray(exec.env)) {
    for (const e of exec.env) {
      if (isObj(e) && str(e.name)) env[e.name as string] = String(e.value ?? "");
    }
  }
  return {
    apiVersion: str(exec.apiVersion) ?? "client.authentication.k8s.io/v1",
    // A relative path with a slash is relative to the kubeconfig's folder.
    command: command.includes("/") ? resolvePath(user.dir, command) : command,
    args: Array.isArray(exec.args) ? exec.args.map(String) : [],
    env,
  };
}

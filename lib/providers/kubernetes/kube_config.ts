/**
 * Where the Kubernetes API is and how to authenticate to it: from the
 * in-cluster service account, or from a kubeconfig (`KUBECONFIG`, else
 * `~/.kube/config`), the way kubectl and `@kubernetes/client-node` read them.
 * Which files, and the credentials they lead to, are here; what the files
 * say is read by `kubeconfig_file.ts`.
 *
 * @module
 */
import { InvalidInputError } from "../../errors.ts";
import { KubernetesExecCredential, type RunCommand } from "./exec_credential.ts";
import { type KubeConfigInit, resolveKubeconfig } from "./kubeconfig_file.ts";

export type { KubeConfigInit } from "./kubeconfig_file.ts";

/** Where the service account's files are mounted in a pod. */
export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** How long a token read from a file is reused before the file is read again (ms). */
const TOKEN_FILE_REUSE_MS = 60_000;

/** Options for {@linkcode KubeConfig.load}. */
export interface LoadKubeConfigOptions {
  /** Kubeconfig file(s), `:`-separated (`--kubeconfig`); wins over `KUBECONFIG`. */
  readonly kubeconfig?: string;
  /** The context to use (`--context`); default the file's `current-context`. */
  readonly context?: string;
  /** Use the service account even when a kubeconfig exists. */
  readonly inCluster?: boolean;
  /** Environment lookup (default `Deno.env.get`). */
  readonly env?: (name: string) => string | undefined;
  /** Default {@linkcode SERVICE_ACCOUNT_DIR}; tests point it at a temp dir. */
  readonly serviceAccountDir?: string;
  /** Default `Deno.readTextFile`. */
  readonly readTextFile?: (path: string) => Promise<string>;
  /** Runs exec plugins (default `Deno.Command`). */
  readonly runCommand?: RunCommand;
  /** The clock for token expiry, in epoch ms (default `Date.now`). */
  readonly now?: () => number;
}

interface Auth {
  token?: string;
  tokenFile?: string;
  basic?: string;
  exec?: KubernetesExecCredential;
}

/** Clients that follow the credentials (see {@linkcode KubeConfig.httpClients}). */
export interface HttpClientSource {
  /** The client for the credentials now (`undefined`: the default client does). */
  get(): Promise<Deno.HttpClient | undefined>;
  /** Closes every client it made. */
  close(): void;
}

/**
 * A Kubernetes API endpoint with its credentials: server URL, namespace of
 * the context, TLS material (CA, client certificate) and a way to make the
 * `Authorization` header (bearer token, token file re-read every minute,
 * basic auth, or an exec plugin whose token is cached until it expires).
 *
 * Not supported (each fails with a clear {@linkcode InvalidInputError}):
 * legacy `auth-provider` plugins without a cached token. Deno cannot skip TLS
 * verification per client: with `insecure-skip-tls-verify` the process has
 * to run with `--unsafely-ignore-certificate-errors=HOST`
 * ({@linkcode KubeConfig.insecureSkipTlsVerify} says so); `tls-server-name`
 * is ignored.
 *
 * @example From kubeconfig text
 * ```ts
 * import { KubeConfig } from "./kube_config.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const config = await KubeConfig.fromKubeconfig(`
 * current-context: dev
 * clusters: [{ name: c, cluster: { server: "https://10.0.0.1:6443" } }]
 * users: [{ name: u, user: { token: s3cr3t } }]
 * contexts: [{ name: dev, context: { cluster: c, user: u, namespace: team } }]
 * `);
 * assertEquals(config.server, "https://10.0.0.1:6443");
 * assertEquals(config.namespace, "team");
 * assertEquals(await config.authorization(), "Bearer s3cr3t");
 * ```
 */
export class KubeConfig {
  /** The API server's base URL, without a trailing slash. */
  readonly server: string;
  /** The namespace of the context or the service account, if any. */
  readonly namespace: string | undefined;
  /** Where this came from, for messages (`in-cluster`, `kubeconfig FILE, context NAME`). */
  readonly source: string;
  /** Extra trusted root certificates (PEM). */
  readonly caCerts: readonly string[];
  /** The client certificate chain and key (PEM), when the user has one. */
  readonly clientCert: string | undefined;
  /** The key of `clientCert` (PEM). */
  readonly clientKey: string | undefined;
  /** The cluster asks to skip TLS verification (see the class notes). */
  readonly insecureSkipTlsVerify: boolean;
  /** `proxy-url` of the cluster. */
  readonly proxyUrl: string | undefined;
  readonly #auth: Auth;
  readonly #readTextFile: (path: string) => Promise<string>;
  readonly #now: () => number;
  #fileToken?: { value: string; read: number };

  /** Builds a config from parts already resolved (see {@linkcode KubeConfig.load}). */
  constructor(init: KubeConfigInit, options: LoadKubeConfigOptions = {}) {
    this.server = init.server.replace(/\/+$/, "");
    this.namespace = init.namespace;
    this.source = init.source;
    this.caCerts = init.caCerts ?? [];
    this.clientCert = init.clientCert;
    this.clientKey = init.clientKey;
    this.insecureSkipTlsVerify = init.insecureSkipTlsVerify ?? false;
    this.proxyUrl = init.proxyUrl;
    this.#auth = {
      token: init.token,
      tokenFile: init.tokenFile,
      exec: init.exec === undefined ? undefined : new KubernetesExecCredential(init.exec, options),
      basic: init.username !== undefined
        ? "Basic " + btoa(`${init.username}:${init.password ?? ""}`)
        : undefined,
    };
    this.#readTextFile = options.readTextFile ?? Deno.readTextFile;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Finds the configuration as kubectl does: `options.kubeconfig`, else
   * `KUBECONFIG` (files merged, the first to define a name wins), else
   * `~/.kube/config`, else the in-cluster service account
   * (`KUBERNETES_SERVICE_HOST`/`_PORT` and the files under
   * {@linkcode SERVICE_ACCOUNT_DIR}). Throws {@linkcode InvalidInputError}
   * when none is found or the chosen context is incomplete.
   */
  static async load(options: LoadKubeConfigOptions = {}): Promise<KubeConfig> {
    const env = options.env ?? ((name: string) => Deno.env.get(name));
    const read = options.readTextFile ?? Deno.readTextFile;
    if (options.inCluster) return await KubeConfig.inCluster(options);
    const flag = options.kubeconfig;
    const list = flag ?? env("KUBECONFIG") ?? "";
    const home = env("HOME") ?? env("USERPROFILE");
    const paths = list !== ""
      ? list.split(":").filter((p) => p !== "")
      : home !== undefined
      ? [`${home}/.kube/config`]
      : [];
    const files: { path: string; text: string }[] = [];
    for (const path of paths) {
      try {
        files.push({ path, text: await read(path) });
      } catch (error) {
        // Missing files of KUBECONFIG and ~/.kube/config are skipped, as kubectl does.
        if (!(error instanceof Deno.errors.NotFound)) throw error;
        if (flag !== undefined) {
          throw new InvalidInputError(`Cannot read kubeconfig "${path}": no such file`);
        }
      }
    }
    if (files.length > 0) return new KubeConfig(await resolveKubeconfig(files, options), options);
    if (env("KUBERNETES_SERVICE_HOST")) return await KubeConfig.inCluster(options);
    throw new InvalidInputError(
      "Cannot find Kubernetes credentials: no kubeconfig (KUBECONFIG, ~/.kube/config) " +
        "and not running in a cluster",
    );
  }

  /** Parses kubeconfig text (relative paths resolve against `path`'s folder). */
  static async fromKubeconfig(
    text: string,
    options: LoadKubeConfigOptions & { path?: string } = {},
  ): Promise<KubeConfig> {
    const files = [{ path: options.path ?? "./kubeconfig", text }];
    return new KubeConfig(await resolveKubeconfig(files, options), options);
  }

  /** The in-cluster configuration of a pod's service account. */
  static async inCluster(options: LoadKubeConfigOptions = {}): Promise<KubeConfig> {
    const env = options.env ?? ((name: string) => Deno.env.get(name));
    const read = options.readTextFile ?? Deno.readTextFile;
    const dir = options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
    const host = env("KUBERNETES_SERVICE_HOST");
    const port = env("KUBERNETES_SERVICE_PORT");
    if (!host || !port) {
      throw new InvalidInputError(
        "Cannot use the in-cluster config: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set",
      );
    }
    const optional = async (path: string) => {
      try {
        return await read(path);
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return undefined;
        throw error;
      }
    };
    const ca = await optional(`${dir}/ca.crt`);
    const namespace = (await optional(`${dir}/namespace`))?.trim();
    if ((await optional(`${dir}/token`)) === undefined) {
      throw new InvalidInputError(`Cannot use the in-cluster config: no token in ${dir}`);
    }
    return new KubeConfig({
      server: `https://${host.includes(":") ? `[${host}]` : host}:${port}`,
      namespace: namespace || undefined,
      source: "in-cluster",
      caCerts: ca === undefined ? [] : [ca],
      tokenFile: `${dir}/token`,
    }, options);
  }

  /**
   * The value of the `Authorization` header, or `undefined` when the
   * credentials are the client certificate alone. Token files are re-read
   * every minute (service-account tokens rotate); exec plugin tokens are
   * reused until they expire.
   */
  async authorization(): Promise<string | undefined> {
    const auth = this.#auth;
    if (auth.token !== undefined) return `Bearer ${auth.token}`;
    if (auth.tokenFile !== undefined) {
      const now = this.#now();
      if (this.#fileToken === undefined || now - this.#fileToken.read >= TOKEN_FILE_REUSE_MS) {
        this.#fileToken = { value: (await this.#readTextFile(auth.tokenFile)).trim(), read: now };
      }
      return `Bearer ${this.#fileToken.value}`;
    }
    if (auth.exec !== undefined) {
      const token = (await auth.exec.get()).token;
      return token === undefined ? undefined : `Bearer ${token}`;
    }
    return auth.basic;
  }

  /** Forgets cached tokens, so that the next request reads or fetches them anew (after a 401). */
  invalidate(): void {
    this.#fileToken = undefined;
    this.#auth.exec?.invalidate();
  }

  /**
   * A `Deno.HttpClient` that trusts the cluster's CA and presents the
   * client certificate (from the kubeconfig or the exec plugin), or
   * `undefined` when the default client does (plain HTTP, public CA, no
   * client certificate). The caller closes it.
   */
  async createHttpClient(): Promise<Deno.HttpClient | undefined> {
    const { cert, key } = await this.#clientCertificate();
    return this.#makeClient(cert, key);
  }

  /**
   * The HTTP clients of a long run: {@linkcode HttpClientSource.get} gives
   * the client for the current credentials, and a new one when an exec
   * plugin's client certificate changed (it expired, or a 401 made it
   * fetched again), so that a follow outlives the certificate it started
   * with. Earlier clients stay open for the requests still on them, until
   * `close()`.
   */
  httpClients(): HttpClientSource {
    let current: { cert?: string; key?: string; client?: Deno.HttpClient } | undefined;
    const made: Deno.HttpClient[] = [];
    return {
      get: async () => {
        const { cert, key } = await this.#clientCertificate();
        if (current !== undefined && current.cert === cert && current.key === key) {
          return current.client;
        }
        const client = this.#makeClient(cert, key);
        if (client !== undefined) made.push(client);
        current = { cert, key, client };
        return client;
      },
      close: () => {
        for (const client of made.splice(0)) client.close();
        current = undefined;
      },
    };
  }

  /** The client certificate: the kubeconfig's, else the exec plugin's (fetched again once expired). */
  async #clientCertificate(): Promise<{ cert?: string; key?: string }> {
    if (this.clientCert !== undefined || this.#auth.exec === undefined) {
      return { cert: this.clientCert, key: this.clientKey };
    }
    const credential = await this.#auth.exec.get();
    return { cert: credential.cert, key: credential.key };
  }

  #makeClient(cert: string | undefined, key: string | undefined): Deno.HttpClient | undefined {
    const options: Deno.CreateHttpClientOptions = {};
    if (this.caCerts.length > 0) options.caCerts = [...this.caCerts];
    if (this.proxyUrl !== undefined) options.proxy = { url: this.proxyUrl };
    if (cert !== undefined && key !== undefined) {
      return Deno.createHttpClient({ ...options, cert, key });
    }
    return Object.keys(options).length > 0 ? Deno.createHttpClient(options) : undefined;
  }
}

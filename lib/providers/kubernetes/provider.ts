/**
 * Function logs from Kubernetes, the way faas-netes lays functions out: a
 * Deployment per function, pods labelled `faas_function=NAME`, the function
 * in the container named after it.
 *
 * @module
 */
import type { SetTimer } from "../../async/abortable_sleep.ts";
import { FunctionNotFoundError, InvalidInputError } from "../../errors.ts";
import type { HttpClientSource, KubeConfig } from "./kube_config.ts";
import type { KubeDeployment, KubeList, KubePod } from "./api.ts";
import { KubernetesApi } from "./api.ts";
import { openFunctionLogs } from "./function_logs.ts";
import { parseTimestamp } from "../../time/timestamp.ts";
import type {
  FunctionInfo,
  LogProvider,
  LogQuery,
  LogSource,
  ProviderCallOptions,
} from "../../types.ts";

/** The namespace faas-netes deploys functions to. */
export const DEFAULT_KUBERNETES_NAMESPACE = "openfaas-fn";

/** Options for {@linkcode KubernetesProvider}. */
export interface KubernetesProviderOptions {
  /** The API server's base URL (`https://10.0.0.1:6443`). */
  readonly server: string;
  /** The `Authorization` header value per request (may refresh a token). */
  readonly authorization?: () => Promise<string | undefined> | string | undefined;
  /** Called after a 401, before the one retry (drops cached tokens). */
  readonly onUnauthorized?: () => void;
  /** The client with the cluster's CA and client certificate (or clients that follow renewed ones). */
  readonly client?: Deno.HttpClient | HttpClientSource;
  /** Close `client` in {@linkcode KubernetesProvider.close} (default false). */
  readonly ownsClient?: boolean;
  /** Default the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Default {@linkcode DEFAULT_KUBERNETES_NAMESPACE}. */
  readonly defaultNamespace?: string;
  /** How long a record may wait to be put in order across pods (default 100 ms). */
  readonly reorderWindowMs?: number;
  /** Reports retries and reconnects worth a line on stderr. */
  readonly onNotice?: (message: string) => void;
  /** Added to "cannot reach" messages. */
  readonly connectHint?: string;
  /** Delays between retries of one pod or the watch (default 250 ms to 10 s). */
  readonly backoff?: () => { next(): number; reset(): void };
  /** Runs a callback after a delay and returns its cancel (default `setTimeout`). */
  readonly setTimer?: SetTimer;
  /** The clock for notices, in epoch ms (default `Date.now`). */
  readonly now?: () => number;
  /** After a pod was deleted, how long its open log stream may still deliver (default 5 s). */
  readonly goneGraceMs?: number;
}

/** A label value (the function's name in `faas_function=NAME`). */
const LABEL_VALUE = /^(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** A namespace name (RFC 1123 label). */
const DNS_LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A {@linkcode LogProvider} over the Kubernetes API (kind `kubernetes`,
 * default namespace `openfaas-fn`, no exact resume cursor).
 *
 * - `listFunctions` lists Deployments labelled `faas_function` (as
 *   faas-netes does): `replicas` is `spec.replicas`, `availableReplicas`
 *   `status.availableReplicas`, `instances` the pods labelled with the
 *   function's name.
 * - `openLogs` lists the pods `faas_function=NAME`. None there: the
 *   Deployment `NAME` decides, a 404 means the function does not exist
 *   ({@linkcode FunctionNotFoundError}, also for an unknown namespace), a
 *   Deployment means it is scaled to zero (an empty stream, or with `follow`
 *   one that waits for pods).
 * - History: with neither `since` nor `tail`, all the pods still have (no
 *   hidden window). `since` is exact to the nanosecond (the API server
 *   rounds `sinceTime` down to the second; the rest is filtered here).
 *   `tail` is the last N lines of the function across its pods, in
 *   timestamp order: each pod is asked for its last N lines, the merged
 *   result cut to N, then following resumes each pod after its last line.
 * - Following merges the pods' streams in timestamp order within
 *   `reorderWindowMs`, follows pods that appear later (a watch, re-listed
 *   after `410 Gone`), retries pods whose container has not started, and
 *   ends a pod that went away with the record
 *   `[fnlogs] instance POD went away`.
 * - `instance` keeps one pod. 401 and 403 become an `UpstreamError` with
 *   the API server's message.
 *
 * RBAC it needs: `pods` list and watch, `pods/log` get, `deployments.apps`
 * get and list.
 *
 * @example Follow a function with the local kubeconfig (needs a cluster)
 * ```ts ignore
 * import { KubeConfig } from "./kube_config.ts";
 * import { KubernetesProvider } from "./provider.ts";
 *
 * const config = await KubeConfig.load({ context: Deno.env.get("KUBE_CONTEXT") });
 * const provider = await KubernetesProvider.fromKubeConfig(config);
 * const { stream } = await provider.openLogs({ name: "env", follow: true, tail: 10 });
 * for await (const batch of stream) {
 *   for (const record of batch) console.log(record.instance, record.text);
 * }
 * await provider.close();
 * ```
 */
export class KubernetesProvider implements LogProvider {
  readonly kind = "kubernetes";
  readonly defaultNamespace: string;
  readonly resumesByCursor = false;
  readonly #api: KubernetesApi;
  readonly #options: KubernetesProviderOptions;
  readonly #open = new Set<AbortController>();

  /** Creates a provider; it connects on the first call. */
  constructor(options: KubernetesProviderOptions) {
    this.#options = options;
    this.defaultNamespace = options.defaultNamespace ?? DEFAULT_KUBERNETES_NAMESPACE;
    this.#api = new KubernetesApi(options);
  }

  /**
   * A provider for the cluster of a {@linkcode KubeConfig}; it owns the
   * HTTP clients made for the config's certificates (a new one when an exec
   * plugin's client certificate is renewed).
   */
  static async fromKubeConfig(
    config: KubeConfig,
    options: Omit<KubernetesProviderOptions, "server" | "client" | "authorization"> = {},
  ): Promise<KubernetesProvider> {
    const host = new URL(config.server).hostname;
    // The first client now: a certificate that does not load fails here, not at the first request.
    const clients = config.httpClients();
    await clients.get();
    return new KubernetesProvider({
      connectHint: config.insecureSkipTlsVerify
        ? `the kubeconfig sets insecure-skip-tls-verify, which Deno honours only when run ` +
          `with --unsafely-ignore-certificate-errors=${host}`
        : undefined,
      ...options,
      server: config.server,
      client: clients,
      ownsClient: true,
      authorization: () => config.authorization(),
      onUnauthorized: () => config.invalidate(),
    });
  }

  async listFunctions(
    namespace: string | undefined,
    options: ProviderCallOptions = {},
  ): Promise<FunctionInfo[]> {
    const ns = namespace ?? this.defaultNamespace;
    const base = `/namespaces/${encodeURIComponent(ns)}`;
    const [deployments, pods] = await Promise.all([
      this.#api.getJson<KubeList<KubeDeployment>>(
        `/apis/apps/v1${base}/deployments`,
        { labelSelector: "faas_function" },
        options.signal,
      ),
      this.#api.getJson<KubeList<KubePod>>(
        `/api/v1${base}/pods`,
        { labelSelector: "faas_function" },
        options.signal,
      ),
    ]);
    return deployments.items.map((d): FunctionInfo => {
      const name = d.metadata.name;
      const labels = d.spec?.template?.metadata?.labels ?? d.metadata.labels;
      return {
        name,
        namespace: ns,
        replicas: d.spec?.replicas ?? 0,
        availableReplicas: d.status?.availableReplicas ?? 0,
        image: d.spec?.template?.spec?.containers?.[0]?.image,
        labels,
        instances: pods.items.filter((p) => p.metadata.labels?.faas_function === name)
          .map((p) => p.metadata.name),
      };
    }).sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  }

  async openLogs(query: LogQuery, options: ProviderCallOptions = {}): Promise<LogSource> {
    const ns = query.namespace ?? this.defaultNamespace;
    // Names that no Kubernetes object can have (and that would change the label selector).
    if (!LABEL_VALUE.test(query.name) || !DNS_LABEL.test(ns)) {
      throw new FunctionNotFoundError(query.name, ns);
    }
    const since = query.since === undefined ? undefined : parseTimestamp(query.since);
    if (query.since !== undefined && since === undefined) {
      throw new InvalidInputError(`Cannot parse since "${query.since}"`);
    }
    const abort = new AbortController();
    const onAbort = () => abort.abort(options.signal?.reason);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    this.#open.add(abort);
    const release = () => {
      abort.abort();
      this.#open.delete(abort);
      options.signal?.removeEventListener("abort", onAbort);
    };
    try {
      options.signal?.throwIfAborted();
      const stream = await openFunctionLogs({
        api: this.#api,
        query,
        namespace: ns,
        since,
        settings: this.#options,
        signal: abort.signal,
        onStop: release,
      });
      return { stream, fromCursor: false };
    } catch (error) {
      release();
      throw error;
    }
  }

  close(): Promise<void> {
    for (const abort of this.#open) abort.abort();
    this.#open.clear();
    if (this.#options.ownsClient) this.#options.client?.close();
    return Promise.resolve();
  }

  /** Closes it (see {@linkcode close}) at the end of an `await using` scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Function logs from Kubernetes, the way faas-netes lays functions out: a
 * Deployment per function, pods labelled `faas_function=NAME`, the function
 * in the container named after it.
 *
 * @module
 */
import type { SetTimer } from "../../async/abortable_sleep.ts";
import { FunctionNotFoundError, InvalidInputError } from "../../errors.ts";
import type { KubeConfig } from "./kube_config.ts";
import type { KubeDeployment, KubeList, KubePod } from "./api.ts";
import { KubernetesApi } from "./api.ts";
import { KubernetesPodLogs, type PodLogResume } from "./pod_logs.ts";
import { watchPods } from "./pod_watch.ts";
import { LogStreamMerger, mergeLogStreams } from "../../streams/merge_log_streams.ts";
import { parseTimestamp, type Timestamp } from "../../time/timestamp.ts";
import type {
  FunctionInfo,
  LogBatch,
  LogProvider,
  LogQuery,
  LogRecord,
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
  /** The client with the cluster's CA and client certificate. */
  readonly client?: Deno.HttpClient;
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

function isFinished(pod: KubePod | undefined): boolean {
  const phase = pod?.status?.phase;
  return pod === undefined || phase === "Succeeded" || phase === "Failed";
}

function containerOf(pod: KubePod, functionName: string): string {
  const containers = pod.spec?.containers ?? [];
  return containers.find((c) => c.name === functionName)?.name ?? containers[0]?.name ??
    functionName;
}

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
   * HTTP client made for the config's certificates.
   */
  static async fromKubeConfig(
    config: KubeConfig,
    options: Omit<KubernetesProviderOptions, "server" | "client" | "authorization"> = {},
  ): Promise<KubernetesProvider> {
    const host = new URL(config.server).hostname;
    return new KubernetesProvider({
      connectHint: config.insecureSkipTlsVerify
        ? `the kubeconfig sets insecure-skip-tls-verify, which Deno honours only when run ` +
          `with --unsafely-ignore-certificate-errors=${host}`
        : undefined,
      ...options,
      server: config.server,
      client: await config.createHttpClient(),
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
      return {
        stream: await this.#open_(query, ns, since, abort.signal, release),
        fromCursor: false,
      };
    } catch (error) {
      release();
      throw error;
    }
  }

  async #open_(
    query: LogQuery,
    ns: string,
    since: Timestamp | undefined,
    signal: AbortSignal,
    release: () => void,
  ): Promise<ReadableStream<LogBatch>> {
    const labelSelector = `faas_function=${query.name}`;
    const podsPath = `/api/v1/namespaces/${encodeURIComponent(ns)}/pods`;
    const list = await this.#api.getJson<KubeList<KubePod>>(podsPath, { labelSelector }, signal);
    if (list.items.length === 0) await this.#checkFunction(query.name, ns, signal);
    const wanted = (pod: KubePod) =>
      query.instance === undefined || pod.metadata.name === query.instance;
    const pods = list.items.filter(wanted);
    const tail = query.tail !== undefined && query.tail > 0 ? query.tail : undefined;
    const o = this.#options;
    const podLogs = (pod: KubePod, follow: boolean, tailLines?: number, resume?: PodLogResume) =>
      new KubernetesPodLogs({
        api: this.#api,
        namespace: ns,
        functionName: query.name,
        pod: pod.metadata.name,
        container: containerOf(pod, query.name),
        follow,
        tailLines,
        since,
        resume,
        isFinished: () => isFinished(state.get(pod.metadata.name)),
        now: o.now,
        setTimer: o.setTimer,
        backoff: o.backoff?.(),
        goneGraceMs: o.goneGraceMs,
        onNotice: o.onNotice,
        signal,
      });
    const state = new Map(pods.map((p) => [p.metadata.name, p]));

    // History first when a tail is asked: the last `tail` lines across the pods.
    let history: LogRecord[] = [];
    const resumes = new Map<string, PodLogResume | undefined>();
    if (tail !== undefined) {
      const perPod = await Promise.all(pods.map(async (pod) => {
        const logs = podLogs(pod, false, tail);
        const records = (await Array.fromAsync(logs.stream)).flat();
        signal.throwIfAborted();
        resumes.set(pod.metadata.name, logs.resumePoint);
        return records;
      }));
      const merged = mergeLogStreams(
        perPod.filter((r) => r.length > 0).map((r) => ReadableStream.from([r])),
      );
      history = (await Array.fromAsync(merged)).flat().slice(-tail);
      if (!query.follow) {
        release();
        return ReadableStream.from(history.length > 0 ? [history] : []);
      }
    }

    const merger = new LogStreamMerger({ reorderWindowMs: o.reorderWindowMs });
    const reader = merger.stream.getReader();
    const followers = new Map<string, KubernetesPodLogs>();
    const follow = (pod: KubePod) => {
      const name = pod.metadata.name;
      if (!wanted(pod) || followers.get(name)?.ended === false) return;
      const logs = tail === undefined
        ? podLogs(pod, query.follow)
        : podLogs(pod, true, undefined, resumes.get(name));
      followers.set(name, logs);
      merger.add(logs.stream);
    };
    for (const pod of pods) follow(pod);

    let output: ReadableStreamDefaultController<LogBatch> | undefined;
    let finished = false;
    const finish = () => {
      finished = true;
      release();
    };
    if (query.follow) {
      // A pod seen for the first time is followed; a follower that ended (its
      // pod finished or went away) starts again only for a new pod of that name.
      const update = (pod: KubePod, added: boolean) => {
        state.set(pod.metadata.name, pod);
        const logs = followers.get(pod.metadata.name);
        if (logs === undefined || (logs.ended && added)) follow(pod);
        else logs.notify();
      };
      const gone = (name: string) => {
        state.delete(name);
        followers.get(name)?.markGone();
        followers.delete(name);
      };
      watchPods({
        api: this.#api,
        namespace: ns,
        labelSelector,
        resourceVersion: list.metadata.resourceVersion ?? "",
        signal,
        onEvent: ({ type, pod }) =>
          type === "DELETED" ? gone(pod.metadata.name) : update(pod, type === "ADDED"),
        onRelist: (current) => {
          const names = new Set(current.map((p) => p.metadata.name));
          for (const name of [...followers.keys()]) if (!names.has(name)) gone(name);
          for (const pod of current) update(pod, false);
        },
        onNotice: o.onNotice,
        backoff: o.backoff?.(),
        setTimer: o.setTimer,
      }).catch((error) => {
        // The watch cannot go on (401, 403): say so rather than follow blind.
        if (finished) return;
        output?.error(error);
        finish();
        reader.cancel(error).catch(() => {});
      });
    } else {
      merger.closeWhenDrained();
    }

    let first: LogBatch | undefined = history.length > 0 ? history : undefined;
    signal.addEventListener("abort", () => {
      // Aborted from outside: options.signal, or the provider closed.
      if (finished) return;
      finished = true;
      reader.cancel(signal.reason).catch(() => {});
      try {
        output?.error(signal.reason);
      } catch { /* already closed */ }
    }, { once: true });
    return new ReadableStream<LogBatch>({
      start: (controller) => {
        output = controller;
      },
      pull: async (controller) => {
        if (first !== undefined) {
          controller.enqueue(first);
          first = undefined;
          return;
        }
        try {
          const { done, value } = await reader.read();
          if (done) {
            finish();
            controller.close();
          } else controller.enqueue(value);
        } catch (error) {
          finish();
          throw error;
        }
      },
      cancel: async (reason) => {
        finish();
        await reader.cancel(reason);
      },
    }, { highWaterMark: 0 });
  }

  async #checkFunction(name: string, ns: string, signal: AbortSignal): Promise<void> {
    const response = await this.#api.get(
      `/apis/apps/v1/namespaces/${encodeURIComponent(ns)}/deployments/${encodeURIComponent(name)}`,
      {},
      { signal },
    );
    if (response.status === 404) {
      await response.body?.cancel();
      throw new FunctionNotFoundError(name, ns);
    }
    if (!response.ok) await this.#api.fail(response);
    await response.body?.cancel();
  }

  close(): Promise<void> {
    for (const abort of this.#open) abort.abort();
    this.#open.clear();
    if (this.#options.ownsClient) this.#options.client?.close();
    return Promise.resolve();
  }
}

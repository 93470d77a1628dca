/**
 * One `openLogs` call of the Kubernetes provider: the function's pods
 * listed, the last lines across them (for `tail`), then each pod followed
 * and merged, with the pods that appear, finish or go away while following.
 *
 * @module
 */
import type { SetTimer } from "../../async/abortable_sleep.ts";
import { FunctionNotFoundError } from "../../errors.ts";
import { InstanceFanIn } from "../fan_in.ts";
import { lastAcrossInstances } from "../last_across_instances.ts";
import type { KubeList, KubePod, KubernetesApi } from "./api.ts";
import { KubernetesPodLogs, type PodLogResume } from "./pod_logs.ts";
import { watchPods } from "./pod_watch.ts";
import type { Timestamp } from "../../time/timestamp.ts";
import type { LogBatch, LogQuery, LogRecord } from "../../types.ts";

/** The provider's settings a function's logs use (see `KubernetesProviderOptions`). */
export interface FunctionLogsSettings {
  readonly reorderWindowMs?: number;
  readonly onNotice?: (message: string) => void;
  readonly backoff?: () => { next(): number; reset(): void };
  readonly setTimer?: SetTimer;
  readonly now?: () => number;
  readonly goneGraceMs?: number;
}

/** What {@linkcode openFunctionLogs} needs. */
export interface FunctionLogsInit {
  readonly api: KubernetesApi;
  readonly query: LogQuery;
  readonly namespace: string;
  /** The query's `since`, parsed. */
  readonly since?: Timestamp;
  readonly settings: FunctionLogsSettings;
  /** Aborting it fails the stream with its reason and stops every request. */
  readonly signal: AbortSignal;
  /** Called once when the stream has stopped, however (not when opening throws). */
  readonly onStop: () => void;
}

function isFinished(pod: KubePod | undefined): boolean {
  const phase = pod?.status?.phase;
  return pod === undefined || phase === "Succeeded" || phase === "Failed";
}

function containerOf(pod: KubePod, functionName: string): string {
  const containers = pod.spec?.containers ?? [];
  return containers.find((c) => c.name === functionName)?.name ?? containers[0]?.name ??
    functionName;
}

/** No pods: the Deployment decides whether the function exists (scaled to zero) or not. */
async function checkFunction(
  api: KubernetesApi,
  name: string,
  ns: string,
  signal: AbortSignal,
): Promise<void> {
  const response = await api.get(
    `/apis/apps/v1/namespaces/${encodeURIComponent(ns)}/deployments/${encodeURIComponent(name)}`,
    {},
    { signal },
  );
  if (response.status === 404) {
    await response.body?.cancel();
    throw new FunctionNotFoundError(name, ns);
  }
  if (!response.ok) await api.fail(response);
  await response.body?.cancel();
}

/**
 * Lists the function's pods and reads the history (`tail`) before it
 * returns, so that a missing function or a refused request rejects here;
 * the live requests start as the stream is read. See `KubernetesProvider`
 * for the rules.
 */
export async function openFunctionLogs(init: FunctionLogsInit): Promise<ReadableStream<LogBatch>> {
  const { api, query, namespace: ns, since, settings: o, signal } = init;
  const labelSelector = `faas_function=${query.name}`;
  const podsPath = `/api/v1/namespaces/${encodeURIComponent(ns)}/pods`;
  const list = await api.getJson<KubeList<KubePod>>(podsPath, { labelSelector }, signal);
  if (list.items.length === 0) await checkFunction(api, query.name, ns, signal);
  const wanted = (pod: KubePod) =>
    query.instance === undefined || pod.metadata.name === query.instance;
  const pods = list.items.filter(wanted);
  const tail = query.tail !== undefined && query.tail > 0 ? query.tail : undefined;
  const state = new Map(pods.map((p) => [p.metadata.name, p]));
  const podLogs = (pod: KubePod, follow: boolean, tailLines?: number, resume?: PodLogResume) =>
    new KubernetesPodLogs({
      api,
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
    history = lastAcrossInstances(perPod, tail);
  }

  const fanIn = new InstanceFanIn({
    // A history's sources all end: merged exactly, whichever pod answers first.
    reorderWindowMs: query.follow ? o.reorderWindowMs : Infinity,
    signal,
    onStop: init.onStop,
    start: () => history,
  });
  if (tail !== undefined && !query.follow) {
    fanIn.closeWhenDrained();
    return fanIn.stream;
  }
  const followers = new Map<string, KubernetesPodLogs>();
  const follow = (pod: KubePod) => {
    const name = pod.metadata.name;
    if (!wanted(pod) || followers.get(name)?.ended === false) return;
    const logs = tail === undefined
      ? podLogs(pod, query.follow)
      : podLogs(pod, true, undefined, resumes.get(name));
    followers.set(name, logs);
    fanIn.add(logs.stream);
  };
  for (const pod of pods) follow(pod);
  if (!query.follow) {
    fanIn.closeWhenDrained();
    return fanIn.stream;
  }

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
    api,
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
    fanIn.fail(error);
  });
  return fanIn.stream;
}

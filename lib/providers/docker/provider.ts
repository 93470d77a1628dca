/**
 * The Docker provider: function logs from the Docker Engine API, or from
 * Podman's Docker-compatible service (`podman system service`).
 *
 * @module
 */

import { DockerClient } from "./client.ts";
import type { DockerEnvironment } from "./endpoint.ts";
import { type DockerEvent, DockerLogSession, type SessionContainer } from "./log_session.ts";
import { FunctionNotFoundError, InvalidInputError } from "../../errors.ts";
import { parseTimestamp } from "../../time/timestamp.ts";
import type {
  FunctionInfo,
  LogProvider,
  LogQuery,
  LogSource,
  ProviderCallOptions,
} from "../../types.ts";

/** The label that names a container's function (faas-swarm's convention). */
export const DOCKER_FUNCTION_LABEL = "com.openfaas.function";
/** The label that names a container's namespace (fnlogs' convention; optional). */
export const DOCKER_NAMESPACE_LABEL = "com.openfaas.namespace";

/** Options for {@linkcode DockerProvider}. */
export interface DockerProviderOptions {
  /**
   * The daemon, as a `DOCKER_HOST` value: `unix:///PATH`,
   * `tcp://HOST:PORT` or `http(s)://HOST:PORT`. Default: the `DOCKER_HOST`
   * environment variable, else `unix:///var/run/docker.sock`.
   */
  readonly host?: string;
  /** An API version to prefix paths with (`1.41` → `/v1.41/...`); default none. */
  readonly apiVersion?: string;
  /**
   * `DOCKER_TLS_VERIFY`, `DOCKER_CERT_PATH` and `HOME`, for TLS endpoints.
   * Default: read from the environment.
   */
  readonly env?: DockerEnvironment;
  /** The namespace of containers without a namespace label (default `openfaas-fn`). */
  readonly defaultNamespace?: string;
  /** Default {@linkcode DOCKER_FUNCTION_LABEL}. */
  readonly functionLabel?: string;
  /** Default {@linkcode DOCKER_NAMESPACE_LABEL}. */
  readonly namespaceLabel?: string;
  /** The merge's reorder window across containers (see `LogStreamMerger`). */
  readonly reorderWindowMs?: number;
  /** Longer lines are cut with a marker. */
  readonly maxLineLength?: number;
  /**
   * Notices for stderr: containers that start, restart, stop or go away
   * while following, and the daemon's own errors inside a logs body.
   */
  readonly onNotice?: (message: string) => void;
}

/** A container as `GET /containers/json` lists it (the fields read). */
interface ContainerSummary {
  readonly Id: string;
  readonly Names?: readonly string[] | null;
  readonly Image?: string;
  readonly Labels?: Readonly<Record<string, string>> | null;
  readonly State?: string;
  readonly Created?: number;
}

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/** The container's name without its leading `/`, else its short id. */
function instanceOf(container: ContainerSummary): string {
  const name = container.Names?.[0]?.replace(/^\//, "");
  return name ? name : container.Id.slice(0, 12);
}

/** Oldest first; the API's creation times are whole seconds, so ties go by name. */
function byCreation(a: ContainerSummary, b: ContainerSummary): number {
  const x = instanceOf(a), y = instanceOf(b);
  return (a.Created ?? 0) - (b.Created ?? 0) || (x < y ? -1 : x > y ? 1 : 0);
}

/**
 * Function logs from Docker or Podman. Implements {@linkcode LogProvider}
 * (kind `docker`, default namespace `openfaas-fn`, no exact cursors).
 *
 * - Functions are the containers labelled `com.openfaas.function=NAME`,
 *   running or stopped (`all=true`: a stopped replica's last lines are often
 *   the ones wanted). Their namespace is the `com.openfaas.namespace` label,
 *   else the default namespace. No containers: {@linkcode FunctionNotFoundError}.
 * - `instance` is the container's name without its leading `/` (its short
 *   id when it has none); the query's `instance` matches that name, the full
 *   id, or an id prefix of 12 or more characters.
 * - History: every container is asked with `tail=N` and `since`; the
 *   answers are merged by timestamp and the last N overall are kept (lines
 *   with equal timestamps keep the containers' creation order, then name
 *   order). `since` is passed to the daemon exactly and checked again per
 *   line. Podman 4 writes whole-second timestamps in its Docker API (it
 *   filters on nanoseconds); such a line passes `since` when its second does.
 * - Without `follow` the stream ends after the history. With `follow`,
 *   running containers are followed and merged within the reorder window.
 *   History and live lines are split at the daemon's clock at listing time
 *   (`until` for the history, `since` for the live request), so nothing is
 *   lost or repeated. Containers that start later are found through the
 *   events API (`GET /events` filtered by the label, type `container`, event
 *   `start`, replayed from a second before the listing) and announced
 *   through `onNotice`; a follow request ends when its container stops,
 *   which is announced too. A container that starts again is read on from
 *   exactly where its log was left (see `DockerResumePoint`), even when that
 *   run ended before fnlogs looked. The stream stays open until cancelled.
 * - TTY containers send a raw body; the framing is taken from the
 *   `Content-Type` (API 1.42+) or the first byte.
 *
 * @example List functions and follow one (needs a Docker or Podman daemon)
 * ```ts ignore
 * import { DockerProvider } from "./provider.ts";
 *
 * const provider = new DockerProvider({ host: "unix:///run/podman/podman.sock" });
 * console.log(await provider.listFunctions(undefined));
 * const { stream } = await provider.openLogs({ name: "hello", tail: 10, follow: true });
 * for await (const batch of stream) for (const r of batch) console.log(r.instance, r.text);
 * await provider.close();
 * ```
 */
export class DockerProvider implements LogProvider {
  readonly kind = "docker";
  readonly defaultNamespace: string;
  readonly resumesByCursor = false;
  readonly #client: DockerClient;
  readonly #options: DockerProviderOptions;
  readonly #functionLabel: string;
  readonly #namespaceLabel: string;
  readonly #closed = new AbortController();

  /** Throws {@linkcode InvalidInputError} for a host it cannot use. */
  constructor(options: DockerProviderOptions = {}) {
    this.#options = options;
    this.defaultNamespace = options.defaultNamespace ?? "openfaas-fn";
    this.#functionLabel = options.functionLabel ?? DOCKER_FUNCTION_LABEL;
    this.#namespaceLabel = options.namespaceLabel ?? DOCKER_NAMESPACE_LABEL;
    this.#client = new DockerClient({
      host: options.host ?? readEnv("DOCKER_HOST"),
      apiVersion: options.apiVersion,
      env: options.env ?? {
        DOCKER_TLS_VERIFY: readEnv("DOCKER_TLS_VERIFY"),
        DOCKER_CERT_PATH: readEnv("DOCKER_CERT_PATH"),
        HOME: readEnv("HOME"),
      },
    });
  }

  /** The daemon's address, for messages. */
  get host(): string {
    return this.#client.endpoint.host;
  }

  #namespaceOf(labels: Readonly<Record<string, string>> | null | undefined): string {
    return labels?.[this.#namespaceLabel] || this.defaultNamespace;
  }

  async listFunctions(
    namespace: string | undefined,
    options: ProviderCallOptions = {},
  ): Promise<FunctionInfo[]> {
    const ns = namespace ?? this.defaultNamespace;
    const { value } = await this.#client.getJson<ContainerSummary[]>("/containers/json", {
      all: 1,
      filters: { label: [this.#functionLabel] },
    }, options.signal);
    const byName = new Map<string, ContainerSummary[]>();
    for (const c of value ?? []) {
      const name = c.Labels?.[this.#functionLabel];
      if (!name || this.#namespaceOf(c.Labels) !== ns) continue;
      byName.set(name, [...byName.get(name) ?? [], c]);
    }
    return [...byName.entries()].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0).map(
      ([name, containers]) => {
        containers.sort(byCreation);
        const newest = containers[containers.length - 1];
        const running = containers.filter((c) => c.State === "running").length;
        return {
          name,
          namespace: ns,
          replicas: running,
          availableReplicas: running,
          image: newest.Image,
          labels: { ...newest.Labels },
          instances: containers.map(instanceOf),
        };
      },
    );
  }

  async openLogs(query: LogQuery, options: ProviderCallOptions = {}): Promise<LogSource> {
    const ns = query.namespace ?? this.defaultNamespace;
    if (query.since !== undefined && parseTimestamp(query.since) === undefined) {
      throw new InvalidInputError(`Cannot parse since "${query.since}"`);
    }
    const label = `${this.#functionLabel}=${query.name}`;
    const { value, date } = await this.#client.getJson<ContainerSummary[]>("/containers/json", {
      all: 1,
      filters: { label: [label] },
    }, options.signal);
    const containers = (value ?? []).filter((c) => this.#namespaceOf(c.Labels) === ns);
    if (containers.length === 0) throw new FunctionNotFoundError(query.name, ns);
    containers.sort(byCreation);
    const matches = (id: string, instance: string) =>
      query.instance === undefined || query.instance === instance || query.instance === id ||
      (query.instance.length >= 12 && id.startsWith(query.instance));
    const listed: SessionContainer[] = containers
      .map((c) => ({ id: c.Id, instance: instanceOf(c), running: c.State === "running" }))
      .filter((c) => matches(c.id, c.instance));
    const accept = (event: DockerEvent): SessionContainer | undefined => {
      const id = event.Actor?.ID ?? event.id;
      const attributes = event.Actor?.Attributes ?? {};
      if (id === undefined || attributes[this.#functionLabel] !== query.name) return undefined;
      if (this.#namespaceOf(attributes) !== ns) return undefined;
      const instance = attributes.name?.replace(/^\//, "") || id.slice(0, 12);
      return matches(id, instance) ? { id, instance, running: true } : undefined;
    };
    const signal = options.signal === undefined
      ? this.#closed.signal
      : AbortSignal.any([this.#closed.signal, options.signal]);
    const session = new DockerLogSession({
      client: this.#client,
      query,
      namespace: ns,
      containers: listed,
      listedAt: this.#listedAt(date),
      eventFilters: { type: ["container"], event: ["start"], label: [label] },
      accept,
      reorderWindowMs: this.#options.reorderWindowMs,
      maxLineLength: this.#options.maxLineLength,
      onNotice: this.#options.onNotice,
      signal,
    });
    return { stream: session.stream, fromCursor: false };
  }

  /**
   * The daemon's clock at listing time, in ms. The `Date` header has whole
   * seconds; over a unix socket the daemon shares this host's clock, so the
   * local clock refines it when the two agree.
   */
  #listedAt(date: number | undefined): number {
    const now = Date.now();
    if (date === undefined) return now;
    const local = this.#client.endpoint.socketPath !== undefined;
    return local && now >= date && now < date + 1000 ? now : date;
  }

  /** Aborts every open stream and closes the HTTP connections. */
  close(): Promise<void> {
    this.#closed.abort(new Error("The provider was closed"));
    this.#client.close();
    return Promise.resolve();
  }

  /** Closes it (see {@linkcode close}) at the end of an `await using` scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * The few Kubernetes API calls fnlogs makes, over `fetch`, with the API
 * server's `Status` error bodies turned into readable errors.
 *
 * @module
 */
import { UpstreamError } from "../../errors.ts";

/** The parts of a Pod that fnlogs reads (`GET /api/v1/namespaces/NS/pods`). */
export interface KubePod {
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly resourceVersion?: string;
    readonly deletionTimestamp?: string;
    readonly labels?: Readonly<Record<string, string>>;
  };
  readonly spec?: {
    readonly nodeName?: string;
    readonly containers?: readonly { readonly name: string; readonly image?: string }[];
  };
  readonly status?: {
    readonly phase?: string;
    readonly containerStatuses?: readonly {
      readonly name: string;
      readonly ready?: boolean;
      readonly state?: {
        readonly running?: unknown;
        readonly waiting?: { readonly reason?: string };
        readonly terminated?: unknown;
      };
    }[];
  };
}

/** A list answer (`PodList`, `DeploymentList`). */
export interface KubeList<T> {
  readonly metadata: { readonly resourceVersion?: string };
  readonly items: readonly T[];
}

/** The parts of a Deployment that fnlogs reads (`/apis/apps/v1`). */
export interface KubeDeployment {
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
  };
  readonly spec?: {
    readonly replicas?: number;
    readonly template?: {
      readonly metadata?: { readonly labels?: Readonly<Record<string, string>> };
      readonly spec?: { readonly containers?: readonly { readonly image?: string }[] };
    };
  };
  readonly status?: { readonly availableReplicas?: number };
}

/** The message and reason of an API server `Status` body. */
export interface KubeStatus {
  readonly message: string;
  readonly reason: string;
}

/** How requests are made; all optional but `server`. */
export interface KubernetesApiOptions {
  /** The API server's base URL (`https://10.0.0.1:6443`). */
  readonly server: string;
  /** The `Authorization` header value for each request (may refresh a token). */
  readonly authorization?: () => Promise<string | undefined> | string | undefined;
  /** Called after a 401 before the one retry (to drop a cached token). */
  readonly onUnauthorized?: () => void;
  /**
   * The client with the cluster's CA and client certificate, or where to
   * get the one for the credentials of the moment (they may be renewed).
   */
  readonly client?: Deno.HttpClient | { get(): Promise<Deno.HttpClient | undefined> };
  /** Default the global `fetch`; tests inject one. */
  readonly fetch?: typeof fetch;
  /** Added to "cannot reach" messages (for example how to skip TLS verification). */
  readonly connectHint?: string;
}

/** The most of an error body that is read. */
const MAX_ERROR_BODY = 64 * 1024;

/** `value` awaited, or the signal's reason as soon as it aborts. */
function abortable<T>(value: T | Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined || !(value instanceof Promise)) return Promise.resolve(value);
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    value.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * A thin client for the Kubernetes API: builds URLs, adds credentials,
 * retries once after a 401 with fresh credentials, and reads `Status`
 * bodies. Non-2xx answers are returned to the caller, which decides what
 * they mean; {@linkcode KubernetesApi.fail} turns one into an
 * {@linkcode UpstreamError} with the API server's own message.
 *
 * @example A URL with query parameters
 * ```ts
 * import { KubernetesApi } from "./api.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const api = new KubernetesApi({ server: "https://k8s:6443/" });
 * assertEquals(
 *   api.url("/api/v1/namespaces/ns/pods", { labelSelector: "faas_function=env", watch: undefined }),
 *   "https://k8s:6443/api/v1/namespaces/ns/pods?labelSelector=faas_function%3Denv",
 * );
 * ```
 */
export class KubernetesApi {
  /** The API server's base URL, without a trailing slash. */
  readonly server: string;
  readonly #options: KubernetesApiOptions;
  readonly #fetch: typeof fetch;

  /** Creates a client; it holds no connection until the first request. */
  constructor(options: KubernetesApiOptions) {
    this.server = options.server.replace(/\/+$/, "");
    this.#options = options;
    this.#fetch = options.fetch ?? fetch;
  }

  /** The URL of `path` with the defined `params`, in order. */
  url(path: string, params: Readonly<Record<string, string | undefined>> = {}): string {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value !== undefined) query.append(key, value);
    }
    const text = query.toString();
    return this.server + path + (text === "" ? "" : "?" + text);
  }

  /**
   * `GET path?params`. Resolves with any HTTP answer; rejects with an
   * {@linkcode UpstreamError} when the server cannot be reached, and with
   * the signal's reason when it is aborted.
   */
  async get(
    path: string,
    params: Readonly<Record<string, string | undefined>> = {},
    init: { signal?: AbortSignal; headers?: Readonly<Record<string, string>> } = {},
  ): Promise<Response> {
    const url = this.url(path, params);
    let response = await this.#send(url, init);
    if (response.status === 401 && this.#options.onUnauthorized !== undefined) {
      await response.body?.cancel();
      this.#options.onUnauthorized();
      response = await this.#send(url, init);
    }
    return response;
  }

  async #send(
    url: string,
    init: { signal?: AbortSignal; headers?: Readonly<Record<string, string>> },
  ): Promise<Response> {
    const headers = new Headers(init.headers);
    if (!headers.has("Accept")) headers.set("Accept", "application/json");
    // A credential plugin may take a while: a request given up meanwhile ends now.
    const authorization = await abortable(this.#options.authorization?.(), init.signal);
    if (authorization !== undefined) headers.set("Authorization", authorization);
    const given = this.#options.client;
    const client = given === undefined || given instanceof Deno.HttpClient
      ? given
      : await abortable(given.get(), init.signal);
    try {
      return await this.#fetch(url, { headers, signal: init.signal, client });
    } catch (error) {
      if (init.signal?.aborted) throw init.signal.reason;
      const hint = this.#options.connectHint ? ` (${this.#options.connectHint})` : "";
      const detail = error instanceof Error ? error.message : String(error);
      throw new UpstreamError(
        `Cannot reach the Kubernetes API at ${this.server}: ${detail}${hint}`,
        undefined,
        { cause: error },
      );
    }
  }

  /** `GET` a JSON object; any non-2xx answer becomes an error (see {@linkcode fail}). */
  async getJson<T>(
    path: string,
    params: Readonly<Record<string, string | undefined>> = {},
    signal?: AbortSignal,
  ): Promise<T> {
    const response = await this.get(path, params, { signal });
    if (!response.ok) return await this.fail(response);
    try {
      return await response.json() as T;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw new UpstreamError(`Cannot parse the Kubernetes API's answer to ${path}`, undefined, {
        cause: error,
      });
    }
  }

  /**
   * Reads a `Status` body (`{"kind":"Status",...,"message":...,"reason":...}`);
   * a body that is not one gives its text as the message.
   */
  async readStatus(response: Response): Promise<KubeStatus> {
    let text = "";
    try {
      const reader = response.body?.getReader();
      if (reader !== undefined) {
        const decoder = new TextDecoder();
        while (text.length < MAX_ERROR_BODY) {
          const { done, value } = await reader.read();
          if (done) break;
          text += decoder.decode(value, { stream: true });
        }
        await reader.cancel().catch(() => {});
      }
    } catch {
      // A cut error body still leaves the status code to go by.
    }
    try {
      const doc = JSON.parse(text) as { message?: unknown; reason?: unknown };
      return {
        message: typeof doc.message === "string" ? doc.message : text.trim(),
        reason: typeof doc.reason === "string" ? doc.reason : "",
      };
    } catch {
      return { message: text.trim(), reason: "" };
    }
  }

  /** Throws an {@linkcode UpstreamError} carrying the API server's message and status code. */
  async fail(response: Response, status?: KubeStatus): Promise<never> {
    const { message } = status ?? await this.readStatus(response);
    const code = `${response.status}${response.statusText ? " " + response.statusText : ""}`;
    throw new UpstreamError(
      `Kubernetes API answered ${code}${message ? ": " + message : ""}`,
      response.status,
    );
  }
}

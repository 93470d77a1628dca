/**
 * A small HTTP client for the Docker Engine API and Podman's compatible
 * service, over a unix socket or TCP.
 *
 * @module
 */

import { type DockerEndpoint, type DockerEnvironment, parseDockerHost } from "./endpoint.ts";
import { httpGet, type HttpTarget } from "../../http/http_get.ts";
import { UpstreamError } from "../../errors.ts";

/** Options for {@linkcode DockerClient}. */
export interface DockerClientOptions {
  /**
   * A `DOCKER_HOST` value (`unix:///PATH`, `tcp://HOST:PORT`, ...); default
   * `unix:///var/run/docker.sock`. The client does not read the environment
   * itself: pass `Deno.env.get("DOCKER_HOST")` to behave like the docker CLI.
   */
  readonly host?: string;
  /**
   * An API version to put before every path (`1.41` or `v1.41` gives
   * `/v1.41/containers/json`). Default none: Docker and Podman both serve
   * unversioned paths at their newest version.
   */
  readonly apiVersion?: string;
  /** `DOCKER_TLS_VERIFY`, `DOCKER_CERT_PATH` and `HOME` for TLS endpoints. */
  readonly env?: DockerEnvironment;
}

/** Query parameters; `undefined` values are left out, objects are sent as JSON. */
export type DockerParams = Readonly<
  Record<string, string | number | boolean | object | undefined>
>;

/** A JSON answer and the daemon's clock when it answered. */
export interface DockerJson<T> {
  readonly value: T;
  /** The `Date` header in milliseconds since the epoch (whole seconds), if sent. */
  readonly date?: number;
}

/** An instant, exact to the nanosecond. */
export interface DockerInstant {
  readonly seconds: number;
  readonly nanos: number;
}

/**
 * Sends requests to one Docker (or Podman) API endpoint, one connection per
 * request (see `docker_http.ts` for why not `fetch`).
 *
 * @example Ask a daemon for its version (needs one running)
 * ```ts ignore
 * import { DockerClient } from "./client.ts";
 *
 * const client = new DockerClient({ host: Deno.env.get("DOCKER_HOST") });
 * const { value } = await client.getJson<{ Version: string }>("/version");
 * console.log(value.Version);
 * client.close();
 * ```
 */
export class DockerClient {
  /** Where the requests go. */
  readonly endpoint: DockerEndpoint;
  readonly #prefix: string;
  #target?: Promise<HttpTarget>;
  #podman = false;
  #closed = false;

  constructor(options: DockerClientOptions = {}) {
    this.endpoint = parseDockerHost(options.host, options.env);
    const version = options.apiVersion?.replace(/^v/, "");
    this.#prefix = version ? `/v${version}` : "";
  }

  /** Whether an answer so far came from Podman (it sends `Libpod-Api-Version`). */
  get isPodman(): boolean {
    return this.#podman;
  }

  /** The full URL of an API path. */
  url(path: string, params: DockerParams = {}): string {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value === undefined) continue;
      query.set(key, typeof value === "object" ? JSON.stringify(value) : String(value));
    }
    const search = query.size > 0 ? "?" + query.toString() : "";
    return this.endpoint.baseUrl + this.#prefix + path + search;
  }

  /**
   * Writes an instant the way the daemon parses `since` and `until`
   * exactly: `SECONDS.NANOS` for Docker, RFC3339 with nanoseconds for
   * Podman (Podman 4 reads floats only to about 0.2 µs).
   */
  formatInstant(instant: DockerInstant): string {
    if (!this.#podman) return `${instant.seconds}.${String(instant.nanos).padStart(9, "0")}`;
    const date = new Date(instant.seconds * 1000).toISOString().slice(0, 19);
    return `${date}.${String(instant.nanos).padStart(9, "0")}Z`;
  }

  /**
   * Sends `GET path`; resolves once the headers are in. Rejects with
   * {@linkcode UpstreamError} when the daemon cannot be reached or answers
   * with a status other than 2xx (`status` set, the daemon's message in the
   * text), and with the signal's reason when it is aborted.
   */
  async get(path: string, params: DockerParams = {}, signal?: AbortSignal): Promise<Response> {
    const target = await this.#connectTarget();
    const url = new URL(this.url(path, params));
    let response: Response;
    try {
      response = await httpGet(target, url.pathname + url.search, { signal });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw new UpstreamError(
        `Cannot connect to the Docker API at ${this.endpoint.host}: ${(error as Error).message}`,
        undefined,
        { cause: error },
      );
    }
    if (response.headers.has("libpod-api-version")) this.#podman = true;
    if (response.ok) return response;
    let message = (await response.text().catch(() => "")).trim();
    try {
      const parsed = JSON.parse(message) as { message?: unknown };
      if (typeof parsed.message === "string") message = parsed.message;
    } catch {
      // Not JSON: keep the text.
    }
    throw new UpstreamError(
      `Docker API answered ${response.status} to GET ${path}: ${message || response.statusText}`,
      response.status,
    );
  }

  /** Sends `GET path` and parses the JSON answer. */
  async getJson<T>(
    path: string,
    params: DockerParams = {},
    signal?: AbortSignal,
  ): Promise<DockerJson<T>> {
    const response = await this.get(path, params, signal);
    let value: T;
    try {
      value = await response.json() as T;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw new UpstreamError(`Docker API sent invalid JSON for GET ${path}`, undefined, {
        cause: error,
      });
    }
    const header = response.headers.get("date");
    const date = header === null ? undefined : Date.parse(header);
    return { value, date: date === undefined || Number.isNaN(date) ? undefined : date };
  }

  /** Makes later requests fail; requests running go on until their signals abort them. */
  close(): void {
    this.#closed = true;
  }

  #connectTarget(): Promise<HttpTarget> {
    if (this.#closed) return Promise.reject(new UpstreamError("The Docker client is closed"));
    this.#target ??= this.#createTarget();
    return this.#target;
  }

  async #createTarget(): Promise<HttpTarget> {
    const { socketPath, tls, baseUrl } = this.endpoint;
    if (socketPath !== undefined) return { socketPath, host: "localhost" };
    const url = new URL(baseUrl);
    const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
    const target = { hostname: url.hostname, port, host: url.host };
    if (url.protocol !== "https:") return target;
    if (tls === undefined) return { ...target, tls: { caCerts: [] } };
    const read = (file: string) => Deno.readTextFile(`${tls.certPath}/${file}`);
    try {
      const [ca, cert, key] = await Promise.all([
        read("ca.pem"),
        read("cert.pem"),
        read("key.pem"),
      ]);
      return { ...target, tls: { caCerts: [ca], cert, key } };
    } catch (error) {
      this.#target = undefined;
      throw new UpstreamError(
        `Cannot read the Docker TLS files in ${tls.certPath}: ${(error as Error).message}`,
        undefined,
        { cause: error },
      );
    }
  }
}

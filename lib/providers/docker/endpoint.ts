/**
 * Where the Docker Engine API (or Podman's compatible service) listens, read
 * from a `DOCKER_HOST` value the way the docker CLI reads it.
 *
 * @module
 */

import { InvalidInputError } from "../../errors.ts";

/** The docker CLI's default: the daemon's unix socket. */
export const DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

/** A parsed `DOCKER_HOST`. */
export interface DockerEndpoint {
  /** The value as given (or the default), for messages. */
  readonly host: string;
  /**
   * What request URLs start with, without a trailing `/`: `http://localhost`
   * over a unix socket, else `http(s)://HOST:PORT[/PATH]`.
   */
  readonly baseUrl: string;
  /** The unix socket to connect to, when the endpoint is one. */
  readonly socketPath?: string;
  /**
   * TLS client settings (`DOCKER_TLS_VERIFY` set): the directory holding
   * `ca.pem`, `cert.pem` and `key.pem`, as `DOCKER_CERT_PATH` names it
   * (default `$HOME/.docker`).
   */
  readonly tls?: { readonly certPath: string };
}

/** Environment variables {@linkcode parseDockerHost} reads. */
export interface DockerEnvironment {
  readonly DOCKER_TLS_VERIFY?: string;
  readonly DOCKER_CERT_PATH?: string;
  readonly HOME?: string;
}

/**
 * Parses a `DOCKER_HOST` value: `unix:///PATH`, `tcp://HOST[:PORT][/PATH]`
 * (port 2375, or 2376 with TLS), or `http(s)://...`; an empty or missing
 * value means {@linkcode DEFAULT_DOCKER_HOST}. When `DOCKER_TLS_VERIFY` is
 * set to anything but the empty string, `tcp://` means HTTPS and the client
 * certificates of `DOCKER_CERT_PATH` are used, as the docker CLI does. `ssh://`, `npipe://` and `fd://` are not supported and throw
 * {@linkcode InvalidInputError}.
 *
 * @example
 * ```ts
 * import { parseDockerHost } from "./endpoint.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(parseDockerHost("unix:///run/podman/podman.sock"), {
 *   host: "unix:///run/podman/podman.sock",
 *   baseUrl: "http://localhost",
 *   socketPath: "/run/podman/podman.sock",
 * });
 * assertEquals(parseDockerHost("tcp://10.0.0.5").baseUrl, "http://10.0.0.5:2375");
 * ```
 */
export function parseDockerHost(
  host: string | undefined,
  env: DockerEnvironment = {},
): DockerEndpoint {
  const value = host === undefined || host === "" ? DEFAULT_DOCKER_HOST : host;
  const bad = (why: string) => new InvalidInputError(`Cannot use Docker host "${value}": ${why}`);
  const scheme = /^([a-z]+):\/\//i.exec(value)?.[1]?.toLowerCase();
  if (scheme === "unix") {
    const path = value.slice("unix://".length);
    if (!path.startsWith("/")) throw bad("the socket path must be absolute");
    return { host: value, baseUrl: "http://localhost", socketPath: path };
  }
  if (scheme !== "tcp" && scheme !== "http" && scheme !== "https") {
    throw bad("only unix://, tcp://, http:// and https:// are supported");
  }
  const clientCerts = (env.DOCKER_TLS_VERIFY ?? "") !== "";
  const useTls = scheme === "https" || (scheme === "tcp" && clientCerts);
  let url: URL;
  try {
    url = new URL((useTls ? "https" : "http") + value.slice(scheme.length));
  } catch {
    throw bad("not a valid address");
  }
  if (url.hostname === "") throw bad("no host name");
  if (url.search !== "" || url.hash !== "" || url.username !== "") {
    throw bad("no query, fragment or user name allowed");
  }
  if (url.port === "" && scheme === "tcp") url.port = useTls ? "2376" : "2375";
  const baseUrl = url.origin + url.pathname.replace(/\/+$/, "");
  if (!clientCerts) return { host: value, baseUrl };
  const certPath = env.DOCKER_CERT_PATH || `${env.HOME ?? ""}/.docker`;
  return { host: value, baseUrl, tls: { certPath } };
}

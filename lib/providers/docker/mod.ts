/**
 * The Docker provider: the logs of a function's containers from the Docker
 * Engine API (Podman's too), followed across containers that start, restart
 * and stop. Here: the provider, its API client, the frame decoder and the
 * resume points. May import lib/ (streams, time, types, errors) and the
 * shared files of lib/providers/; never another provider or lib/client/.
 *
 * @module
 */
import type { ProviderDefinition } from "../provider_definition.ts";
import { anyText, type ProviderFlag } from "../provider_flag.ts";
import {
  MAX_LINE_LENGTH_FLAG,
  type MaxLineLengthOption,
  REORDER_WINDOW_FLAG,
  type ReorderWindowOption,
} from "../shared_flags.ts";

/** What the Docker provider is created with. */
export interface DockerOptions extends ReorderWindowOption, MaxLineLengthOption {
  /**
   * `unix://PATH` or `tcp://HOST:PORT` (default `DOCKER_HOST`, else
   * `unix:///var/run/docker.sock`).
   */
  readonly dockerHost?: string;
}

const DOCKER_HOST: ProviderFlag<string> = {
  name: "docker-host",
  value: "URL",
  help: "unix://PATH or tcp://HOST:PORT (default $DOCKER_HOST,\n" +
    "else unix:///var/run/docker.sock); Podman's API works too",
  env: "DOCKER_HOST",
  parse: anyText,
};

/** The Docker provider in the registry. */
export const dockerDefinition: ProviderDefinition<"docker", DockerOptions> = {
  kind: "docker",
  summary: "the containers labelled com.openfaas.function=NAME, through the Docker Engine API",
  flags: [DOCKER_HOST, REORDER_WINDOW_FLAG, MAX_LINE_LENGTH_FLAG],
  options: (flag) => ({
    dockerHost: flag(DOCKER_HOST),
    reorderWindowMs: flag(REORDER_WINDOW_FLAG),
    maxLineLength: flag(MAX_LINE_LENGTH_FLAG),
  }),
  create: async (options) => {
    const { DockerProvider } = await import("./provider.ts");
    return new DockerProvider({
      host: options.dockerHost,
      defaultNamespace: options.namespace,
      reorderWindowMs: options.reorderWindowMs,
      maxLineLength: options.maxLineLength,
      onNotice: options.onNotice,
    });
  },
};

/**
 * Builds a {@linkcode LogProvider} from options, for the server and for the
 * client's direct mode alike.
 *
 * @module
 */
import { InvalidInputError } from "../errors.ts";
import type { GatewayAuth } from "../gateway/build_log_request.ts";
import { DockerProvider } from "./docker/provider.ts";
import { JournaldProvider } from "./journald/provider.ts";
import { KubeConfig } from "./kubernetes/kube_config.ts";
import { KubernetesProvider } from "./kubernetes/provider.ts";
import { LocalProvider } from "./local/provider.ts";
import { OpenFaasProvider } from "./openfaas/provider.ts";
import { type NatsFlagOptions, natsProvider } from "./nats/mod.ts";
import { loadStackFile } from "./local/stack_file.ts";
import type { LogProvider } from "../types.ts";

/** The providers fnlogs knows. */
export const PROVIDER_KINDS = [
  "local",
  "kubernetes",
  "docker",
  "journald",
  "openfaas",
  "nats",
] as const;

/** One of {@linkcode PROVIDER_KINDS}. */
export type ProviderKind = typeof PROVIDER_KINDS[number];

/** Everything any provider may be configured with. */
export interface ProviderOptions {
  readonly kind: ProviderKind;
  /** local: the stack file whose functions run as child processes. */
  readonly stack?: string;
  /** local: history kept per function, in lines and bytes. */
  readonly historyLines?: number;
  readonly historyBytes?: number;
  /** local: keep each function's history on disk there too (default: memory only). */
  readonly dataDir?: string;
  /** local: bytes of files kept per function in `dataDir`, and per segment file. */
  readonly dataMaxBytes?: number;
  readonly dataSegmentBytes?: number;
  /** Longer lines are cut with a marker. */
  readonly maxLineLength?: number;
  /** kubernetes: kubeconfig path(s) and context (default: KUBECONFIG, ~/.kube/config, in-cluster). */
  readonly kubeconfig?: string;
  readonly context?: string;
  /** kubernetes, docker: merge instances in timestamp order within this window. */
  readonly reorderWindowMs?: number;
  /** docker: `unix://PATH` or `tcp://HOST:PORT` (default `unix:///var/run/docker.sock`). */
  readonly dockerHost?: string;
  /** openfaas: the gateway to relay, and its credentials. */
  readonly upstream?: string;
  readonly upstreamAuth?: GatewayAuth;
  /** journald: read journal files from this directory instead of the system journal. */
  readonly journalDir?: string;
  /** journald: the journalctl program (default `journalctl`). */
  readonly journalctl?: string;
  /** nats: what its flags say (see `lib/providers/nats/mod.ts`). */
  readonly nats?: NatsFlagOptions;
  /** The namespace used when a request names none (provider default otherwise). */
  readonly namespace?: string;
  /** Notices about the provider's own work (restarts, retries), for stderr. */
  readonly onNotice?: (message: string) => void;
}

/** Whether `kind` names a provider fnlogs knows. */
export function isProviderKind(kind: string): kind is ProviderKind {
  return (PROVIDER_KINDS as readonly string[]).includes(kind);
}

/**
 * Creates and starts the provider the options name. Throws
 * {@linkcode InvalidInputError} for options that do not fit it.
 */
export async function createProvider(options: ProviderOptions): Promise<LogProvider> {
  switch (options.kind) {
    case "local": {
      if (options.stack === undefined) {
        throw new InvalidInputError("The local provider needs a stack file (--stack FILE)");
      }
      const stack = await loadStackFile(options.stack);
      return await LocalProvider.start(stack, {
        maxLines: options.historyLines,
        maxBytes: options.historyBytes,
        maxLineLength: options.maxLineLength,
        dataDir: options.dataDir,
        dataMaxBytes: options.dataMaxBytes,
        dataSegmentBytes: options.dataSegmentBytes,
        onNotice: options.onNotice,
        onEvent: options.onNotice === undefined
          ? undefined
          : (event) => options.onNotice?.(event.message),
      });
    }
    case "kubernetes": {
      const config = await KubeConfig.load({
        kubeconfig: options.kubeconfig,
        context: options.context,
      });
      return await KubernetesProvider.fromKubeConfig(config, {
        defaultNamespace: options.namespace,
        reorderWindowMs: options.reorderWindowMs,
        onNotice: options.onNotice,
      });
    }
    case "docker":
      return new DockerProvider({
        host: options.dockerHost,
        defaultNamespace: options.namespace,
        reorderWindowMs: options.reorderWindowMs,
        maxLineLength: options.maxLineLength,
        onNotice: options.onNotice,
      });
    case "openfaas":
      if (options.upstream === undefined) {
        throw new InvalidInputError(
          "The openfaas provider needs an upstream gateway (--upstream URL)",
        );
      }
      return new OpenFaasProvider({
        upstream: options.upstream,
        auth: options.upstreamAuth,
        defaultNamespace: options.namespace,
      });
    case "nats":
      return await natsProvider.create({
        ...options.nats ?? { servers: [] },
        defaultNamespace: options.namespace,
        onNotice: options.onNotice,
      });
    case "journald":
      return new JournaldProvider({
        directory: options.journalDir,
        journalctl: options.journalctl,
        defaultNamespace: options.namespace,
        maxEntryLength: options.maxLineLength,
        onNotice: options.onNotice,
      });
  }
}

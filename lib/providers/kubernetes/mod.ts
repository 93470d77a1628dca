/**
 * The Kubernetes provider: the logs of a function's pods (faas-netes'
 * layout), followed across new, pending, restarted and deleted pods. Here:
 * the provider, its API client, kubeconfig and exec credentials, pod logs and
 * the pod watch. May import lib/ (async, streams, time, types, errors) and
 * the shared files of lib/providers/; never another provider or lib/client/.
 *
 * @module
 */
import type { ProviderDefinition } from "../provider_definition.ts";
import { anyText, type ProviderFlag } from "../provider_flag.ts";
import { REORDER_WINDOW_FLAG, type ReorderWindowOption } from "../shared_flags.ts";

/** What the Kubernetes provider is created with. */
export interface KubernetesOptions extends ReorderWindowOption {
  /** Kubeconfig path(s), `:`-separated (default `KUBECONFIG`, `~/.kube/config`, in-cluster). */
  readonly kubeconfig?: string;
  /** The kubeconfig context (default: the current one). */
  readonly context?: string;
}

const KUBECONFIG: ProviderFlag<string> = {
  name: "kubeconfig",
  value: "PATH",
  help: "(default $KUBECONFIG, ~/.kube/config, else in-cluster)",
  parse: anyText,
};
const CONTEXT: ProviderFlag<string> = {
  name: "context",
  value: "NAME",
  help: "kubeconfig context (default: the current one)",
  parse: anyText,
};

/** The Kubernetes provider in the registry. */
export const kubernetesDefinition: ProviderDefinition<"kubernetes", KubernetesOptions> = {
  kind: "kubernetes",
  summary: "the pods labelled faas_function=NAME, through the Kubernetes API",
  flags: [KUBECONFIG, CONTEXT, REORDER_WINDOW_FLAG],
  options: (flag) => ({
    kubeconfig: flag(KUBECONFIG),
    context: flag(CONTEXT),
    reorderWindowMs: flag(REORDER_WINDOW_FLAG),
  }),
  create: async (options) => {
    const [{ KubeConfig }, { KubernetesProvider }] = await Promise.all([
      import("./kube_config.ts"),
      import("./provider.ts"),
    ]);
    const config = await KubeConfig.load({
      kubeconfig: options.kubeconfig,
      context: options.context,
    });
    return await KubernetesProvider.fromKubeConfig(config, {
      defaultNamespace: options.namespace,
      reorderWindowMs: options.reorderWindowMs,
      onNotice: options.onNotice,
    });
  },
};

/**
 * `fnlogs __complete ...`: the words the completion scripts ask fnlogs for
 * while the user presses Tab: function names from the gateway(s) the
 * command line names, and the config file's contexts.
 *
 * @module
 */
import { listGatewayFunctions } from "../../lib/gateway/list_functions.ts";
import { ConfigFile } from "../config/config_file.ts";
import { parseGatewayFlags } from "../logs/gateway_flags.ts";
import { resolveTargets } from "../logs/targets.ts";

/** How long the gateways get to answer before the completion goes without names. */
export const FUNCTION_NAMES_TIMEOUT_MS = 300;

/** What `fnlogs __complete` reads. */
export interface CompleteIO {
  env(name: string): string | undefined;
  /** Tests: a fetch to use instead of the global one. */
  readonly fetch?: typeof fetch;
}

/** The values of `-g/--gateway`, `-n/--namespace`, `--context`, `-k/--token` among `words`. */
function flagValues(words: readonly string[]): Map<string, string[]> {
  const names: Record<string, string> = {
    "-g": "gateway",
    "--gateway": "gateway",
    "-n": "namespace",
    "--namespace": "namespace",
    "--context": "context",
    "-k": "token",
    "--token": "token",
    "--provider": "provider",
  };
  const values = new Map<string, string[]>();
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    const eq = word.indexOf("=");
    const key = names[eq === -1 ? word : word.slice(0, eq)];
    if (key === undefined) continue;
    const value = eq === -1 ? words[++i] : word.slice(eq + 1);
    if (value === undefined) break;
    values.set(key, [...(values.get(key) ?? []), value]);
  }
  return values;
}

/** What OpenFaaS allows as a function name (a DNS label, dots for namespaced names). */
const FUNCTION_NAME = /^[a-z0-9][a-z0-9.-]*$/;

/**
 * Answers `fnlogs __complete KIND WORDS...` with one candidate a line:
 * `functions` lists the functions of the gateways that `WORDS` (the
 * `fnlogs logs` command line typed so far) names, the way `fnlogs logs`
 * would reach them (`-g`, `OPENFAAS_URL`, `--context`, `-k`, faas-cli's
 * saved login), each gateway given {@linkcode FUNCTION_NAMES_TIMEOUT_MS} to
 * answer; `contexts` lists the config file's contexts. Never throws: a
 * completion that cannot be had is empty.
 *
 * @example Nothing to offer for an unknown kind
 * ```ts
 * import { completeWords } from "./complete_words.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(await completeWords(["nothing"], { env: () => undefined }), "");
 * ```
 */
export async function completeWords(args: readonly string[], io: CompleteIO): Promise<string> {
  const [kind, ...words] = args;
  try {
    if (kind === "contexts") {
      const names = await ConfigFile.locate((name) => io.env(name)).contextNames();
      return names.map((name) => name + "\n").join("");
    }
    if (kind !== "functions") return "";
    const values = flagValues(words);
    if (values.has("provider")) return "";
    const flags = parseGatewayFlags(
      values.get("gateway") ?? [],
      values.get("context")?.at(-1),
      io.env,
    );
    const signal = AbortSignal.timeout(FUNCTION_NAMES_TIMEOUT_MS);
    const { targets, namespace } = await resolveTargets(
      { gateways: flags.gateways, context: flags.context, token: values.get("token")?.at(-1) },
      (name) => io.env(name),
    );
    const lists = await Promise.allSettled(targets.map(async (target) => {
      const client = target.caCerts === undefined
        ? undefined
        : Deno.createHttpClient({ caCerts: target.caCerts });
      try {
        return await listGatewayFunctions({
          gateway: target.url,
          namespace: values.get("namespace")?.at(-1) ?? namespace,
          auth: target.auth,
          client,
          fetch: io.fetch,
          signal,
        });
      } finally {
        client?.close();
      }
    }));
    const names = new Set<string>();
    for (const list of lists) {
      if (list.status !== "fulfilled") continue;
      // Only names a function can have: nothing a shell would split or expand.
      for (const f of list.value) if (FUNCTION_NAME.test(f.name)) names.add(f.name);
    }
    return [...names].sort().map((name) => name + "\n").join("");
  } catch {
    return "";
  }
}

/**
 * The providers: where logs come from. One folder per provider (`local/`,
 * `kubernetes/`, `docker/`, `journald/`, `openfaas/`, `nats/`), each with a `mod.ts`
 * that exports its definition; this file is their registry. Beside it, what
 * several providers share: the definition and flag vocabulary
 * (`provider_definition.ts`, `provider_flag.ts`, `shared_flags.ts`) and the
 * fan-in of per-instance streams (`fan_in.ts`, `last_across_instances.ts`).
 *
 * Import rules: a provider folder may import lib/ (never lib/client/) and
 * these shared files, never another provider folder; only this file imports
 * the provider folders' `mod.ts`.
 *
 * To add a provider `KIND`:
 * 1. Create `lib/providers/KIND/` with the provider (a class implementing
 *    `LogProvider`, with `_test.ts` files beside) and a `mod.ts` exporting a
 *    {@linkcode ProviderDefinition}: kind, summary, flags (as
 *    {@linkcode ProviderFlag} data; reuse `shared_flags.ts` for the ones
 *    others take), `options` (flag values to typed options) and `create`.
 * 2. Add its definition to {@linkcode PROVIDERS} below (and its import).
 *
 * `--provider KIND`, its flags in both commands' help and parsing,
 * {@linkcode ProviderOptions} and {@linkcode createProvider} then follow.
 *
 * @module
 */
import { dockerDefinition } from "./docker/mod.ts";
import { journaldDefinition } from "./journald/mod.ts";
import { kubernetesDefinition } from "./kubernetes/mod.ts";
import { localDefinition } from "./local/mod.ts";
import { natsDefinition } from "./nats/mod.ts";
import { openfaasDefinition } from "./openfaas/mod.ts";
import type { ProviderDefinition, SharedProviderOptions } from "./provider_definition.ts";
import type { ProviderFlag } from "./provider_flag.ts";
import type { LogProvider } from "../types.ts";

export type { ProviderDefinition, SharedProviderOptions } from "./provider_definition.ts";
export type { FlagHelp, FlagValue, ProviderFlag } from "./provider_flag.ts";

/** The registry: every provider, in the order `--help` lists them; the first is the default. */
export const PROVIDERS = [
  localDefinition,
  kubernetesDefinition,
  dockerDefinition,
  journaldDefinition,
  openfaasDefinition,
  natsDefinition,
] as const;

/** One definition of {@linkcode PROVIDERS}, any kind. */
export type Definition = typeof PROVIDERS[number];

/** The name of a provider in {@linkcode PROVIDERS} (`local`, `kubernetes`, ...). */
export type ProviderKind = Definition["kind"];

/** The options of provider `K`, as its definition's `options` makes them. */
export type OptionsOf<K extends ProviderKind> = ReturnType<
  Extract<Definition, { readonly kind: K }>["options"]
>;

/** Every option name of every provider kind. */
export type OptionKeys = { [K in ProviderKind]: keyof OptionsOf<K> }[ProviderKind];
/** Provider `K`'s options with its `kind` and the shared ones. */
export type Member<K extends ProviderKind> =
  & { readonly kind: K }
  & SharedProviderOptions
  & OptionsOf<K>;

/**
 * What {@linkcode createProvider} takes: one member per kind, told apart by
 * `kind`, each with that provider's options and the shared ones. The options
 * of other kinds are typed as absent, so any of them can be read without
 * narrowing first (`undefined` for another kind's).
 */
export type ProviderOptions<K extends ProviderKind = ProviderKind> = {
  [P in K]: Member<P> & { readonly [F in Exclude<OptionKeys, keyof Member<P>>]?: undefined };
}[K];

/** The default provider's kind (the first of {@linkcode PROVIDERS}). */
export const DEFAULT_PROVIDER_KIND: ProviderKind = PROVIDERS[0].kind;

/** Whether `kind` names a provider fnlogs knows. */
export function isProviderKind(kind: string): kind is ProviderKind {
  return PROVIDERS.some((definition) => definition.kind === kind);
}

/**
 * The definition of provider `kind` (flags, options, create).
 *
 * @example
 * ```ts
 * import { providerDefinition } from "./mod.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const docker = providerDefinition("docker");
 * assertEquals(docker.flags.map((flag) => flag.name), [
 *   "docker-host",
 *   "reorder-window",
 *   "max-line-length",
 * ]);
 * ```
 */
export function providerDefinition<K extends ProviderKind>(
  kind: K,
): ProviderDefinition<K, OptionsOf<K>> {
  // Each definition's kind is its own, so the one found has K's options.
  return PROVIDERS.find((definition) => definition.kind === kind) as unknown as ProviderDefinition<
    K,
    OptionsOf<K>
  >;
}

/** Every flag of every provider once, in registry order. */
export function providerFlags(): ProviderFlag<unknown>[] {
  return [...new Set(PROVIDERS.flatMap((definition) => definition.flags))];
}

/**
 * Creates and starts the provider the options name, for the server and for
 * the client's direct mode alike. Throws `InvalidInputError` for options
 * that do not fit it.
 *
 * @example Read the local runner's history, then release it
 * ```ts ignore
 * import { createProvider } from "./mod.ts";
 *
 * await using provider = await createProvider({ kind: "local", stack: "examples/stack.yml" });
 * const { stream } = await provider.openLogs({ name: "hello", follow: false });
 * for await (const batch of stream) console.log(batch.length);
 * ```
 */
export async function createProvider(options: ProviderOptions): Promise<LogProvider> {
  return await providerDefinition(options.kind).create(options);
}

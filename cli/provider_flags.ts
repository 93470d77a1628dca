/**
 * The flags that choose and configure a provider, listed and parsed the same
 * way for `fnlogs serve` and for `fnlogs logs --provider ...` (direct mode),
 * from the providers' own declarations (`lib/providers/mod.ts`): nothing
 * here knows a particular provider.
 *
 * @module
 */
import {
  DEFAULT_PROVIDER_KIND,
  isProviderKind,
  providerDefinition,
  type ProviderFlag,
  providerFlags,
  type ProviderKind,
  type ProviderOptions,
  PROVIDERS,
} from "../lib/providers/mod.ts";
import { parseIntegerFlag } from "../lib/providers/provider_flag.ts";
import { UsageError } from "../lib/errors.ts";

/** Provider flags, by long name; each takes a value. */
export const PROVIDER_FLAGS: readonly string[] = [
  "provider",
  ...providerFlags().map((flag) => flag.name),
];

/** Where help texts start, and the widest a help line may make an entry. */
const HELP_COLUMN = 31;
const HELP_WIDTH = 100;

/** `  KIND        --flag VALUE   text`, the text's other lines under its first. */
function helpEntry(prefix: string, text: string): string {
  const [first, ...rest] = text.split("\n");
  const head = prefix.length <= HELP_COLUMN - 2
    ? prefix.padEnd(HELP_COLUMN) + first
    : prefix.length + 2 + first.length <= HELP_WIDTH
    ? `${prefix}  ${first}`
    : `${prefix}\n${" ".repeat(HELP_COLUMN)}${first}`;
  return [head, ...rest.map((line) => " ".repeat(HELP_COLUMN) + line)].join("\n") + "\n";
}

/** The flag's entry (`--a N, --b N` for flags listed with it), or "" when another lists it. */
function flagEntry(
  flag: ProviderFlag<unknown>,
  indent: string,
  all: readonly ProviderFlag<unknown>[],
): string {
  if (typeof flag.help !== "string") return "";
  const listed = [
    flag,
    ...all.filter((f) =>
      typeof f.help === "object" && "listedWith" in f.help && f.help.listedWith === flag
    ),
  ];
  return helpEntry(indent + listed.map((f) => `--${f.name} ${f.value}`).join(", "), flag.help);
}

function renderHelp(): string {
  const all = providerFlags();
  // "--stack implies local, --upstream openfaas"
  const implied = PROVIDERS.flatMap((definition) =>
    definition.flags.filter((flag) => flag.impliesProvider)
      .map((flag) => `--${flag.name} ${definition.kind}`)
  ).map((text, i) => i === 0 ? text.replace(" ", " implies ") : text);
  let help = "PROVIDERS\n" + helpEntry(
    "      --provider KIND",
    `where logs come from: ${PROVIDERS.map((d) => d.kind).join(", ")}\n` +
      `(default: ${DEFAULT_PROVIDER_KIND}; ${implied.join(", ")})`,
  );
  const listed = new Set<ProviderFlag<unknown>>();
  for (const definition of PROVIDERS) {
    let label = `  ${definition.kind.padEnd(12)}`;
    for (const flag of definition.flags) {
      if (flag.common || listed.has(flag)) continue;
      listed.add(flag);
      const entry = flagEntry(flag, label, all);
      if (entry === "") continue;
      help += entry;
      label = " ".repeat(label.length);
    }
  }
  for (const flag of all) if (flag.common) help += flagEntry(flag, "      ", all);
  return help;
}

/** Help text for the provider flags, shared by both commands. */
export const PROVIDER_FLAGS_HELP: string = renderHelp();

/**
 * A flag's whole-number value, `undefined` when the flag was not given.
 * Throws {@linkcode UsageError} for anything else or a value below `min`.
 */
export function integerFlag(
  flag: string,
  text: string | undefined,
  min: number,
): number | undefined {
  return text === undefined ? undefined : parseIntegerFlag(flag, text, min);
}

/**
 * Reads the provider flags through `get` (the flag's value or `undefined`).
 * The kind is `--provider`, else implied by a flag that implies its provider
 * (`--stack`: local, `--upstream`: openfaas), else `fallback`; `undefined`
 * when none applies (the client then talks to a gateway). Every provider
 * flag given is validated, whatever the kind; the chosen provider's flags
 * fall back to their environment variables. Throws {@linkcode UsageError}.
 *
 * @example
 * ```ts
 * import { parseProviderFlags } from "./provider_flags.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const flags: Record<string, string> = { upstream: "http://admin:pw@gw:8080" };
 * const options = parseProviderFlags((f) => flags[f], () => undefined);
 * assertEquals(options?.kind, "openfaas");
 * assertEquals(options?.upstream, "http://gw:8080");
 * assertEquals(options?.upstreamAuth, { kind: "basic", username: "admin", password: "pw" });
 * ```
 */
export function parseProviderFlags(
  get: (flag: string) => string | undefined,
  env: (name: string) => string | undefined,
  fallback?: ProviderKind,
): ProviderOptions | undefined {
  const kind = get("provider") ??
    PROVIDERS.find((definition) =>
      definition.flags.some((flag) => flag.impliesProvider && get(flag.name) !== undefined)
    )?.kind ??
    fallback;
  if (kind === undefined) return undefined;
  if (!isProviderKind(kind)) {
    throw new UsageError(
      `Unknown provider "${kind}": choose one of ${PROVIDERS.map((d) => d.kind).join(", ")}`,
    );
  }
  const given = new Map<ProviderFlag<unknown>, unknown>();
  for (const flag of providerFlags()) {
    const text = get(flag.name);
    if (text !== undefined) given.set(flag, flag.parse(text, flag.name));
  }
  const definition = providerDefinition(kind);
  const options = definition.options(<V>(flag: ProviderFlag<V>): V | undefined => {
    if (!definition.flags.includes(flag)) {
      throw new Error(`The ${kind} provider reads --${flag.name}, which it does not declare`);
    }
    const value = given.get(flag) as V | undefined;
    if (value !== undefined || flag.env === undefined) return value;
    const text = env(flag.env);
    return text === undefined ? undefined : flag.parse(text, flag.name);
  });
  // The options are those of `kind`'s own definition, so this is its member.
  return { ...options, kind } as ProviderOptions;
}

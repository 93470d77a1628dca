/**
 * What the shell completions offer: fnlogs' subcommands, each command's
 * flags as its help text documents them (so completions follow the help),
 * the values of the flags that take a fixed set, and which values are
 * files.
 *
 * @module
 */
import { PROVIDERS } from "../../lib/providers/mod.ts";

const PROVIDER_KINDS: readonly string[] = PROVIDERS.map((definition) => definition.kind);
import { BOOL_FLAGS, VALUE_FLAGS } from "../logs/canonicalize_args.ts";
import { LOGS_HELP } from "../logs/help.ts";
import { PROVIDER_FLAGS } from "../provider_flags.ts";
import { SERVE_HELP } from "../serve/help.ts";
import { SHIP_HELP } from "../ship/help.ts";

/** One flag of a command. */
export interface FlagSpec {
  readonly long: string;
  readonly short?: string;
  /**
   * What follows the flag: nothing (a switch), a file or a directory, one of
   * the config file's contexts, free text, or one of a fixed set of words.
   */
  readonly value?: "file" | "dir" | "context" | "text" | readonly string[];
  readonly description: string;
}

/** One subcommand. */
export interface CommandSpec {
  readonly name: string;
  readonly description: string;
  readonly flags: readonly FlagSpec[];
  /** Fixed words for its arguments (`completions bash|zsh|fish`). */
  readonly words?: readonly string[];
  /** Its arguments are function names, asked of the gateway (`logs`). */
  readonly functions?: boolean;
}

/** Flags whose values are a fixed set of words the help only names in prose. */
const VALUES: Readonly<Record<string, readonly string[]>> = {
  output: ["plain", "keyvalue", "json"],
  provider: PROVIDER_KINDS,
  color: ["auto", "always", "never"],
  "time-format": [
    "rfc3339",
    "rfc3339nano",
    "ansic",
    "unixdate",
    "rubydate",
    "rfc822",
    "rfc822z",
    "rfc850",
    "rfc1123",
    "rfc1123z",
  ],
};

const PROVIDER_COLUMN = `(?:(?:${PROVIDER_KINDS.join("|")})\\s+)?`;
/** `-g, --gateway URL`, `--tail[=BOOL]`, `--engine fnlogs|deno`, `--max-tail N`. */
const SPEC =
  /(?:-([a-zA-Z]), )?--([a-z][a-z0-9-]*)(\[=[A-Z]+\])?(?: ([A-Z][A-Z0-9_]*(?:,[A-Z][A-Z0-9_]*)*|[a-z]+(?:\|[a-z]+)+))?/;
const LINE = new RegExp(
  `^\\s+${PROVIDER_COLUMN}(${SPEC.source}(?:, ${SPEC.source})*)(?:\\s{2,}(.*))?$`,
);

function valueOf(long: string, placeholder: string | undefined): FlagSpec["value"] {
  if (VALUES[long] !== undefined) return VALUES[long];
  if (long === "context" && placeholder === "NAME") return "context";
  if (placeholder === undefined) return undefined;
  if (placeholder.includes("|")) return placeholder.split("|");
  if (placeholder === "FILE" || placeholder === "PATH") return "file";
  if (placeholder === "DIR") return "dir";
  return "text";
}

/**
 * The flags a help text documents, in its order: every line whose flag
 * column holds one or more `[-x, ]--long[ VALUE]` specs, its description
 * the rest of the line (or the next line when the column runs long).
 *
 * @example
 * ```ts
 * import { flagsOfHelp } from "./spec.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(flagsOfHelp("  -o, --output FORMAT      plain or json\n"), [
 *   { long: "output", short: "o", value: ["plain", "keyvalue", "json"], description: "plain or json" },
 * ]);
 * ```
 */
export function flagsOfHelp(help: string): FlagSpec[] {
  const lines = help.split("\n");
  const flags: FlagSpec[] = [];
  const seen = new Set<string>();
  for (const [i, line] of lines.entries()) {
    const match = LINE.exec(line);
    if (match === null) continue;
    const description = (match[match.length - 1] ?? lines[i + 1] ?? "").trim();
    for (const m of match[1].matchAll(new RegExp(SPEC.source, "g"))) {
      if (seen.has(m[2])) continue;
      seen.add(m[2]);
      const value = valueOf(m[2], m[4]);
      flags.push({
        long: m[2],
        ...(m[1] === undefined ? {} : { short: m[1] }),
        ...(value === undefined ? {} : { value }),
        description,
      });
    }
  }
  return flags;
}

/** `flags` plus the flags of `values` and `switches` it lacks (a flag only named in prose). */
function withFlags(
  flags: FlagSpec[],
  values: readonly string[],
  switches: readonly string[] = [],
): FlagSpec[] {
  const known = new Set(flags.map((f) => f.long));
  const more = [
    ...values.filter((long) => !known.has(long)).map((long) => ({
      long,
      value: valueOf(long, "TEXT"),
      description: "",
    })),
    ...switches.filter((long) => !known.has(long)).map((long) => ({ long, description: "" })),
  ];
  return [...flags, ...more];
}

/** The shells `fnlogs completions` writes scripts for. */
export const SHELLS = ["bash", "zsh", "fish"] as const;

/** fnlogs' subcommands, for the completion scripts. */
export function completionSpec(): CommandSpec[] {
  return [
    {
      name: "logs",
      description: "follow function logs, like faas-cli logs",
      flags: withFlags(flagsOfHelp(LOGS_HELP), Object.keys(VALUE_FLAGS), Object.keys(BOOL_FLAGS)),
      functions: true,
    },
    {
      name: "serve",
      description: "answer the OpenFaaS log API",
      // Its --context names a kubeconfig context, not one of fnlogs' config file.
      flags: withFlags(flagsOfHelp(SERVE_HELP), PROVIDER_FLAGS).map((f) =>
        f.value === "context" ? { ...f, value: "text" as const } : f
      ),
    },
    {
      name: "ship",
      description: "publish function logs to a NATS JetStream stream",
      // --from takes a provider kind (the shipper reads an orchestrator, never NATS).
      flags: withFlags(flagsOfHelp(SHIP_HELP), PROVIDER_FLAGS).map((f) =>
        f.long === "from"
          ? { ...f, value: PROVIDER_KINDS.filter((kind) => kind !== "nats") }
          : f.value === "context"
          ? { ...f, value: "text" as const }
          : f
      ),
    },
    {
      name: "completions",
      description: "print a shell completion script",
      flags: [],
      words: SHELLS,
    },
    { name: "version", description: "print fnlogs', Deno's version and the target", flags: [] },
    { name: "help", description: "show the help", flags: [] },
  ];
}

/**
 * The journald provider, as faasd stores logs: the journal entries of
 * `NS:NAME`, read through `journalctl`, resumed exactly by journal cursor.
 * Here: the provider and the decoder of journalctl's JSON output. May import
 * lib/ (streams, time, types, errors) and the shared files of
 * lib/providers/; never another provider or lib/client/.
 *
 * @module
 */
import type { ProviderDefinition } from "../provider_definition.ts";
import { anyText, type ProviderFlag } from "../provider_flag.ts";
import { MAX_LINE_LENGTH_FLAG, type MaxLineLengthOption } from "../shared_flags.ts";

/** What the journald provider is created with. */
export interface JournaldOptions extends MaxLineLengthOption {
  /** Read the journal files in this directory (default: the system journal). */
  readonly journalDir?: string;
  /** The journalctl program (default `journalctl`). */
  readonly journalctl?: string;
}

const JOURNAL_DIR: ProviderFlag<string> = {
  name: "journal-dir",
  value: "DIR",
  help: "read journal files there (default: the system journal)",
  parse: anyText,
};
const JOURNALCTL: ProviderFlag<string> = {
  name: "journalctl",
  value: "PATH",
  help: "the journalctl program",
  parse: anyText,
};

/** The journald provider in the registry. */
export const journaldDefinition: ProviderDefinition<"journald", JournaldOptions> = {
  kind: "journald",
  summary: "the journal entries of NS:NAME, through journalctl (faasd)",
  flags: [JOURNAL_DIR, JOURNALCTL, MAX_LINE_LENGTH_FLAG],
  options: (flag) => ({
    journalDir: flag(JOURNAL_DIR),
    journalctl: flag(JOURNALCTL),
    maxLineLength: flag(MAX_LINE_LENGTH_FLAG),
  }),
  create: async (options) => {
    const { JournaldProvider } = await import("./provider.ts");
    return new JournaldProvider({
      directory: options.journalDir,
      journalctl: options.journalctl,
      defaultNamespace: options.namespace,
      maxEntryLength: options.maxLineLength,
      onNotice: options.onNotice,
    });
  },
};

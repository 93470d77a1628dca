/**
 * The local provider, fnlogs' default: runs the functions of a stack file as
 * child processes and serves their logs from a history per function (on disk
 * too with `--data-dir`). Here: the provider, its replica supervisor and the
 * stack file. May import lib/ (history, async, ids, time, types, errors) and
 * the shared files of lib/providers/; never another provider or lib/client/.
 *
 * @module
 */
import type { ProviderDefinition } from "../provider_definition.ts";
import { anyText, integerAtLeast, nonEmptyText, type ProviderFlag } from "../provider_flag.ts";
import { MAX_LINE_LENGTH_FLAG, type MaxLineLengthOption } from "../shared_flags.ts";

/** What the local provider is created with. */
export interface LocalOptions extends MaxLineLengthOption {
  /** The stack file whose functions run as child processes. */
  readonly stack: string;
  /** History kept per function, in lines (default 10,000). */
  readonly historyLines?: number;
  /** History kept per function, in bytes (default 16 MiB). */
  readonly historyBytes?: number;
  /** Keep each function's history on disk there too (default: memory only). */
  readonly dataDir?: string;
  /** Bytes of files kept per function in `dataDir` (default 256 MiB). */
  readonly dataMaxBytes?: number;
  /** Bytes per segment file in `dataDir` (default a quarter of `dataMaxBytes`, at most 64 MiB). */
  readonly dataSegmentBytes?: number;
}

const STACK: ProviderFlag<string> = {
  name: "stack",
  value: "FILE",
  help: "stack file whose functions run as local processes",
  env: "FNLOGS_STACK",
  impliesProvider: true,
  parse: anyText,
};
const HISTORY_LINES: ProviderFlag<number> = {
  name: "history-lines",
  value: "N",
  help: "history kept per function (default 10000 lines, 16 MiB)",
  parse: integerAtLeast(1),
};
const HISTORY_BYTES: ProviderFlag<number> = {
  name: "history-bytes",
  value: "N",
  help: { listedWith: HISTORY_LINES },
  parse: integerAtLeast(1024),
};
const DATA_DIR: ProviderFlag<string> = {
  name: "data-dir",
  value: "DIR",
  help: "also keep each function's history in files there: a restart\n" +
    "keeps it and cursors resume (env FNLOGS_DATA_DIR; default off)",
  env: "FNLOGS_DATA_DIR",
  parse: nonEmptyText,
};
const DATA_MAX_BYTES: ProviderFlag<number> = {
  name: "data-max-bytes",
  value: "N",
  help: "disk kept per function (oldest file deleted first), and per\n" +
    "file (default 256 MiB, and a quarter of that up to 64 MiB)",
  parse: integerAtLeast(4096),
};
const DATA_SEGMENT_BYTES: ProviderFlag<number> = {
  name: "data-segment-bytes",
  value: "N",
  help: { listedWith: DATA_MAX_BYTES },
  parse: integerAtLeast(4096),
};

/** The local provider in the registry. */
export const localDefinition: ProviderDefinition<"local", LocalOptions> = {
  kind: "local",
  summary: "the functions of a stack file, run as child processes",
  flags: [
    STACK,
    HISTORY_LINES,
    HISTORY_BYTES,
    DATA_DIR,
    DATA_MAX_BYTES,
    DATA_SEGMENT_BYTES,
    MAX_LINE_LENGTH_FLAG,
  ],
  options: (flag) => ({
    stack: flag(STACK) ?? "stack.yml",
    historyLines: flag(HISTORY_LINES),
    historyBytes: flag(HISTORY_BYTES),
    dataDir: flag(DATA_DIR),
    dataMaxBytes: flag(DATA_MAX_BYTES),
    dataSegmentBytes: flag(DATA_SEGMENT_BYTES),
    maxLineLength: flag(MAX_LINE_LENGTH_FLAG),
  }),
  create: async (options) => {
    // The provider's code loads when one is made: parsing flags stays light.
    const [{ LocalProvider }, { loadStackFile }] = await Promise.all([
      import("./provider.ts"),
      import("./stack_file.ts"),
    ]);
    return await LocalProvider.start(await loadStackFile(options.stack), {
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
  },
};

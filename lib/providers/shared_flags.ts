/**
 * The flags (and the options they set) that several providers take, so that
 * each is declared once: a provider lists the flag object among its flags
 * and extends the option interface.
 *
 * @module
 */
import { integerAtLeast, type ProviderFlag } from "./provider_flag.ts";

/** Options of providers that cut long lines. */
export interface MaxLineLengthOption {
  /** Longer lines are cut with a marker (default 65,536 characters). */
  readonly maxLineLength?: number;
}

/** Options of providers that merge several instances. */
export interface ReorderWindowOption {
  /**
   * Merge instances in timestamp order within this window, in ms (default
   * 100; see `LogStreamMerger`).
   */
  readonly reorderWindowMs?: number;
}

/** `--max-line-length N`: sets {@linkcode MaxLineLengthOption.maxLineLength}. */
export const MAX_LINE_LENGTH_FLAG: ProviderFlag<number> = {
  name: "max-line-length",
  value: "N",
  help: "longer lines are cut with a marker (default 65536)",
  common: true,
  parse: integerAtLeast(16),
};

/** `--reorder-window MS`: sets {@linkcode ReorderWindowOption.reorderWindowMs}. */
export const REORDER_WINDOW_FLAG: ProviderFlag<number> = {
  name: "reorder-window",
  value: "MS",
  help: "merge pods in timestamp order within MS (default 100)",
  parse: integerAtLeast(0),
};

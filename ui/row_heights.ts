/**
 * A row's estimated height before it is drawn and measured: the view draws
 * only the rows on screen, and estimates stand in for the rest.
 *
 * @module
 */

/** What an estimate needs to know about the log's box and font. */
export interface RowMetrics {
  /** One line of text, in pixels. */
  readonly lineHeight: number;
  /** One character of the monospace font, in pixels. */
  readonly charWidth: number;
  /** The width text wraps at, in pixels. */
  readonly width: number;
  readonly wrap: boolean;
}

/**
 * The estimated height of a row of `chars` characters, plus `extraLines`
 * lines (expanded JSON).
 *
 * @example
 * ```ts ignore
 * estimateHeight(250, { lineHeight: 18, charWidth: 7.5, width: 750, wrap: true }); // 54: 3 lines
 * ```
 */
export function estimateHeight(chars: number, metrics: RowMetrics, extraLines = 0): number {
  const perLine = Math.max(1, Math.floor(metrics.width / metrics.charWidth));
  const lines = metrics.wrap ? Math.max(1, Math.ceil(chars / perLine)) : 1;
  return (lines + extraLines) * metrics.lineHeight;
}

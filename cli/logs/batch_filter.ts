/**
 * The client-side line filter of `fnlogs logs`: `--instance-filter`,
 * `--grep` and `--exclude`.
 *
 * @module
 */
import type { LogBatch, LogRecord } from "../../lib/types.ts";
import type { LogsOptions } from "./options.ts";

/** Keeps what `--instance-filter`, `--grep` and `--exclude` let through. */
export function makeFilter(options: LogsOptions): ((batch: LogBatch) => LogBatch) | undefined {
  const { instanceFilter, grep, exclude } = options;
  if (instanceFilter === undefined && grep.length === 0 && exclude.length === 0) return undefined;
  const keep = (m: LogRecord) =>
    (instanceFilter === undefined || m.instance === instanceFilter) &&
    (grep.length === 0 || grep.some((re) => re.test(m.text))) &&
    !exclude.some((re) => re.test(m.text));
  return (batch) => batch.filter(keep);
}

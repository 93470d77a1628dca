/**
 * Which rows the page shows: the search and exclude boxes (matched against the
 * line as written), the level and the instance filters together. Gap notices
 * and the page's own notices of the followed functions are always shown: a
 * filter must never hide that lines were lost.
 *
 * @module
 */
import type { Entry } from "./log_entry.ts";
import type { TextFilter } from "./text_filter.ts";
import type { Level } from "./view_state.ts";

/** The filters in force. */
export interface RowFilter {
  readonly query?: TextFilter;
  readonly exclude?: TextFilter;
  /** Levels shown; empty shows every line (those without a level too). */
  readonly levels: ReadonlySet<Level>;
  /** Instances shown; empty shows all. */
  readonly instances: ReadonlySet<string>;
  /** Functions shown, by name (absent: all). Lines of a function no longer followed stay hidden. */
  readonly functions?: ReadonlySet<string>;
}

/** Whether the row of `entry` is shown. */
export function rowMatches(entry: Entry, filter: RowFilter): boolean {
  if (
    filter.functions !== undefined && !filter.functions.has(entry.message.name)
  ) return false;
  if (entry.kind !== "line") return true;
  if (
    filter.instances.size > 0 && !filter.instances.has(entry.message.instance)
  ) return false;
  if (
    filter.levels.size > 0 &&
    (entry.level === undefined || !filter.levels.has(entry.level))
  ) {
    return false;
  }
  // The line as written: a JSON line's compact form is built only for the rows drawn.
  const text = entry.message.text;
  if (filter.exclude !== undefined && filter.exclude.test(text)) return false;
  return filter.query === undefined || filter.query.test(text);
}

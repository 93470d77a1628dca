/**
 * The view's filters from the state and the two text boxes: the boxes are
 * compiled (a broken regular expression filters nothing and is reported),
 * the rest comes from the state as it is.
 *
 * @module
 */
import type { RowFilter } from "./row_filter.ts";
import { compileFilter, type TextFilter } from "./text_filter.ts";
import type { ViewState } from "./view_state.ts";

/** The filters, the highlight, and what is wrong with the boxes. */
export interface ViewFilter {
  readonly filter: RowFilter;
  /** The search box's matches, to highlight. */
  readonly highlight?: TextFilter;
  /** `Search: ...` or `Exclude: ...` for a box that does not compile. */
  readonly problems: readonly string[];
  readonly queryInvalid: boolean;
  readonly excludeInvalid: boolean;
}

/** Compiles the filters of `state`. */
export function viewFilter(state: ViewState): ViewFilter {
  const problems: string[] = [];
  const compile = (text: string, label: string): TextFilter | undefined => {
    const compiled = compileFilter(text);
    if (compiled.kind === "error") problems.push(`${label}: ${compiled.message}`);
    return compiled.kind === "filter" ? compiled.filter : undefined;
  };
  const query = compile(state.query, "Search");
  const exclude = compile(state.exclude, "Exclude");
  return {
    filter: {
      ...(query === undefined ? {} : { query }),
      ...(exclude === undefined ? {} : { exclude }),
      levels: new Set(state.levels),
      instances: new Set(state.instances),
      functions: new Set(state.functions.map((f) => f.name)),
    },
    ...(query === undefined ? {} : { highlight: query }),
    problems,
    queryInvalid: compileFilter(state.query).kind === "error",
    excludeInvalid: compileFilter(state.exclude).kind === "error",
  };
}

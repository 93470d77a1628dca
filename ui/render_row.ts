/**
 * One row of the log, built as DOM nodes whose every piece of log text is a
 * text node: nothing a function writes is ever parsed as HTML.
 *
 * @module
 */
import { displayTime } from "./display_time.ts";
import type { Entry } from "./log_entry.ts";
import type { TextFilter } from "./text_filter.ts";

/** How rows are drawn. */
export interface RowOptions {
  readonly utc: boolean;
  /** Matches of the search box, highlighted. */
  readonly highlight?: TextFilter;
  /** Whether the JSON of a JSON line is shown pretty-printed below it. */
  readonly expanded?: boolean;
}

function span(className: string, text: string): HTMLSpanElement {
  const element = document.createElement("span");
  element.className = className;
  element.textContent = text;
  return element;
}

/** The message with the highlight's matches in `<mark>`s, all as text nodes. */
function messageNode(
  text: string,
  highlight: TextFilter | undefined,
): HTMLSpanElement {
  const ranges = highlight?.ranges(text) ?? [];
  if (ranges.length === 0) return span("msg", text);
  const element = document.createElement("span");
  element.className = "msg";
  let at = 0;
  for (const [start, end] of ranges) {
    if (start > at) element.append(text.slice(at, start));
    const mark = document.createElement("mark");
    mark.textContent = text.slice(start, end);
    element.append(mark);
    at = end;
  }
  if (at < text.length) element.append(text.slice(at));
  return element;
}

/**
 * `NAME (INSTANCE)`, the name and brackets in their own spans: a narrow
 * screen shows the instance alone (it holds the name as a rule).
 */
function sourceBadge(entry: Entry): HTMLSpanElement {
  const { name, instance } = entry.message;
  if (instance === "") return span("src", name);
  const badge = document.createElement("span");
  badge.className = "src";
  badge.append(span("fn", `${name} (`), instance, span("fn", ")"));
  return badge;
}

/** The pretty-printed JSON of a JSON line, as text. */
export function prettyJson(entry: Entry): HTMLPreElement {
  const pre = document.createElement("pre");
  pre.className = "json-pretty";
  pre.textContent = JSON.stringify(entry.json, null, 2);
  return pre;
}

/**
 * Builds the row of an entry: time, a `NAME (INSTANCE)` badge in the
 * instance's colour, the message, and for a JSON line a button that shows it
 * pretty-printed.
 *
 * @example
 * ```ts ignore
 * rows.append(renderRow(entry, { utc: false }));
 * ```
 */
export function renderRow(entry: Entry, options: RowOptions): HTMLDivElement {
  const row = document.createElement("div");
  row.className = "row";
  row.dataset.kind = entry.kind;
  if (entry.level !== undefined) row.dataset.level = entry.level;
  const time = displayTime(entry.message.timestamp, options.utc);
  const ts = document.createElement("span");
  ts.className = "ts";
  // Real spaces between the parts, so that copied rows read as they look.
  if (time !== undefined) {
    ts.append(span("date", time.date + " "), time.time + " ");
  }
  const source = sourceBadge(entry);
  source.style.setProperty("--h", String(entry.hue));
  row.append(ts, source, " ", messageNode(entry.display, options.highlight));
  if (entry.json !== undefined) {
    const toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "json-toggle";
    toggle.textContent = options.expanded ? "{ - }" : "{ + }";
    toggle.title = options.expanded ? "Collapse the JSON" : "Show the JSON pretty-printed";
    toggle.setAttribute("aria-expanded", String(options.expanded === true));
    row.append(toggle);
    if (options.expanded) row.append(prettyJson(entry));
  }
  return row;
}

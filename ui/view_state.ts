/**
 * What the page shows, as a value that round-trips through the URL's query
 * (`/ui/?fn=hello&fn=ticker&q=error&tail=1000`), so that a view can be
 * shared. Only what differs from the defaults is written.
 *
 * @module
 */

/** A function to follow: `NAME` (the server's default namespace) or `NAME.NAMESPACE`. */
export interface FunctionRef {
  readonly name: string;
  readonly namespace?: string;
}

/** The levels the page tells apart, most severe first. */
export const LEVELS = ["error", "warn", "info", "debug"] as const;
/** One of {@linkcode LEVELS}. */
export type Level = typeof LEVELS[number];

/** Where the history starts: the last N lines (`"all"`: every line), or a duration back. */
export type HistoryChoice =
  | { readonly tail: number | "all" }
  | { readonly since: string };

/** The whole view. */
export interface ViewState {
  readonly functions: readonly FunctionRef[];
  /** The search box. */
  readonly query: string;
  /** The exclude box. */
  readonly exclude: string;
  /** Levels shown; empty shows every line. */
  readonly levels: readonly Level[];
  /** Instances shown; empty shows all. */
  readonly instances: readonly string[];
  readonly history: HistoryChoice;
  readonly timestamps: boolean;
  readonly utc: boolean;
  readonly wrap: boolean;
  readonly theme: "auto" | "light" | "dark";
}

/** The view of a fresh page. */
export const DEFAULT_VIEW: ViewState = Object.freeze({
  functions: [],
  query: "",
  exclude: "",
  levels: [],
  instances: [],
  history: { tail: 100 },
  timestamps: true,
  utc: false,
  wrap: true,
  theme: "auto",
});

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,252}$/;
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;

/** `NAME` or `NAME.NAMESPACE` (function names hold no dot). */
export function formatFunctionRef(ref: FunctionRef): string {
  return ref.namespace === undefined ? ref.name : `${ref.name}.${ref.namespace}`;
}

/** The inverse of {@linkcode formatFunctionRef}; `undefined` for what is not a name. */
export function parseFunctionRef(text: string): FunctionRef | undefined {
  const dot = text.indexOf(".");
  const name = dot === -1 ? text : text.slice(0, dot);
  const namespace = dot === -1 ? undefined : text.slice(dot + 1);
  if (!NAME.test(name) || (namespace !== undefined && !NAME.test(namespace))) {
    return undefined;
  }
  return namespace === undefined ? { name } : { name, namespace };
}

function flag(value: string | null, fallback: boolean): boolean {
  if (value === "1" || value === "true") return true;
  if (value === "0" || value === "false") return false;
  return fallback;
}

/** Reads a view from a query string; what is missing or wrong takes its default. */
export function parseViewState(search: string | URLSearchParams): ViewState {
  const params = typeof search === "string" ? new URLSearchParams(search) : search;
  const seen = new Set<string>();
  const functions: FunctionRef[] = [];
  for (const text of params.getAll("fn")) {
    const ref = parseFunctionRef(text);
    if (ref === undefined || seen.has(formatFunctionRef(ref))) continue;
    seen.add(formatFunctionRef(ref));
    functions.push(ref);
  }
  const levelText = params.get("level") ?? "";
  const levels = LEVELS.filter((l) => levelText.split(",").includes(l));
  let history: HistoryChoice = DEFAULT_VIEW.history;
  const since = params.get("since");
  const tail = params.get("tail");
  if (since !== null && DURATION.test(since)) history = { since };
  else if (tail === "all") history = { tail: "all" };
  else if (tail !== null && /^[1-9]\d{0,6}$/.test(tail)) {
    history = { tail: Number(tail) };
  }
  const theme = params.get("theme");
  return {
    functions,
    query: params.get("q") ?? "",
    exclude: params.get("x") ?? "",
    levels,
    instances: [...new Set(params.getAll("inst").filter((i) => i !== ""))],
    history,
    timestamps: flag(params.get("ts"), DEFAULT_VIEW.timestamps),
    utc: flag(params.get("utc"), DEFAULT_VIEW.utc),
    wrap: flag(params.get("wrap"), DEFAULT_VIEW.wrap),
    theme: theme === "light" || theme === "dark" ? theme : "auto",
  };
}

/** Writes a view as a query string (`?...`, or `""` for the default view). */
export function formatViewState(state: ViewState): string {
  const params = new URLSearchParams();
  for (const ref of state.functions) {
    params.append("fn", formatFunctionRef(ref));
  }
  if (state.query !== "") params.set("q", state.query);
  if (state.exclude !== "") params.set("x", state.exclude);
  if (state.levels.length > 0) params.set("level", state.levels.join(","));
  for (const instance of state.instances) params.append("inst", instance);
  const history = state.history;
  if ("since" in history) params.set("since", history.since);
  else if (history.tail !== 100) params.set("tail", String(history.tail));
  if (state.timestamps !== DEFAULT_VIEW.timestamps) {
    params.set("ts", state.timestamps ? "1" : "0");
  }
  if (state.utc !== DEFAULT_VIEW.utc) params.set("utc", state.utc ? "1" : "0");
  if (state.wrap !== DEFAULT_VIEW.wrap) {
    params.set("wrap", state.wrap ? "1" : "0");
  }
  if (state.theme !== "auto") params.set("theme", state.theme);
  const text = params.toString();
  return text === "" ? "" : `?${text}`;
}

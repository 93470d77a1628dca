/**
 * The page: it reads the view from the URL, signs in if the server wants it,
 * lists the functions, follows the chosen ones (one `EventSource` each) into
 * one time-ordered log, and keeps the URL in step with every change.
 *
 * @module
 */
import { renderLogFile, renderNdjsonFile } from "./download_text.ts";
import { CountsDisplay } from "./counts_display.ts";
import type { Elements } from "./elements.ts";
import { FunctionPicker, sameFunction } from "./function_picker.ts";
import { FunctionStream, type StreamState } from "./function_stream.ts";
import { bindShortcuts } from "./keyboard.ts";
import type { LineReader } from "./line_reader.ts";
import { toEntry, type WireMessage } from "./log_entry.ts";
import { logStreamUrl, resumeStreamUrl } from "./log_stream_url.ts";
import { type LogCounts, LogView } from "./log_view.ts";
import { fetchSession, SignIn } from "./sign_in.ts";
import { InstanceList } from "./instance_list.ts";
import { saveFile } from "./save_file.ts";
import { StatusLight } from "./status_light.ts";
import { streamLimit, streamLimitNote } from "./stream_limit.ts";
import { viewFilter } from "./view_filter.ts";
import {
  formatFunctionRef,
  formatViewState,
  type FunctionRef,
  type HistoryChoice,
  type Level,
  LEVELS,
  parseFunctionRef,
  parseViewState,
  type ViewState,
} from "./view_state.ts";

/** The bounds of what the page holds. */
const MAX_ROWS = 20_000;
const MAX_CHARS = 24_000_000;

/** The page. */
export class App {
  readonly #el: Elements;
  readonly #read: LineReader;
  readonly #view: LogView;
  readonly #signIn: SignIn;
  readonly #logsUrl = new URL("../system/logs", location.href);
  readonly #streams = new Map<string, FunctionStream>();
  readonly #states = new Map<string, StreamState>();
  readonly #instances: InstanceList;
  #state: ViewState;
  #picker: FunctionPicker | undefined;
  #seq = 0;
  readonly #light: StatusLight;
  #filterTimer: ReturnType<typeof setTimeout> | undefined;
  #counts: LogCounts | undefined;
  #searching = false;
  readonly #countsDisplay: CountsDisplay;

  /** `read` tells each line's level and JSON (the shared parser, see `line_reader.ts`). */
  constructor(elements: Elements, read: LineReader) {
    this.#el = elements;
    this.#read = read;
    this.#state = parseViewState(location.search);
    this.#countsDisplay = new CountsDisplay(elements, MAX_ROWS);
    this.#light = new StatusLight(elements);
    this.#view = new LogView(
      { scroller: elements.log, rows: elements.rows },
      { maxItems: MAX_ROWS, maxChars: MAX_CHARS },
      (counts) => this.#showCounts(counts),
    );
    this.#signIn = new SignIn(
      {
        panel: elements.signIn,
        form: elements.signInForm,
        token: elements.token,
        error: elements.signInError,
        basicNote: elements.basicNote,
        signOut: elements.signOut,
      },
      new URL("session", location.href),
      () => location.reload(),
    );
    this.#instances = new InstanceList(elements.instances, (instance, on) => {
      const others = this.#state.instances.filter((i) => i !== instance);
      this.#update({ instances: on ? [...others, instance] : others });
      this.#applyFilters();
    });
    this.#bindControls();
    this.#showState();
    this.#applyFilters();
  }

  /** Signs in if needed, then lists the functions and follows the chosen ones. */
  async start(): Promise<void> {
    let session;
    try {
      session = await fetchSession(this.#signIn.url);
    } catch (error) {
      this.#light.set(
        "failed",
        `cannot reach the server: ${(error as Error).message}`,
      );
      return;
    }
    if (!session.signedIn && session.methods.length > 0) {
      this.#signIn.show(session);
      this.#light.set("failed", "sign-in needed");
      return;
    }
    this.#signIn.hide(session.cookie);
    this.#picker = new FunctionPicker(
      {
        list: this.#el.functions,
        find: this.#el.functionFind,
        note: this.#el.functionsNote,
      },
      {
        functionsUrl: new URL("../system/functions", location.href),
        namespaces: session.namespaces,
        selected: () => this.#state.functions,
        onToggle: (ref, on) => this.#toggleFunction(ref, on),
        onSignIn: () => void this.#needSignIn(),
        onListed: () => this.#renderInstances(),
      },
    );
    this.#picker.start();
    const limit = streamLimit();
    if (this.#state.functions.length > limit) {
      this.#update({ functions: this.#state.functions.slice(0, limit) });
      this.#picker.say(streamLimitNote(limit));
    }
    for (const ref of this.#state.functions) this.#follow(ref);
    this.#renderStatus();
  }

  #follow(ref: FunctionRef): void {
    for (const followed of this.#streams.keys()) {
      const other = parseFunctionRef(followed);
      if (other !== undefined && sameFunction(other, ref)) return; // Followed already.
    }
    const key = formatFunctionRef(ref);
    const stream = new FunctionStream(
      {
        url: logStreamUrl(this.#logsUrl, ref, this.#state.history, Date.now()),
        resumeUrl: (timestamp) => resumeStreamUrl(this.#logsUrl, ref, timestamp),
      },
      {
        onMessage: (message, kind, key) => this.#add(message, kind, key),
        onNotice: (text) =>
          this.#add({
            name: ref.name,
            namespace: ref.namespace ?? "",
            instance: "",
            timestamp: new Date().toISOString(),
            text: `[fnlogs page] ${ref.name}: ${text}`,
          }, "notice"),
        onState: (state) => {
          this.#states.set(key, state);
          if (state.kind === "failed" && state.signIn) void this.#needSignIn();
          this.#renderStatus();
        },
      },
    );
    this.#streams.set(key, stream);
  }

  /**
   * Stops following `ref` (named with or without its namespace: `?fn=a` and
   * the picker's `a.openfaas-fn` are one function) and, with `forget`, drops
   * its lines: following it again starts a fresh history, not a second copy.
   */
  #unfollow(ref: FunctionRef, forget = false): void {
    for (const key of [...this.#streams.keys()]) {
      const followed = parseFunctionRef(key);
      if (followed === undefined || !sameFunction(followed, ref)) continue;
      this.#streams.get(key)?.close();
      this.#streams.delete(key);
      this.#states.delete(key);
      if (forget) {
        this.#view.removeWhere((entry) =>
          sameFunction({
            name: entry.message.name,
            namespace: entry.message.namespace || undefined,
          }, followed)
        );
      }
    }
  }

  #add(message: WireMessage, kind: "line" | "gap" | "notice", key?: string): void {
    const entry = toEntry(message, this.#seq++, this.#read, kind, key);
    if (
      kind === "line" && this.#instances.note(message.instance, message.name)
    ) {
      this.#renderInstances();
    }
    this.#view.add(entry);
  }

  async #needSignIn(): Promise<void> {
    for (const stream of this.#streams.values()) stream.close();
    this.#streams.clear();
    this.#states.clear();
    this.#picker?.stop();
    const session = await fetchSession(this.#signIn.url).catch(() => undefined);
    this.#signIn.show(
      session ??
        {
          methods: ["token"],
          signedIn: false,
          cookie: false,
          namespaces: null,
        },
    );
    this.#light.set("failed", "sign-in needed");
  }

  #toggleFunction(ref: FunctionRef, on: boolean): void {
    const others = this.#state.functions.filter((r) => !sameFunction(r, ref));
    const limit = streamLimit();
    if (on && others.length >= limit) return this.#picker?.say(streamLimitNote(limit));
    this.#picker?.say("");
    this.#update({ functions: on ? [...others, ref] : others });
    if (on) this.#follow(ref);
    else this.#unfollow(ref, true);
    this.#applyFilters();
    this.#picker?.render();
    this.#renderInstances();
    this.#renderStatus();
  }

  #setHistory(history: HistoryChoice): void {
    this.#update({ history });
    for (const ref of this.#state.functions) this.#unfollow(ref);
    this.#view.clear();
    for (const ref of this.#state.functions) this.#follow(ref);
    this.#renderStatus();
  }

  #update(change: Partial<ViewState>): void {
    this.#state = { ...this.#state, ...change };
    const search = formatViewState(this.#state);
    history.replaceState(null, "", search === "" ? location.pathname : search);
  }

  /** Puts the state into the controls (at start). */
  #showState(): void {
    const s = this.#state, el = this.#el;
    el.query.value = s.query;
    el.exclude.value = s.exclude;
    for (const button of el.levels) {
      button.setAttribute(
        "aria-pressed",
        String(s.levels.includes(button.dataset.level as Level)),
      );
    }
    const history = "since" in s.history ? `since=${s.history.since}` : `tail=${s.history.tail}`;
    if (![...el.history.options].some((o) => o.value === history)) {
      el.history.add(new Option(history.replace("=", " "), history));
    }
    el.history.value = history;
    el.timestamps.checked = s.timestamps;
    el.utc.checked = s.utc;
    el.wrap.checked = s.wrap;
    this.#view.setDisplay(s.wrap, s.timestamps);
    this.#view.setUtc(s.utc);
    this.#showTheme();
  }

  #showTheme(): void {
    const theme = this.#state.theme;
    if (theme === "auto") delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
    this.#el.theme.textContent = `Theme: ${theme}`;
  }

  #bindControls(): void {
    const el = this.#el;
    const filterSoon = () => {
      clearTimeout(this.#filterTimer);
      this.#filterTimer = setTimeout(() => this.#applyFilters(), 60);
    };
    el.query.addEventListener("input", () => {
      this.#update({ query: el.query.value });
      filterSoon();
    });
    el.exclude.addEventListener("input", () => {
      this.#update({ exclude: el.exclude.value });
      filterSoon();
    });
    for (const button of el.levels) {
      button.addEventListener("click", () => {
        const level = button.dataset.level as Level;
        const on = button.getAttribute("aria-pressed") !== "true";
        button.setAttribute("aria-pressed", String(on));
        const levels = LEVELS.filter((l) => l === level ? on : this.#state.levels.includes(l));
        this.#update({ levels });
        this.#applyFilters();
      });
    }
    el.history.addEventListener("change", () => {
      const [kind, value] = el.history.value.split("=");
      this.#setHistory(
        kind === "since" ? { since: value } : { tail: value === "all" ? "all" : Number(value) },
      );
    });
    el.timestamps.addEventListener("change", () => {
      this.#update({ timestamps: el.timestamps.checked });
      this.#view.setDisplay(this.#state.wrap, this.#state.timestamps);
    });
    el.utc.addEventListener("change", () => {
      this.#update({ utc: el.utc.checked });
      this.#view.setUtc(el.utc.checked);
    });
    el.wrap.addEventListener("change", () => {
      this.#update({ wrap: el.wrap.checked });
      this.#view.setDisplay(this.#state.wrap, this.#state.timestamps);
    });
    el.theme.addEventListener("click", () => {
      const next = { auto: "light", light: "dark", dark: "auto" } as const;
      this.#update({ theme: next[this.#state.theme] });
      this.#showTheme();
    });
    const togglePause = () => this.#view.paused ? this.#view.resume() : this.#view.pause();
    el.pause.addEventListener("click", togglePause);
    el.clear.addEventListener("click", () => this.#view.clear());
    el.jump.addEventListener("click", () => this.#view.jumpToLatest());
    el.retry.addEventListener("click", () => {
      for (const stream of this.#streams.values()) stream.retry();
    });
    el.downloadLog.addEventListener("click", () => {
      const options = {
        timestamps: this.#state.timestamps,
        utc: this.#state.utc,
      };
      this.#download(
        "log",
        renderLogFile(this.#view.shown(), options),
        "text/plain",
      );
    });
    el.downloadNdjson.addEventListener("click", () => {
      this.#download(
        "ndjson",
        renderNdjsonFile(this.#view.shown()),
        "application/x-ndjson",
      );
    });
    el.menu.addEventListener("click", () => {
      const open = el.sidebar.classList.toggle("open");
      el.menu.setAttribute("aria-expanded", String(open));
    });
    bindShortcuts(document, {
      focusSearch: () => el.query.focus(),
      togglePause,
      jumpToLatest: () => this.#view.jumpToLatest(),
    });
  }

  #applyFilters(): void {
    const { filter, highlight, problems, queryInvalid, excludeInvalid } = viewFilter(this.#state);
    this.#el.query.setAttribute("aria-invalid", String(queryInvalid));
    this.#el.exclude.setAttribute("aria-invalid", String(excludeInvalid));
    this.#el.filterError.hidden = problems.length === 0;
    this.#el.filterError.textContent = problems.join("; ");
    this.#searching = highlight !== undefined;
    this.#view.setFilter(filter, highlight);
  }

  #renderInstances(): void {
    for (const [instance, name] of this.#picker?.instances() ?? []) {
      this.#instances.note(instance, name);
    }
    this.#instances.render(
      new Set(this.#state.functions.map((f) => f.name)),
      this.#state.instances,
    );
  }

  #showCounts(counts: LogCounts): void {
    this.#counts = counts;
    const s = this.#state;
    this.#countsDisplay.show(counts, {
      // The search applied, not the one being typed (its count comes when it is applied).
      searching: this.#searching,
      filtered: s.query !== "" || s.exclude !== "" || s.levels.length > 0 ||
        s.instances.length > 0,
      following: s.functions.length > 0,
    });
  }

  #renderStatus(): void {
    this.#light.show(this.#states);
    if (this.#counts !== undefined) this.#showCounts(this.#counts);
  }

  #download(extension: string, text: string, type: string): void {
    const names = this.#state.functions.map((f) => f.name).join("+") ||
      "fnlogs";
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    saveFile(`${names}-${stamp}.${extension}`, text, type);
  }
}

/**
 * The function picker: the functions of `GET /system/functions` (in each
 * namespace the server allows), refreshed, with their ready replicas, a box
 * to find one, and a checkbox each to follow it.
 *
 * @module
 */
import { formatFunctionRef, type FunctionRef } from "./view_state.ts";

/** A function as the picker lists it. */
interface Listed {
  readonly ref: FunctionRef;
  readonly namespace: string;
  readonly replicas: number;
  readonly available: number;
  readonly instances: readonly string[];
}

/** What the picker draws into. */
export interface PickerElements {
  readonly list: HTMLUListElement;
  readonly find: HTMLInputElement;
  readonly note: HTMLElement;
}

/** What the picker tells the page. */
export interface PickerOptions {
  /** `/system/functions`, resolved against the page. */
  readonly functionsUrl: URL;
  /** The namespaces to list (`null`: the server's default one). */
  readonly namespaces: readonly string[] | null;
  /** The functions followed now. */
  readonly selected: () => readonly FunctionRef[];
  /** The reader ticked or unticked a function. */
  readonly onToggle: (ref: FunctionRef, on: boolean) => void;
  /** The list was refreshed. */
  readonly onListed: () => void;
  /** The server wants credentials. */
  readonly onSignIn: () => void;
}

/** Whether two references name the same function (a missing namespace is the default). */
export function sameFunction(a: FunctionRef, b: FunctionRef): boolean {
  return a.name === b.name &&
    (a.namespace === undefined || b.namespace === undefined ||
      a.namespace === b.namespace);
}

function isListed(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null &&
    typeof (value as { name?: unknown }).name === "string";
}

/** The function picker. */
export class FunctionPicker {
  readonly #elements: PickerElements;
  readonly #options: PickerOptions;
  #listed: Listed[] = [];
  /** What the last listing said (a failure, no functions). */
  #listNote = "";
  /** What the page said about the choice (see `say`). */
  #pageNote = "";
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(elements: PickerElements, options: PickerOptions) {
    this.#elements = elements;
    this.#options = options;
    elements.find.addEventListener("input", () => this.render());
    elements.list.addEventListener("change", (event) => {
      const box = event.target;
      if (!(box instanceof HTMLInputElement) || box.dataset.ref === undefined) {
        return;
      }
      const listed = this.#listed.find((l) => formatFunctionRef(l.ref) === box.dataset.ref);
      const selected = this.#options.selected().find((r) =>
        formatFunctionRef(r) === box.dataset.ref
      );
      const ref = listed?.ref ?? selected;
      if (ref !== undefined) this.#options.onToggle(ref, box.checked);
    });
  }

  /** The instances the server lists, each with its function's name. */
  instances(): [instance: string, name: string][] {
    return this.#listed.flatMap((l) => l.instances.map((i): [string, string] => [i, l.ref.name]));
  }

  /** Lists the functions now and then every `everyMs`. */
  start(everyMs = 10_000): void {
    const tick = async () => {
      await this.refresh();
      this.#timer = setTimeout(tick, everyMs);
    };
    void tick();
  }

  /** Stops refreshing. */
  stop(): void {
    clearTimeout(this.#timer);
  }

  /** Asks the server for the functions and draws them. */
  async refresh(): Promise<void> {
    const namespaces = this.#options.namespaces;
    const targets = namespaces === null ? [undefined] : namespaces;
    const listed: Listed[] = [];
    const problems: string[] = [];
    for (const namespace of targets) {
      const url = new URL(this.#options.functionsUrl);
      if (namespace !== undefined) url.searchParams.set("namespace", namespace);
      let response: Response;
      try {
        response = await fetch(url, {
          headers: { accept: "application/json" },
        });
      } catch {
        problems.push("cannot reach the server");
        continue;
      }
      if (response.status === 401) {
        await response.body?.cancel();
        this.#options.onSignIn();
        return;
      }
      if (!response.ok) {
        problems.push(
          `${response.status}: ${(await response.text()).trim().slice(0, 200)}`,
        );
        continue;
      }
      const body: unknown = await response.json().catch(() => []);
      for (const f of Array.isArray(body) ? body.filter(isListed) : []) {
        const name = String(f.name),
          ns = String(f.namespace ?? namespace ?? "");
        listed.push({
          ref: namespace === undefined ? { name } : { name, namespace },
          namespace: ns,
          replicas: Number(f.replicas ?? 0),
          available: Number(f.availableReplicas ?? 0),
          instances: Array.isArray(f.instances) ? f.instances.map(String) : [],
        });
      }
    }
    listed.sort((a, b) =>
      a.namespace.localeCompare(b.namespace) ||
      a.ref.name.localeCompare(b.ref.name)
    );
    this.#listed = listed;
    this.#listNote = problems.length > 0
      ? `Listing functions failed: ${problems.join("; ")}`
      : listed.length === 0
      ? namespaces === null ? "No functions." : `No functions in ${namespaces.join(", ")}.`
      : "";
    this.render();
    this.#options.onListed();
  }

  /** Says something about the choice under the list, until the next `say`. */
  say(text: string): void {
    this.#pageNote = text;
    this.render();
  }

  /** Draws the list (what the find box matches, and every followed function). */
  render(): void {
    this.#elements.note.textContent = [this.#listNote, this.#pageNote].filter((t) => t !== "")
      .join(" ");
    const selected = this.#options.selected();
    const find = this.#elements.find.value.trim().toLowerCase();
    const items: { ref: FunctionRef; listed?: Listed }[] = this.#listed.map((
      l,
    ) => ({
      ref: l.ref,
      listed: l,
    }));
    for (const ref of selected) {
      if (!this.#listed.some((l) => sameFunction(ref, l.ref))) {
        items.unshift({ ref });
      }
    }
    const nodes: HTMLLIElement[] = [];
    for (const { ref, listed } of items) {
      const on = selected.some((r) => sameFunction(r, ref));
      if (!on && find !== "" && !ref.name.toLowerCase().includes(find)) {
        continue;
      }
      const li = document.createElement("li");
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.checked = on;
      box.dataset.ref = formatFunctionRef(ref);
      const name = document.createElement("span");
      name.className = "fn-name";
      name.textContent = ref.name;
      const ns = document.createElement("span");
      ns.className = "fn-ns";
      ns.textContent = listed?.namespace ?? ref.namespace ?? "";
      const ready = document.createElement("span");
      ready.className = "fn-ready";
      if (listed === undefined) {
        ready.textContent = "not listed";
      } else {
        ready.textContent = `${listed.available}/${listed.replicas}`;
        ready.title = `${listed.available} of ${listed.replicas} replicas ready`;
        ready.dataset.ready = String(
          listed.available >= listed.replicas && listed.replicas > 0,
        );
      }
      label.append(box, name, ns, ready);
      li.append(label);
      nodes.push(li);
    }
    const focused = document.activeElement instanceof HTMLInputElement &&
        this.#elements.list.contains(document.activeElement)
      ? document.activeElement.dataset.ref
      : undefined;
    this.#elements.list.replaceChildren(...nodes);
    if (focused !== undefined) {
      this.#elements.list.querySelector<HTMLInputElement>(
        `input[data-ref="${CSS.escape(focused)}"]`,
      )?.focus();
    }
  }
}

/**
 * The instance filter: every instance seen (or listed by the server) of the
 * followed functions, in its badge colour, with a checkbox each. None ticked
 * shows them all.
 *
 * @module
 */
import { instanceHue } from "./instance_hue.ts";

/** The instance filter's list. */
export class InstanceList {
  readonly #list: HTMLUListElement;
  /** Instance to its function's name. */
  readonly #known = new Map<string, string>();

  /** `onChange` gets the instance and whether it is now ticked. */
  constructor(
    list: HTMLUListElement,
    onChange: (instance: string, on: boolean) => void,
  ) {
    this.#list = list;
    list.addEventListener("change", (event) => {
      const box = event.target;
      if (box instanceof HTMLInputElement) onChange(box.value, box.checked);
    });
  }

  /** Notes an instance of a function; `true` when it is new (the list wants drawing). */
  note(instance: string, name: string): boolean {
    if (instance === "" || this.#known.get(instance) === name) return false;
    this.#known.set(instance, name);
    return true;
  }

  /** Draws the instances of the `followed` functions, and any `ticked` one. */
  render(followed: ReadonlySet<string>, ticked: readonly string[]): void {
    const items: HTMLLIElement[] = [];
    for (
      const [instance, name] of [...this.#known].sort(([a], [b]) => a.localeCompare(b))
    ) {
      if (!followed.has(name) && !ticked.includes(instance)) continue;
      const li = document.createElement("li");
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = instance;
      box.checked = ticked.includes(instance);
      const badge = document.createElement("span");
      badge.className = "src";
      badge.textContent = instance;
      badge.style.setProperty("--h", String(instanceHue(name, instance)));
      label.append(box, badge);
      li.append(label);
      items.push(li);
    }
    this.#list.replaceChildren(...items);
  }
}

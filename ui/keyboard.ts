/**
 * The page's keys: `/` focuses the search, space pauses and resumes, `G`
 * jumps to the newest line, `Escape` leaves a text box. Keys typed into a
 * box, or with a modifier, are left alone.
 *
 * @module
 */

/** What the keys do. */
export interface Shortcuts {
  focusSearch(): void;
  togglePause(): void;
  jumpToLatest(): void;
}

function typing(target: EventTarget | null): boolean {
  return target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    (target instanceof HTMLElement && target.isContentEditable);
}

/** Listens for the keys on `root`. */
export function bindShortcuts(root: Document, shortcuts: Shortcuts): void {
  root.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) {
      return;
    }
    if (typing(event.target)) {
      if (event.key === "Escape") (event.target as HTMLElement).blur();
      return;
    }
    if (event.key === "/") {
      event.preventDefault();
      shortcuts.focusSearch();
    } else if (
      event.key === " " && !(event.target instanceof HTMLButtonElement)
    ) {
      event.preventDefault();
      shortcuts.togglePause();
    } else if (event.key === "G") {
      event.preventDefault();
      shortcuts.jumpToLatest();
    }
  });
}

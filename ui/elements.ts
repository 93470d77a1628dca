/**
 * The page's elements, found once by id and checked for their type, so that
 * the rest of the code works with typed references.
 *
 * @module
 */

function find<T extends HTMLElement>(
  root: Document,
  id: string,
  type: { new (): T; readonly name: string },
): T {
  const element = root.getElementById(id);
  if (!(element instanceof type)) {
    throw new TypeError(`Cannot find the ${type.name} #${id}`);
  }
  return element;
}

/** Every element the page's code uses. */
export function findElements(root: Document) {
  const el = (id: string) => find(root, id, HTMLElement);
  const button = (id: string) => find(root, id, HTMLButtonElement);
  const input = (id: string) => find(root, id, HTMLInputElement);
  return {
    menu: button("menu"),
    sidebar: el("sidebar"),
    status: el("status"),
    statusText: el("status-text"),
    retry: button("retry"),
    theme: button("theme"),
    signOut: button("sign-out"),
    functionFind: input("function-find"),
    functions: find(root, "functions", HTMLUListElement),
    functionsNote: el("functions-note"),
    history: find(root, "history", HTMLSelectElement),
    instances: find(root, "instances", HTMLUListElement),
    query: input("query"),
    matchCount: el("match-count"),
    exclude: input("exclude"),
    levels: [...root.querySelectorAll<HTMLButtonElement>("button.level")],
    pause: button("pause"),
    clear: button("clear"),
    timestamps: input("timestamps"),
    utc: input("utc"),
    wrap: input("wrap"),
    downloadLog: button("download-log"),
    downloadNdjson: button("download-ndjson"),
    filterError: el("filter-error"),
    signIn: el("sign-in"),
    signInForm: find(root, "sign-in-form", HTMLFormElement),
    token: input("token"),
    signInError: el("sign-in-error"),
    basicNote: el("basic-note"),
    log: el("log"),
    dropped: el("dropped"),
    rows: el("rows"),
    empty: el("empty"),
    jump: button("jump"),
    counts: el("counts"),
  };
}

/** The page's elements (see {@linkcode findElements}). */
export type Elements = ReturnType<typeof findElements>;

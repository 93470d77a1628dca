/**
 * The layout's import rules, as a pure check over a list of imports, so a
 * test can prove each rule both holds for the tree and fails when broken.
 *
 * Paths are relative to the repository root (`lib/wire/encode_log_message.ts`).
 *
 * @module
 */

/** One static import: `from` imports `to` (both repository-relative). */
export interface Import {
  readonly from: string;
  readonly to: string;
}

/** A broken rule, with the import that breaks it. */
export interface Violation {
  readonly rule: string;
  readonly from: string;
  readonly to: string;
}

const under = (path: string, folder: string) => path.startsWith(folder);
/** `lib/providers/docker/client.ts` -> `docker`; files directly in `lib/providers/` -> undefined. */
const providerOf = (path: string) => /^lib\/providers\/([^/]+)\//.exec(path)?.[1];
/** The log API: files directly in `server/` (not its engines in `server/http/`). */
const isLogApi = (path: string) => /^server\/[^/]+$/.test(path);

/** Each rule: a name for people and a test of one import. */
export const RULES: readonly { name: string; breaks(from: string, to: string): boolean }[] = [
  {
    name: "lib/ never imports cli/ or server/",
    breaks: (from, to) => under(from, "lib/") && (under(to, "cli/") || under(to, "server/")),
  },
  {
    name: "server/ never imports cli/",
    breaks: (from, to) => under(from, "server/") && under(to, "cli/"),
  },
  {
    name: "cli/ imports server/ only from cli/serve/ (starting the server)",
    breaks: (from, to) => under(from, "cli/") && !under(from, "cli/serve/") && under(to, "server/"),
  },
  {
    name: "server/http/ (the engines) never imports the log API or lib/providers/",
    breaks: (from, to) =>
      under(from, "server/http/") && (isLogApi(to) || under(to, "lib/providers/")),
  },
  {
    name: "a provider never imports another provider",
    breaks: (from, to) => {
      const a = providerOf(from), b = providerOf(to);
      return a !== undefined && b !== undefined && a !== b;
    },
  },
  {
    name: "a provider never imports lib/client/ (the follow loop)",
    breaks: (from, to) => providerOf(from) !== undefined && under(to, "lib/client/"),
  },
  {
    name: "lib/wire/ imports only lib/types.ts and lib/wire/",
    breaks: (from, to) =>
      under(from, "lib/wire/") && under(to, "lib/") && to !== "lib/types.ts" &&
      !under(to, "lib/wire/"),
  },
  {
    name: "lib/parse/ imports only lib/parse/ (a browser page bundles it)",
    breaks: (from, to) => under(from, "lib/parse/") && !under(to, "lib/parse/"),
  },
];

/** Every import that breaks a rule, with the rule's name. */
export function checkImportRules(imports: readonly Import[]): Violation[] {
  const violations: Violation[] = [];
  for (const { from, to } of imports) {
    for (const rule of RULES) {
      if (rule.breaks(from, to)) violations.push({ rule: rule.name, from, to });
    }
  }
  return violations;
}

/**
 * The import cycles among the files: each strongly connected component of
 * more than one file (or a file that imports itself), as its files sorted.
 */
export function findCycles(imports: readonly Import[]): string[][] {
  const edges = new Map<string, string[]>();
  for (const { from, to } of imports) {
    if (!edges.has(from)) edges.set(from, []);
    if (!edges.has(to)) edges.set(to, []);
    edges.get(from)!.push(to);
  }
  // Tarjan's algorithm, iterative so that a deep graph cannot overflow the stack.
  const index = new Map<string, number>(), low = new Map<string, number>();
  const onStack = new Set<string>(), stack: string[] = [], cycles: string[][] = [];
  let next = 0;
  for (const root of edges.keys()) {
    if (index.has(root)) continue;
    const work: { node: string; i: number }[] = [{ node: root, i: 0 }];
    index.set(root, next), low.set(root, next++), stack.push(root), onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const targets = edges.get(frame.node)!;
      if (frame.i < targets.length) {
        const to = targets[frame.i++];
        if (!index.has(to)) {
          index.set(to, next), low.set(to, next++), stack.push(to), onStack.add(to);
          work.push({ node: to, i: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        const selfLoop = targets.includes(frame.node);
        if (component.length > 1 || selfLoop) cycles.push(component.sort());
      }
    }
  }
  return cycles;
}

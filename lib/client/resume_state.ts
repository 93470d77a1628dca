/**
 * Where a follow stopped, for several functions and gateways, as data that
 * outlives the process: the next run resumes exactly from it.
 *
 * @module
 */
import { ResumeStateError } from "../errors.ts";
import type { LogBatch } from "../types.ts";
import { spreadStands } from "../filters/stands_for.ts";
import { type InstancePosition, ResumeTracker, type ResumeTrackerState } from "./resume_tracker.ts";

/** The format version {@linkcode ResumeState} writes and reads. */
export const RESUME_STATE_VERSION = 1;

/** Which function a position belongs to. */
export interface FunctionRef {
  /** The gateway's URL (no trailing `/`), or `provider:KIND` for direct mode. */
  readonly source: string;
  /** The namespace as asked for (`""`: the default one). */
  readonly namespace: string;
  /** The function's name. */
  readonly name: string;
}

/** One function's position in {@linkcode ResumeStateJson}. */
export interface FunctionPosition extends FunctionRef, ResumeTrackerState {}

/** The JSON form of a {@linkcode ResumeState} (`JSON.stringify(state)`). */
export interface ResumeStateJson {
  /** Says what the JSON is. */
  readonly fnlogs: "resume-state";
  /** {@linkcode RESUME_STATE_VERSION}; other versions are refused. */
  readonly version: typeof RESUME_STATE_VERSION;
  /** Every source the state was used with (positions or not). */
  readonly sources: readonly string[];
  /** Where each function stopped. */
  readonly functions: readonly FunctionPosition[];
}

/** Options for {@linkcode ResumeState}. */
export interface ResumeStateOptions {
  /** A clock in milliseconds (default `performance.now`). */
  readonly now?: () => number;
  /** The wall clock in epoch milliseconds (default `Date.now`). */
  readonly wallNow?: () => number;
}

const keyOf = (ref: FunctionRef) => `${ref.source}\n${ref.namespace}\n${ref.name}`;

/**
 * The positions of several functions, perhaps on several gateways, as
 * `followLogs({ resumeState })` keeps them: it starts each function where
 * the state says, and advances the state as it hands out lines, so that the
 * state always covers exactly what the iteration gave you. Save it
 * (`JSON.stringify(state)`) after you handled a line, and a later process
 * that passes `ResumeState.parse(saved)` continues with the next line: by
 * cursor against `fnlogs serve`, by `since` plus the dropped overlap
 * against any other gateway.
 *
 * A state read back from JSON belongs to the sources (gateways) it was used
 * with: following another one with it throws {@linkcode ResumeStateError}
 * rather than apply one gateway's position to another. A function it holds
 * no position for starts as without a state.
 *
 * @example Save after each line; a new state from the saved text carries on
 * ```ts
 * import { ResumeState } from "./resume_state.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const ref = { source: "http://127.0.0.1:8080", namespace: "", name: "env" };
 * const line = (text: string, timestamp: string) => ({ name: "env", namespace: "", instance: "env-1", timestamp, text });
 * const state = new ResumeState();
 * state.advance(ref, [line("a", "2024-01-01T00:00:01Z"), line("b", "2024-01-01T00:00:01Z")]);
 * const saved = JSON.stringify(state);
 * const later = ResumeState.parse(saved);
 * assertEquals(later.start(ref)?.instances.map((p) => [p.timestamp, p.count]), [["2024-01-01T00:00:01Z", 2]]);
 * ```
 */
export class ResumeState {
  readonly #options: ResumeStateOptions;
  readonly #entries = new Map<string, { ref: FunctionRef; tracker: ResumeTracker }>();
  readonly #sources = new Set<string>();
  /** The sources of a state read back: no other may use it. */
  #fixed = false;
  #revision = 0;

  /** An empty state: every function starts as without one. */
  constructor(options: ResumeStateOptions = {}) {
    this.#options = options;
  }

  /**
   * How `followLogs` names the function `options` follow: the gateway's URL
   * without a trailing `/` (or `provider:KIND`), the namespace (`""` for the
   * default one), the name.
   */
  static refOf(options: {
    readonly gateway?: string;
    readonly provider?: { readonly kind: string };
    readonly namespace?: string;
    readonly name: string;
  }): FunctionRef {
    return {
      source: options.provider !== undefined
        ? `provider:${options.provider.kind}`
        : (options.gateway ?? "").replace(/\/+$/, ""),
      namespace: options.namespace ?? "",
      name: options.name,
    };
  }

  /** Reads {@linkcode ResumeStateJson} text; throws {@linkcode ResumeStateError}. */
  static parse(text: string, options: ResumeStateOptions = {}): ResumeState {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new ResumeStateError(`Cannot read a resume state: ${(error as Error).message}`);
    }
    return ResumeState.from(json, options);
  }

  /** Checks and restores {@linkcode ResumeStateJson}; throws {@linkcode ResumeStateError}. */
  static from(json: unknown, options: ResumeStateOptions = {}): ResumeState {
    const root = asRecord(json, "the resume state");
    if (root.fnlogs !== "resume-state") {
      throw new ResumeStateError(`Cannot read a resume state: it is not one of fnlogs'`);
    }
    if (root.version !== RESUME_STATE_VERSION) {
      throw new ResumeStateError(
        `Cannot read a resume state: its format version is ${
          JSON.stringify(root.version)
        }; this fnlogs reads version ${RESUME_STATE_VERSION}`,
      );
    }
    const state = new ResumeState(options);
    for (const source of asArray(root.sources, "sources")) {
      state.#sources.add(asString(source, "a source"));
    }
    for (const item of asArray(root.functions, "functions")) {
      const f = asRecord(item, "a function's position");
      const ref = {
        source: asString(f.source, "source"),
        namespace: asString(f.namespace, "namespace"),
        name: asString(f.name, "name"),
      };
      if (!state.#sources.has(ref.source)) {
        throw new ResumeStateError(
          `Cannot read a resume state: a position for ${ref.source}, which it does not list`,
        );
      }
      const instances = asArray(f.instances, "instances").map((value): InstancePosition => {
        const p = asRecord(value, "an instance's position");
        return {
          instance: asString(p.instance, "instance"),
          timestamp: asString(p.timestamp, "timestamp"),
          count: asNumber(p.count, "count"),
          heardAt: asNumber(p.heardAt, "heardAt"),
        };
      });
      const cursor = f.cursor === undefined ? undefined : asString(f.cursor, "cursor");
      let tracker: ResumeTracker;
      try {
        tracker = state.#tracker({ cursor, instances });
      } catch (error) {
        throw new ResumeStateError(`Cannot read a resume state: ${(error as Error).message}`);
      }
      state.#entries.set(keyOf(ref), { ref, tracker });
    }
    // A state that was never used takes any source.
    state.#fixed = state.#sources.size > 0;
    return state;
  }

  /** The sources (gateways) the state was used with. */
  get sources(): string[] {
    return [...this.#sources];
  }

  /** The functions it holds a position for. */
  get functions(): FunctionRef[] {
    return [...this.#entries.values()].map((e) => e.ref);
  }

  /** Grows by one with every {@linkcode advance} that moved a position (for savers). */
  get revision(): number {
    return this.#revision;
  }

  /**
   * Where `ref` stopped (`undefined`: nothing yet), and from now on the state
   * belongs to `ref.source` too. Throws {@linkcode ResumeStateError} when the
   * state was read back and `ref.source` is none of its sources.
   */
  start(ref: FunctionRef): ResumeTrackerState | undefined {
    this.use(ref.source, ref.name);
    return this.#entries.get(keyOf(ref))?.tracker.exportState();
  }

  /**
   * Makes `source` one of the state's sources (saved with it, whether lines
   * come from it or not). Throws {@linkcode ResumeStateError} when the state
   * was read back and `source` is none of its sources; `name` is for that
   * message.
   */
  use(source: string, name?: string): void {
    if (this.#sources.has(source)) return;
    if (this.#fixed) {
      throw new ResumeStateError(
        `Cannot resume ${name === undefined ? "" : `${JSON.stringify(name)} `}from ${source} ` +
          `with a resume state of ${[...this.#sources].join(", ")}`,
      );
    }
    this.#sources.add(source);
  }

  /** Moves `ref`'s position past `batch` (records of that function, in the order handed out). */
  advance(ref: FunctionRef, batch: LogBatch): void {
    if (batch.length === 0) return;
    const key = keyOf(ref);
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      this.#sources.add(ref.source);
      this.#entries.set(key, entry = { ref, tracker: this.#tracker(undefined) });
    }
    // Lines a stage folded into a record or dropped before it count too.
    entry.tracker.filter(spreadStands(batch));
    this.#revision++;
  }

  /** The JSON form; `JSON.stringify(state)` calls it. */
  toJSON(): ResumeStateJson {
    return {
      fnlogs: "resume-state",
      version: RESUME_STATE_VERSION,
      sources: [...this.#sources],
      functions: [...this.#entries.values()].map(({ ref, tracker }) => ({
        source: ref.source,
        namespace: ref.namespace,
        name: ref.name,
        ...tracker.exportState(),
      })),
    };
  }

  #tracker(state: ResumeTrackerState | undefined): ResumeTracker {
    return new ResumeTracker({ now: this.#options.now, wallNow: this.#options.wallNow, state });
  }
}

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ResumeStateError(`Cannot read a resume state: ${what} is not an object`);
  }
  return value as Record<string, unknown>;
}

function asArray(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) {
    throw new ResumeStateError(`Cannot read a resume state: ${what} is not a list`);
  }
  return value;
}

function asString(value: unknown, what: string): string {
  if (typeof value !== "string") {
    throw new ResumeStateError(`Cannot read a resume state: ${what} is not a string`);
  }
  return value;
}

function asNumber(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ResumeStateError(`Cannot read a resume state: ${what} is not a number`);
  }
  return value;
}

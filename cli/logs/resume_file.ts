/**
 * `fnlogs logs --resume-file FILE`: start where the last run with FILE
 * stopped, and keep FILE covering exactly the lines whose stdout write
 * completed.
 *
 * @module
 */
import { ResumeState, type ResumeStateJson } from "../../lib/client/resume_state.ts";
import { ResumeStateError } from "../../lib/errors.ts";
import type { LogBatch, LogRecord } from "../../lib/types.ts";
import type { ProviderOptions } from "../../lib/providers/mod.ts";
import { type Origin, originOf } from "./origin.ts";

/** What a resume file is for; a run with another selection refuses it. */
export interface ResumeSelection {
  /** The gateways' URLs, or the provider (`provider:docker`), as the resume state names them. */
  readonly sources: readonly string[];
  /** What the provider reads (its stack file, Docker host, ...); `""` for gateways. */
  readonly target: string;
  readonly namespace: string;
  /** The function names (sorted), or `"all"` for `--all`. */
  readonly functions: readonly string[] | "all";
}

/** The file's JSON: the library's resume state plus what it was for. */
interface ResumeFileJson extends ResumeStateJson {
  readonly selection: ResumeSelection;
}

const describe = (s: ResumeSelection) =>
  `${s.functions === "all" ? "--all" : s.functions.join(", ")}${
    s.namespace ? ` in namespace "${s.namespace}"` : ""
  } from ${s.sources.join(", ")}${s.target ? ` ${s.target}` : ""}`;

/** Sorted copies, so that the order of flags does not matter. */
function normalize(s: ResumeSelection): ResumeSelection {
  return {
    sources: [...new Set(s.sources)].sort(),
    target: s.target,
    namespace: s.namespace,
    functions: s.functions === "all" ? "all" : [...new Set(s.functions)].sort(),
  };
}

const same = (a: ResumeSelection, b: ResumeSelection) =>
  JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));

/**
 * One run's resume file. {@linkcode ResumeFile.start} is where the follow
 * loops begin (they advance it as they hand lines out);
 * {@linkcode ResumeFile.cover} advances the file's own position once the
 * lines were written, and {@linkcode ResumeFile.save} writes that position
 * atomically (`FILE.tmp`, fsync, rename over `FILE`) when it moved.
 */
export class ResumeFile {
  readonly path: string;
  /** Where the follow loops start from. */
  readonly start: ResumeState;
  readonly #written: ResumeState;
  readonly #selection: ResumeSelection;
  #savedRevision = -1;
  #saving: Promise<void> = Promise.resolve();
  #timer: ReturnType<typeof setInterval> | undefined;
  #timerError: { error: unknown } | undefined;

  private constructor(path: string, json: unknown, selection: ResumeSelection) {
    this.path = path;
    this.#selection = normalize(selection);
    this.start = json === undefined ? new ResumeState() : ResumeState.from(json);
    this.#written = json === undefined ? new ResumeState() : ResumeState.from(json);
  }

  /** What a provider reads, for {@linkcode ResumeSelection.target} (its stack file, Docker host, ...). */
  static targetOf(p: ProviderOptions): string {
    return p.stack ?? p.dockerHost ?? p.upstream ?? p.journalDir ?? p.context ?? p.kubeconfig ??
      p.servers?.join(",") ?? "";
  }

  /**
   * Reads `path` (a missing file is a fresh start) and checks that it was
   * written for `selection`, then saves it once to prove it can be written.
   * Throws {@linkcode ResumeStateError} for a file of another format version,
   * other gateways or other functions, or no resume file at all.
   */
  static async open(path: string, selection: ResumeSelection): Promise<ResumeFile> {
    let json: unknown;
    try {
      json = JSON.parse(await Deno.readTextFile(path));
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) {
        throw new ResumeStateError(
          error instanceof SyntaxError
            ? `Cannot use resume file ${path}: it is not JSON (${error.message})`
            : `Cannot use resume file ${path}: ${(error as Error).message}`,
        );
      }
    }
    let file: ResumeFile;
    try {
      file = new ResumeFile(path, json, selection);
    } catch (error) {
      if (!(error instanceof ResumeStateError)) throw error;
      throw new ResumeStateError(
        `Cannot use resume file ${path}: ${
          error.message.replace(/^Cannot read a resume state: /, "")
        }`,
      );
    }
    const saved = (json as Partial<ResumeFileJson> | undefined)?.selection;
    if (json !== undefined && (saved === undefined || !same(saved, selection))) {
      throw new ResumeStateError(
        `Cannot use resume file ${path}: it was written for ${
          saved === undefined ? "something else" : describe(normalize(saved))
        }, not for ${describe(file.#selection)}; give another file or remove it`,
      );
    }
    for (const source of file.#selection.sources) {
      file.start.use(source);
      file.#written.use(source);
    }
    try {
      await file.save(true);
    } catch (error) {
      throw new Error(`Cannot write resume file ${path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return file;
  }

  /**
   * Covers `records`, in the order they were written: records tagged by
   * {@linkcode withOrigin}, of one or more functions. Call it once their
   * stdout write completed (`BatchWriter.write(text, onWritten)`).
   */
  cover(records: LogBatch): void {
    let from = 0;
    let origin: Origin | undefined;
    for (let i = 0; i <= records.length; i++) {
      const next = i < records.length ? originOf(records[i]) : undefined;
      if (i === records.length || next !== origin) {
        if (origin !== undefined && i > from) {
          this.#written.advance(origin.ref, records.slice(from, i));
        }
        origin = next;
        from = i;
      }
    }
  }

  /**
   * The `onWritten` callback for one batch of the follow: it covers `batch`
   * up to and including `last` (a stop condition cut it there), or all of it.
   */
  coverer(batch: LogBatch, last?: LogRecord): () => void {
    const done = last === undefined ? batch : batch.slice(0, batch.indexOf(last) + 1);
    return () => this.cover(done);
  }

  /** Also saves every `ms` while the position moved without a write (lines filtered out). */
  saveEvery(ms: number): void {
    this.#timer = setInterval(() => {
      this.save().catch((error) => this.#timerError ??= { error });
    }, ms);
    Deno.unrefTimer(this.#timer);
  }

  /**
   * Writes the position when it moved since the last save (or with
   * `force`): `FILE.tmp` written and fsynced, then renamed over `FILE`, so
   * that FILE always holds one whole position. Saves never overlap.
   */
  save(force = false): Promise<void> {
    this.#saving = this.#saving.then(async () => {
      const revision = this.#written.revision;
      if (!force && revision === this.#savedRevision) return;
      const state = this.#written.toJSON();
      const json: ResumeFileJson = {
        fnlogs: state.fnlogs,
        version: state.version,
        selection: this.#selection,
        sources: state.sources,
        functions: state.functions,
      };
      const bytes = new TextEncoder().encode(JSON.stringify(json, null, 2) + "\n");
      const tmp = this.path + ".tmp";
      const file = await Deno.open(tmp, { write: true, create: true, truncate: true });
      try {
        for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
        await file.sync();
      } finally {
        file.close();
      }
      await Deno.rename(tmp, this.path);
      this.#savedRevision = revision;
    });
    return this.#saving;
  }

  /** Stops the periodic saves and saves what moved; throws a periodic save's failure. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.save();
    if (this.#timerError !== undefined) throw this.#timerError.error;
  }
}

/**
 * One function's log history on disk: append-only NDJSON segment files with
 * rotation, read back on start so that a restart keeps history and cursors.
 *
 * @module
 */

import { randomId } from "../ids/random_id.ts";
import {
  DEFAULT_MAX_BYTES as DEFAULT_HISTORY_BYTES,
  DEFAULT_MAX_LINES,
  type HistorySeed,
} from "./log_history.ts";
import {
  encodeRecords,
  loadNewest,
  type Meta,
  readMeta,
  readSegments,
  type Segment,
  segmentName,
  writeMeta,
} from "./_files.ts";
import type { LogRecord } from "../types.ts";

/** Options for {@linkcode HistoryStore.open}. */
export interface HistoryStoreOptions {
  /**
   * The most bytes of segment files kept (default 256 MiB): past it, the
   * oldest segments are deleted. The disk holds up to this plus one write.
   */
  readonly maxBytes?: number;
  /**
   * A new segment starts once the current one holds this many bytes
   * (default a quarter of `maxBytes`, at most 64 MiB; at most `maxBytes`).
   */
  readonly segmentBytes?: number;
  /** The most records read back (default 10,000, as `LogHistory` holds). */
  readonly loadLines?: number;
  /** The most text read back, in UTF-16 code units (default 16 MiB, as `LogHistory`). */
  readonly loadBytes?: number;
  /**
   * The most text waiting for the disk (default 64 MiB); lines past it are
   * not written, and that is reported.
   */
  readonly maxPendingBytes?: number;
  /** Receives what goes wrong: lines skipped on load, a failed write, lines not written. */
  readonly onNotice?: (message: string) => void;
}

interface Pending {
  readonly first: number;
  readonly records: readonly LogRecord[];
  readonly chars: number;
}

const MiB = 1024 * 1024;
const DEFAULT_MAX_BYTES = 256 * MiB;
const MAX_SEGMENT_BYTES = 64 * MiB;
const WRITE_CHUNK_CHARS = MiB;
const MAX_FORMER_IDS = 16;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Whether `error` says the disk (or the user's quota) is full. */
function diskFull(error: unknown): boolean {
  return /No space left|quota exceeded|ENOSPC|EDQUOT/i.test(
    `${error instanceof Error ? error.message : error} ${(error as { code?: string })?.code ?? ""}`,
  );
}

/**
 * Writes `meta`; on a full disk drops the oldest segments (never the newest)
 * one by one to make room and tries again. The error when it still cannot
 * (the directory stays as it was for the next run), else `undefined`.
 */
async function writeMetaMakingRoom(
  dir: string,
  meta: Meta,
  segments: { path: string; size: number }[],
): Promise<unknown> {
  for (;;) {
    try {
      await writeMeta(dir, meta);
      return undefined;
    } catch (error) {
      await Deno.remove(`${dir}/meta.json.tmp`).catch(() => {});
      if (!diskFull(error)) throw error;
      if (segments.length <= 1) return error;
      const oldest = segments.shift()!;
      await Deno.remove(oldest.path).catch(() => {});
    }
  }
}

/**
 * The files of one function's history in a directory of its own: `meta.json`
 * (the cursor id), a `lock` held while open, and segments named by the
 * sequence number of their first record (`00000000000000000000.ndjson`),
 * one JSON object per line: `{"seq":N,"timestamp":"...","instance":"...","text":"..."}`.
 *
 * `open` reads back the newest records (streaming from the end of the newest
 * segments) as a {@linkcode HistorySeed}. `append` only queues; the queue
 * is written in order by one async loop, in writes of about 1 MiB, encoding
 * the next while the previous one is in flight, so the event loop never
 * waits for the disk and a busy function gets big writes. There is no
 * fsync: a killed process loses nothing `write` took, a power cut may lose
 * the last seconds. On open, what follows the last readable line (a torn
 * line from a crash mid-write) is cut off and unreadable lines are skipped,
 * reported once. A failed write is reported once and ends writing (the
 * history goes on in memory); more than `maxPendingBytes` waiting for a
 * slow disk drops lines from the files and says so. Nothing throws.
 *
 * The id stays across a clean `close()`. After a crash the records served
 * last may not have reached the disk while their numbers are reused, so the
 * history gets a new id and keeps the old one as a former id, honoured only
 * for what was written.
 *
 * @example Write, close, open again
 * ```ts
 * import { HistoryStore } from "./history_store.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const dir = await Deno.makeTempDir();
 * const store = await HistoryStore.open(dir);
 * const at = { name: "fn", namespace: "ns", instance: "fn-abcde" };
 * store.append(0, [
 *   { ...at, timestamp: "2024-01-01T00:00:00.1Z", text: "one" },
 *   { ...at, timestamp: "2024-01-01T00:00:00.2Z", text: "two" },
 * ]);
 * await store.close();
 * const again = await HistoryStore.open(dir);
 * assertEquals(again.id, store.id);
 * assertEquals(again.seed.nextSequence, 2);
 * assertEquals(again.seed.records.map((r) => r.text), ["one", "two"]);
 * await again.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class HistoryStore {
  /** The directory. */
  readonly dir: string;
  /** The cursor prefix the history is to use. */
  readonly id: string;
  #seed: HistorySeed | undefined;
  /** Unreadable lines seen on open, a torn last line included. */
  readonly skipped: number;
  readonly #lock: Deno.FsFile;
  readonly #segments: Segment[];
  readonly #formerIds: Meta["formerIds"];
  readonly #maxBytes: number;
  readonly #segmentBytes: number;
  readonly #maxPending: number;
  readonly #notice: (message: string) => void;
  #file: Deno.FsFile | undefined;
  #queue: Pending[] = [];
  #pendingChars = 0;
  #total = 0;
  #next: number;
  #dropped = 0;
  #draining: Promise<void> | undefined;
  #failed = false;
  #closed: Promise<void> | undefined;

  private constructor(
    dir: string,
    lock: Deno.FsFile,
    meta: Meta,
    seed: HistorySeed,
    segments: Segment[],
    skipped: number,
    options: HistoryStoreOptions,
  ) {
    this.dir = dir;
    this.#lock = lock;
    this.id = meta.id;
    this.#formerIds = meta.formerIds;
    this.#seed = seed;
    this.#next = seed.nextSequence;
    this.#segments = segments;
    for (const segment of segments) this.#total += segment.size;
    this.skipped = skipped;
    this.#maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.#segmentBytes = Math.min(
      this.#maxBytes,
      options.segmentBytes ?? Math.min(MAX_SEGMENT_BYTES, Math.floor(this.#maxBytes / 4)),
    );
    this.#maxPending = options.maxPendingBytes ?? 64 * MiB;
    this.#notice = options.onNotice ?? (() => {});
  }

  /**
   * Opens (creating it if needed) and locks `dir`, reads the history back,
   * cuts a torn last line, and opens the newest segment for appending.
   * Throws when the directory cannot be used, for example when another
   * process holds it.
   */
  static async open(dir: string, options: HistoryStoreOptions = {}): Promise<HistoryStore> {
    for (const key of ["maxBytes", "segmentBytes", "loadLines", "loadBytes"] as const) {
      const v = options[key];
      if (v !== undefined && !(Number.isSafeInteger(v) && v >= 1)) {
        throw new RangeError(`Cannot use ${key} ${v}`);
      }
    }
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    const lock = await Deno.open(`${dir}/lock`, { write: true, create: true, mode: 0o600 });
    let store: HistoryStore | undefined;
    try {
      if (!await lock.tryLock(true)) {
        throw new Error(`Cannot use "${dir}": another fnlogs process holds it`);
      }
      const segments = await readSegments(dir);
      const loaded = await loadNewest(
        segments,
        options.loadLines ?? DEFAULT_MAX_LINES,
        options.loadBytes ?? DEFAULT_HISTORY_BYTES,
      );
      const newest = segments.at(-1);
      const notes: string[] = [];
      if (loaded.skipped > 0) notes.push(`skipped ${loaded.skipped} unreadable lines`);
      if (newest !== undefined && loaded.cut < newest.size) {
        notes.push(`cut the last ${newest.size - loaded.cut} bytes (after the last readable line)`);
        newest.size = loaded.cut;
        await Deno.truncate(newest.path, newest.size);
      }
      const old = await readMeta(dir);
      if (old === "bad") notes.push("meta.json was unreadable: old cursors no longer resume");
      const last = loaded.records[0];
      const next = Math.max(newest?.first ?? 0, (last?.seq ?? -1) + 1);
      const clean = old !== undefined && old !== "bad" && old.state === "closed" &&
        old.next === next;
      const formerIds = old === undefined || old === "bad"
        ? []
        : clean
        ? old.formerIds
        : [{ id: old.id, before: next }, ...old.formerIds];
      const oldest = segments[0]?.first ?? next;
      const meta: Meta = {
        id: clean ? old.id : randomId(10),
        state: "open",
        formerIds: formerIds.filter((f) => f.before > oldest).slice(0, MAX_FORMER_IDS),
      };
      const metaError = await writeMetaMakingRoom(dir, meta, segments);
      if (metaError !== undefined) {
        notes.push(`cannot write meta.json (${messageOf(metaError)}): logs kept in memory only`);
      }
      const contiguous = last !== undefined && last.seq + 1 === next;
      const seed: HistorySeed = {
        nextSequence: next,
        records: contiguous ? loaded.records.toReversed() : [],
        after: last,
        formerIds: meta.formerIds,
      };
      store = new HistoryStore(dir, lock, meta, seed, segments, loaded.skipped, options);
      if (notes.length > 0) store.#notice(`history in ${dir}: ${notes.join(", ")}`);
      if (metaError !== undefined) {
        // A full disk: serve from memory (what is on disk stays readable to the next run).
        store.#failed = true;
        return store;
      }
      await store.#openSegment(next);
      await store.#prune();
      return store;
    } catch (error) {
      if (store !== undefined) store.#file?.close();
      lock.close();
      throw error;
    }
  }

  /** Segment files, oldest first, with their sizes. */
  get segments(): readonly { readonly first: number; readonly size: number }[] {
    return this.#segments.map(({ first, size }) => ({ first, size }));
  }

  /** What the history starts from (until {@linkcode takeSeed} hands it over). */
  get seed(): HistorySeed {
    if (this.#seed === undefined) throw new Error("The seed was handed over");
    return this.#seed;
  }

  /**
   * Hands the seed over and forgets it: the history copies its records into
   * its ring, and the store must not keep them alive after the ring evicts them.
   */
  takeSeed(): HistorySeed {
    const seed = this.seed;
    this.#seed = undefined;
    return seed;
  }

  /** Whether writing stopped after an error (the history goes on in memory). */
  get failed(): boolean {
    return this.#failed;
  }

  /**
   * Queues records numbered from `firstSequence` on (as `LogHistory`'s
   * `onAppend` gives them) and starts writing unless a write runs. Never
   * throws; ignored after a failure or `close()`.
   */
  append(firstSequence: number, records: readonly LogRecord[]): void {
    if (this.#failed || this.#closed !== undefined || records.length === 0) return;
    let chars = 0;
    for (let i = 0; i < records.length; i++) chars += records[i].text.length + 80;
    if (this.#pendingChars + chars > this.#maxPending) {
      if (this.#dropped === 0) {
        this.#notice(`history in ${this.dir}: the disk is behind; lines are not written`);
      }
      this.#dropped += records.length;
      return;
    }
    if (this.#dropped > 0) {
      this.#notice(`history in ${this.dir}: ${this.#dropped} lines were not written`);
      this.#dropped = 0;
    }
    this.#queue.push({ first: firstSequence, records, chars });
    this.#pendingChars += chars;
    this.#next = firstSequence + records.length;
    this.#draining ??= Promise.resolve().then(() => this.#drain());
  }

  /** Resolves once everything queued so far is written (or writing failed). */
  async flush(): Promise<void> {
    while (this.#draining !== undefined) await this.#draining;
  }

  /**
   * Writes what is queued, closes the files and releases the directory;
   * after a clean run, records that the id stays valid. Safe to call twice.
   */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.flush();
      if (this.#dropped > 0) {
        this.#notice(`history in ${this.dir}: ${this.#dropped} lines were not written`);
      }
      this.#file?.close();
      this.#file = undefined;
      if (!this.#failed && this.#dropped === 0) {
        const meta: Meta = {
          id: this.id,
          state: "closed",
          next: this.#next,
          formerIds: this.#formerIds,
        };
        await writeMeta(this.dir, meta).catch((error) =>
          this.#notice(`history in ${this.dir}: cannot write meta.json: ${messageOf(error)}`)
        );
      }
      this.#lock.close();
    })();
    return this.#closed;
  }

  /**
   * Writes the queue in chunks of about 1 MiB, in order, encoding the next
   * chunk while the previous one is being written.
   */
  async #drain(): Promise<void> {
    let writing: Promise<void> | undefined;
    try {
      for (;;) {
        if (this.#queue.length === 0) {
          if (writing === undefined) break; // Nothing in flight and nothing queued: done.
          await writing; // Lines may be queued meanwhile.
          writing = undefined;
          continue;
        }
        let take = 0, chars = 0;
        while (take < this.#queue.length && (take === 0 || chars < WRITE_CHUNK_CHARS)) {
          chars += this.#queue[take++].chars;
        }
        const batch = this.#queue.splice(0, take);
        const bytes = encodeRecords(batch);
        this.#pendingChars -= chars;
        await writing;
        if (this.#segments.at(-1)!.size >= this.#segmentBytes) {
          await this.#openSegment(batch[0].first);
        }
        writing = this.#write(bytes);
      }
    } catch (error) {
      await writing?.catch(() => {});
      this.#failed = true;
      this.#queue = [];
      this.#file?.close();
      this.#file = undefined;
      this.#notice(
        `history in ${this.dir}: cannot write (${messageOf(error)}); ` +
          `keeping this function's logs in memory only`,
      );
    } finally {
      this.#draining = undefined;
    }
  }

  async #write(bytes: Uint8Array): Promise<void> {
    const file = this.#file!, segment = this.#segments.at(-1)!;
    for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
    segment.size += bytes.length;
    this.#total += bytes.length;
    if (this.#total > this.#maxBytes) await this.#prune();
  }

  /** Opens the newest segment for appending, or starts one at `first`. */
  async #openSegment(first: number): Promise<void> {
    const newest = this.#segments.at(-1);
    let segment = newest;
    if (newest === undefined || newest.size >= this.#segmentBytes) {
      segment = { first, path: `${this.dir}/${segmentName(first)}`, size: 0 };
    }
    const file = await Deno.open(segment!.path, {
      append: true,
      create: true,
      mode: 0o600,
    });
    this.#file?.close();
    this.#file = file;
    if (segment !== newest) this.#segments.push(segment!);
  }

  /** Deletes the oldest segments while all of them hold more than `maxBytes`. */
  async #prune(): Promise<void> {
    while (this.#total > this.#maxBytes && this.#segments.length > 1) {
      const oldest = this.#segments.shift()!;
      this.#total -= oldest.size;
      await Deno.remove(oldest.path).catch((error) => {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      });
    }
  }
}

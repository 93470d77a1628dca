/**
 * The file format of {@linkcode HistoryStore}: segment names, one JSON line
 * per record, and reading lines from the end of a file back.
 *
 * @module
 */

import type { SeedRecord } from "./log_history.ts";
import { formatTimestamp, parseTimestamp } from "../time/timestamp.ts";
import type { LogRecord } from "../types.ts";

/** A segment file: the sequence number of its first record, its path and size. */
export interface Segment {
  readonly first: number;
  readonly path: string;
  size: number;
}

/** A record read back, with its sequence number. */
export interface StoredRecord extends SeedRecord {
  readonly seq: number;
}

const SEGMENT = /^(\d{20})\.ndjson$/;
const CHUNK = 256 * 1024;
const NEWLINE = 10;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** `meta.json`. */
export interface Meta {
  readonly id: string;
  /** `closed`: every record before `next` was written; `open`: the run may have lost some. */
  readonly state: "open" | "closed";
  readonly next?: number;
  readonly formerIds: { readonly id: string; readonly before: number }[];
}

/** `meta.json` in `dir`: `undefined` when missing, `"bad"` when unreadable. */
export async function readMeta(dir: string): Promise<Meta | undefined | "bad"> {
  let text: string;
  try {
    text = await Deno.readTextFile(`${dir}/meta.json`);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  try {
    const meta = JSON.parse(text);
    if (
      typeof meta.id === "string" && /^[a-z0-9]{1,64}$/.test(meta.id) &&
      (meta.state === "open" || meta.state === "closed") && Array.isArray(meta.formerIds)
    ) return meta as Meta;
  } catch {
    // Reported below.
  }
  return "bad";
}

/** Replaces `meta.json` in `dir` in one rename. */
export async function writeMeta(dir: string, meta: Meta): Promise<void> {
  await Deno.writeTextFile(`${dir}/meta.json.tmp`, JSON.stringify(meta) + "\n", { mode: 0o600 });
  await Deno.rename(`${dir}/meta.json.tmp`, `${dir}/meta.json`);
}

/** What the newest segments hold, read from the end back. */
export interface Loaded {
  /** Newest first. */
  readonly records: StoredRecord[];
  /** Unreadable lines seen, including a torn last one. */
  readonly skipped: number;
  /** The size the newest segment is cut back to: the end of its last readable line. */
  readonly cut: number;
}

/**
 * Reads the newest records back (at most `maxLines`, or `maxChars` of text,
 * stopping at a gap in sequence or time) and finds where the newest segment's
 * last readable line ends.
 */
export async function loadNewest(
  segments: Segment[],
  maxLines: number,
  maxChars: number,
): Promise<Loaded> {
  const records: StoredRecord[] = [];
  let skipped = 0, cut = segments.at(-1)?.size ?? 0, chars = 0, done = false;
  for (let s = segments.length - 1; s >= 0 && !done; s--) {
    const newest = s === segments.length - 1;
    await readLinesBackwards(segments[s].path, segments[s].size, (record, start, end, tail) => {
      if (record === undefined) {
        if (tail && start === end) return true;
        skipped++;
        if (newest && records.length === 0) cut = start;
        return true;
      }
      const later = records.at(-1);
      if (
        later !== undefined &&
        (record.seq !== later.seq - 1 || record.seconds > later.seconds ||
          (record.seconds === later.seconds && record.nanos >= later.nanos))
      ) {
        done = true; // A gap: what is older cannot be held in one contiguous ring.
        return false;
      }
      records.push(record);
      chars += record.text.length;
      done = records.length >= maxLines || chars >= maxChars;
      return !done;
    });
  }
  return { records, skipped, cut };
}

/** The file name of the segment whose first record is `first`. */
export function segmentName(first: number): string {
  return String(first).padStart(20, "0") + ".ndjson";
}

/** The segments in `dir`, oldest first. */
export async function readSegments(dir: string): Promise<Segment[]> {
  const segments: Segment[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const m = SEGMENT.exec(entry.name);
    if (m === null || !entry.isFile) continue;
    const path = `${dir}/${entry.name}`;
    segments.push({ first: Number(m[1]), path, size: (await Deno.stat(path)).size });
  }
  return segments.sort((a, b) => a.first - b.first);
}

/**
 * Records as lines, `first` numbering the first record of each group. The
 * timestamps are `MonotonicClock` text, which needs no escaping.
 */
export function encodeRecords(
  groups: readonly { readonly first: number; readonly records: readonly LogRecord[] }[],
): Uint8Array {
  let text = "", instance = "", instanceJson = '""';
  for (const { first, records } of groups) {
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      if (r.instance !== instance) {
        instance = r.instance;
        instanceJson = JSON.stringify(instance);
      }
      text += '{"seq":' + (first + i) + ',"timestamp":"' + r.timestamp + '","instance":' +
        instanceJson + ',"text":' + JSON.stringify(r.text) + "}\n";
    }
  }
  return encoder.encode(text);
}

/** A line as a record, `undefined` when it is not one. */
export function parseLine(bytes: Uint8Array): StoredRecord | undefined {
  let value;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const { seq, instance, text } = value;
  let { timestamp } = value;
  if (
    !Number.isSafeInteger(seq) || seq < 0 || typeof timestamp !== "string" ||
    typeof instance !== "string" || typeof text !== "string"
  ) return undefined;
  const t = parseTimestamp(timestamp);
  if (t === undefined) return undefined;
  if (t.offsetSeconds !== 0) timestamp = formatTimestamp(t.seconds, t.nanos);
  return { seq, timestamp, instance, text, seconds: t.seconds, nanos: t.nanos };
}

async function readAt(file: Deno.FsFile, position: number, into: Uint8Array): Promise<void> {
  await file.seek(position, Deno.SeekMode.Start);
  for (let done = 0; done < into.length;) {
    const n = await file.read(into.subarray(done));
    if (n === null) throw new Error("File shrank while being read");
    done += n;
  }
}

/**
 * Reads the first `size` bytes of a file line by line from the end back, in
 * chunks. `visit` gets first the tail (what follows the last newline, empty
 * when the file ends with one; `tail` is true and `record` undefined), then
 * every line, newest first, parsed (`undefined` when unreadable), each with
 * the offsets where it starts and where the next one starts. It returns
 * `false` to stop.
 */
export async function readLinesBackwards(
  path: string,
  size: number,
  visit: (record: StoredRecord | undefined, start: number, end: number, tail: boolean) => boolean,
): Promise<void> {
  if (size === 0) return;
  using file = await Deno.open(path, { read: true });
  let end = size, carry = new Uint8Array(0), tail = true;
  while (end > 0) {
    const base = Math.max(0, end - CHUNK);
    const buffer = new Uint8Array(end - base + carry.length);
    await readAt(file, base, buffer.subarray(0, end - base));
    buffer.set(carry, end - base);
    let lineEnd = buffer.length;
    for (let i = end - base - 1; i >= 0; i--) {
      if (buffer[i] !== NEWLINE) continue;
      const next = tail ? size : base + lineEnd + 1;
      const record = tail ? undefined : parseLine(buffer.subarray(i + 1, lineEnd));
      if (!visit(record, base + i + 1, next, tail)) return;
      tail = false;
      lineEnd = i;
    }
    carry = buffer.slice(0, lineEnd);
    end = base;
  }
  visit(tail ? undefined : parseLine(carry), 0, tail ? size : carry.length + 1, tail);
}

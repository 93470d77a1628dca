/**
 * Every decoder fed seeded fuzz: valid input mixed with corrupt units
 * (random bytes, bad UTF-8, truncation, invalid JSON, JSON of the wrong
 * shape, lines without timestamps, bogus frame and chunk sizes), split into
 * chunks at random and at every boundary. Each decoder must not throw
 * (unless a typed error is its documented contract), must end (every input
 * is finite and awaited), must decode every valid unit exactly, and must
 * count what it skips where its contract says it counts.
 *
 * The contracts checked here:
 *
 * | decoder | corrupt unit | outcome |
 * |---|---|---|
 * | `NdjsonLogDecoderStream` (client) | garbage, invalid JSON, wrong shape, truncated, too long | skipped, counted once each |
 * | `SseLogDecoderStream` (client) | bad data, wrong shape, gap without count, too long, cut at the end | skipped, counted once each |
 * | `JournalEntryStream` | not a JSON object, truncated | skipped, counted once each; wrong field types give `""` |
 * | `watchPods` lines | not JSON, wrong shape, truncated | skipped, reported once each; the watch goes on |
 * | `KubernetesPodLogs` lines | no (valid) timestamp, bad UTF-8 | kept whole with timestamp `""` (counted as such) |
 * | `DockerFrameDecoder` | bad UTF-8, random payload, cut header or frame at the end, a header no daemon writes | kept as text (U+FFFD), a cut header dropped, nothing after a bad header (`corrupt`); never throws |
 * | `ChunkedDecoder`, `httpGet` | bad chunk size or framing | a `SyntaxError` (typed, documented), payload before it exact |
 * | `LineBatchStream` | anything | never throws; long lines cut with a marker |
 *
 * A Docker header that lies about its size loses the framing for the rest
 * of the body (no length-prefixed format can find its way back); that case
 * is checked for "no throw, bounded lines, everything before it exact".
 */
import { assert, assertEquals, assertInstanceOf } from "@std/assert";
import { ChunkedDecoder } from "../lib/http/chunked_decoder.ts";
import { DockerFrameDecoder, type DockerLine } from "../lib/providers/docker/frame_decoder.ts";
import { DockerFrameStream } from "../lib/providers/docker/frame_stream.ts";
import { httpGet } from "../lib/http/http_get.ts";
import { JournalEntryStream } from "../lib/providers/journald/entry_stream.ts";
import { KubernetesApi } from "../lib/providers/kubernetes/api.ts";
import { KubernetesPodLogs } from "../lib/providers/kubernetes/pod_logs.ts";
import { watchPods } from "../lib/providers/kubernetes/pod_watch.ts";
import { LineBatchStream } from "../lib/streams/line_batch_stream.ts";
import { cutMarker } from "../lib/streams/line_splitter.ts";
import { NdjsonLogDecoderStream } from "../lib/wire/ndjson_log_decoder_stream.ts";
import { SseLogDecoderStream } from "../lib/wire/sse_log_decoder_stream.ts";
import { toLogRecord } from "../lib/wire/to_log_record.ts";
import type { LogRecord } from "../lib/types.ts";
import { concat } from "@std/bytes";
import { byteByByte, everySplit, Fuzz, Tally, utf8 } from "./helpers/fuzz.ts";

const LF = 0x0a, CR = 0x0d;
/** First bytes that cannot start a JSON value nor be whitespace (0x80, 0xff: bad UTF-8). */
const BAD_START = [0x23, 0x78, 0x5a, 0x3c, 0x01, 0x7f, 0x80, 0xff];
/** Invalid JSON, one line each, that a decoder must skip as one unit. */
const INVALID_JSON = [
  '{"text":"a",}',
  '{"text" "a"}',
  '{"text":"bad \\x escape"}',
  '{"text":"\\u12G4"}',
  '{"text":tru}',
  '{"text":01}',
  '{"text":-}',
  '{"text":1.}',
  '{"text":"a"]',
  "{,}",
  '{"a":1 "b":2}',
  "{'text':'single'}",
];

/** Random bytes that start with a byte no JSON value starts with, without `exclude`. */
function garbage(f: Fuzz, max: number, exclude: readonly number[]): Uint8Array {
  return concat([Uint8Array.of(f.pick(BAD_START)), f.bytes(f.int(max), exclude)]);
}

/** Batches are never empty; returns them flattened. */
function flat<T>(batches: readonly (readonly T[])[]): T[] {
  for (const batch of batches) assert(batch.length > 0, "an empty batch");
  return batches.flat();
}

/**
 * The chunkings an input is decoded under: whole and at random, and for some
 * inputs byte by byte or cut in two at every boundary.
 */
function chunkings(f: Fuzz, n: number, bytes: Uint8Array): Uint8Array[][] {
  const out = [[bytes], f.split(bytes, f.between(1, 64))];
  if (n % 40 === 0 && bytes.length < 5000) out.push(byteByByte(bytes));
  if (n % 20 === 0 && bytes.length < 800) out.push(...everySplit(bytes));
  return out;
}

/** A wire message as a server (or a sloppy one) writes it, and what the client must read. */
function wireRecord(f: Fuzz): { json: string; record: LogRecord; object: Record<string, unknown> } {
  const values: Record<string, string> = {
    name: f.pick(["env", "figlet", ""]),
    namespace: f.pick(["openfaas-fn", "staging", ""]),
    instance: `env-${f.int(4)}`,
    timestamp: f.timestamp(),
    text: f.text(60),
  };
  const record = { name: "", namespace: "", instance: "", timestamp: "", text: "" };
  const object: Record<string, unknown> = {};
  const keys = ["name", "namespace", "instance", "timestamp", "text", "level"];
  for (let i = keys.length - 1; i > 0; i--) {
    const j = f.int(i + 1);
    [keys[i], keys[j]] = [keys[j], keys[i]];
  }
  for (const key of keys) {
    const r = f.next();
    if (key === "level") {
      if (r < 0.3) object.level = f.pick([1, true, { a: [1, "x", null] }, "info"]);
    } else if (r < 0.1) {
      // Missing: read as "".
    } else if (r < 0.15) {
      object[key] = null;
    } else {
      object[key] = values[key];
      record[key as keyof typeof record] = values[key];
    }
  }
  let json = JSON.stringify(object);
  // Go escapes <, > and & (only ever inside strings).
  if (f.chance(0.5)) json = json.replaceAll("<", "\\u003c").replaceAll("&", "\\u0026");
  return { json, record, object };
}

// ---------------------------------------------------------------------------
// NDJSON: the client's decoder of concatenated JSON values.

interface Expected {
  bytes: Uint8Array;
  records: LogRecord[];
  skips: number;
  corrupt: number;
}

const NDJSON_MAX = 800;

function ndjsonInput(f: Fuzz): Expected {
  const parts: Uint8Array[] = [];
  const records: LogRecord[] = [];
  let skips = 0, corrupt = 0;
  const eol = () => f.chance(0.8) ? "\n" : "\r\n";
  const valid = () => {
    const { json, record } = wireRecord(f);
    parts.push(utf8(json + eol()));
    records.push(record);
  };
  const bad = (bytes: Uint8Array) => {
    parts.push(bytes, utf8("\n"));
    skips++;
    corrupt++;
  };
  const units = f.between(1, 30);
  for (let u = 0; u < units; u++) {
    const r = f.next();
    if (r < 0.45) valid();
    else if (r < 0.5) {
      const { object, record } = wireRecord(f);
      parts.push(utf8(JSON.stringify(object, null, f.pick([1, 2, "\t"])) + eol()));
      records.push(record);
    } else if (r < 0.55) {
      const a = wireRecord(f), b = wireRecord(f);
      parts.push(utf8(a.json + f.pick(["", " ", "\t"]) + b.json + eol()));
      records.push(a.record, b.record);
    } else if (r < 0.65) bad(garbage(f, 80, [LF]));
    else if (r < 0.72) bad(utf8(f.pick(INVALID_JSON)));
    else if (r < 0.8) {
      bad(utf8(f.pick([
        '{"text":5}',
        '{"name":true}',
        '{"timestamp":{"a":1}}',
        '{"instance":["x"]}',
        '{"Text":1}',
        '[{"text":"a"}]',
        '"str"',
        "12",
        "-0.5e3",
        "true",
        "null",
        "[]",
      ])));
    } else if (r < 0.9) {
      // Cut off (anywhere, even inside a UTF-8 character), then a good line:
      // a value left open runs on into that line, and the decoder must give
      // it back. (No unit starts with "]", "}" or ",", which could close the
      // open value around it: one legitimate skip, the good line inside.)
      const bytes = utf8(wireRecord(f).json);
      bad(bytes.subarray(0, f.between(1, bytes.length - 1)));
      valid();
    } else if (r < 0.94) {
      bad(utf8(`{"text":"${"y".repeat(f.between(NDJSON_MAX, 3 * NDJSON_MAX))}"}`));
    } else {
      parts.push(utf8(f.pick(["\n", " \t\r\n", "\r\n"])));
    }
  }
  // Sometimes a last value without its newline: complete, or cut off.
  if (f.chance(0.3)) {
    const { json, record } = wireRecord(f);
    if (f.chance(0.5)) {
      parts.push(utf8(json));
      records.push(record);
    } else {
      const bytes = utf8(json);
      parts.push(bytes.subarray(0, f.between(1, bytes.length - 1)));
      skips++;
      corrupt++;
    }
  }
  return { bytes: concat(parts), records, skips, corrupt };
}

async function decodeNdjson(chunks: Uint8Array[], tally: Tally) {
  tally.run(chunks);
  let calls = 0;
  const decoder = new NdjsonLogDecoderStream({
    maxValueLength: NDJSON_MAX,
    onSkip: () => calls++,
  });
  const records = flat(
    await Array.fromAsync(
      ReadableStream.from(chunks).pipeThrough(new TextDecoderStream()).pipeThrough(decoder),
    ),
  );
  assertEquals(calls, decoder.skipped);
  return { records, skips: decoder.skipped };
}

Deno.test("NdjsonLogDecoderStream: fuzzed streams decode every valid value and count every skip", async () => {
  const tally = new Tally("NDJSON (client)");
  const f = new Fuzz(101);
  for (let n = 0; n < 500; n++) {
    const input = ndjsonInput(f);
    tally.inputs++;
    tally.corrupt += input.corrupt;
    const want = { records: input.records, skips: input.skips };
    const splits = chunkings(f, n, input.bytes);
    for (const chunks of splits) {
      assertEquals(await decodeNdjson(chunks, tally), want, `input ${n}`);
    }
    tally.records += input.records.length;
    tally.skips += input.skips;
  }
  // Pure noise: never throws, and reads the same whatever the chunking.
  for (let n = 0; n < 300; n++) {
    const noise = f.bytes(f.int(400));
    tally.inputs++;
    const whole = await decodeNdjson([noise], tally);
    assertEquals(await decodeNdjson(f.split(noise, 16), tally), whole, `noise ${n}`);
  }
  console.log(String(tally));
});

// ---------------------------------------------------------------------------
// Event stream: the client's decoder of fnlogs' text/event-stream extension.

const SSE_MAX = 1024;

interface SseExpected extends Expected {
  heartbeats: number;
  ended: boolean;
  retryMs: number | undefined;
}

function sseInput(f: Fuzz): SseExpected {
  const parts: string[] = [];
  const raw: Uint8Array[] = [];
  const records: LogRecord[] = [];
  let skips = 0, corrupt = 0, heartbeats = 0, cursor = 0;
  let retryMs: number | undefined;
  const eol = f.pick(["\n", "\r\n", "\r"]);
  const flush = () => {
    if (parts.length > 0) raw.push(utf8(parts.join("")));
    parts.length = 0;
  };
  const event = (lines: string[]) => parts.push(lines.map((l) => l + eol).join("") + eol);
  const bad = (lines: string[]) => {
    event(lines);
    skips++;
    corrupt++;
  };
  const units = f.between(1, 25);
  for (let u = 0; u < units; u++) {
    const r = f.next();
    if (r < 0.5) {
      const { json, record } = wireRecord(f);
      const lines: string[] = [];
      let id: string | undefined;
      if (f.chance(0.6)) {
        id = f.chance(0.9) ? `c${cursor++}` : "";
        lines.push(f.chance(0.5) ? `id: ${id}` : `id:${id}`);
      }
      if (f.chance(0.2)) lines.push("event: message");
      if (f.chance(0.1)) {
        lines.push(": ping");
        heartbeats++;
      }
      if (f.chance(0.1)) lines.push("unknown: field");
      const gap = f.chance(0.1) ? f.int(1000) : undefined;
      if (gap !== undefined) lines.push("event: gap");
      const data = gap === undefined
        ? json
        : json === "{}"
        ? `{"missed":${gap}}`
        : `{"missed":${gap},${json.slice(1)}`;
      // An empty data line before or after joins with "\n": still the same JSON.
      if (f.chance(0.1)) lines.push("data:");
      lines.push(f.chance(0.8) ? `data: ${data}` : `data:${data}`);
      if (f.chance(0.1)) lines.push("data");
      event(lines);
      const out: LogRecord = { ...record };
      if (id !== undefined && id !== "") Object.assign(out, { cursor: id });
      if (gap !== undefined) Object.assign(out, { missed: gap });
      records.push(out);
    } else if (r < 0.55) {
      parts.push(`: ping${eol}`);
      heartbeats++;
    } else if (r < 0.58) {
      event([`retry: ${retryMs = f.int(5000)}`]);
    } else if (r < 0.61) {
      event(["event: other", `data: ${wireRecord(f).json}`]);
    } else if (r < 0.63) {
      event([`id: c${cursor++}`]);
    } else if (r < 0.7) {
      flush();
      raw.push(utf8("data: "), garbage(f, 80, [LF, CR]), utf8(eol + eol));
      skips++;
      corrupt++;
    } else if (r < 0.76) bad([`data: ${f.pick(INVALID_JSON)}`]);
    else if (r < 0.83) {
      bad(f.pick([
        ["data: 12"],
        ["data: [1]"],
        ['data: "s"'],
        ["data: null"],
        ['data: {"text":5}'],
        ["event: gap", 'data: {"text":"x"}'],
        ["event: gap", 'data: {"missed":-1}'],
        ["event: gap", 'data: {"missed":1.5}'],
        ["event: gap", 'data: {"missed":"3"}'],
      ]));
    } else if (r < 0.93) {
      flush();
      const bytes = utf8(wireRecord(f).json);
      raw.push(
        utf8(`id: c${cursor++}${eol}data: `),
        bytes.subarray(0, f.between(1, bytes.length - 1)),
      );
      raw.push(utf8(eol + eol));
      skips++;
      corrupt++;
    } else {
      bad([`data: {"text":"${"y".repeat(f.between(SSE_MAX, 3 * SSE_MAX))}"}`]);
    }
  }
  let ended = false;
  if (f.chance(0.2)) {
    event(["event: end", "data: {}"]);
    ended = true;
  } else if (f.chance(0.3)) {
    // Cut off before its blank line: dropped and counted.
    const { json } = wireRecord(f);
    parts.push(f.pick([`data: ${json}${eol}`, `id: c${cursor++}${eol}data: ${json.slice(0, 5)}`]));
    skips++;
    corrupt++;
  }
  flush();
  return { bytes: concat(raw), records, skips, corrupt, heartbeats, ended, retryMs };
}

async function decodeSse(chunks: Uint8Array[], tally: Tally) {
  tally.run(chunks);
  let calls = 0, heartbeats = 0;
  const decoder = new SseLogDecoderStream({
    maxEventLength: SSE_MAX,
    onSkip: () => calls++,
    onHeartbeat: () => heartbeats++,
  });
  const records = flat(
    await Array.fromAsync(
      ReadableStream.from(chunks).pipeThrough(new TextDecoderStream()).pipeThrough(decoder),
    ),
  );
  assertEquals(calls, decoder.skipped);
  return {
    records,
    skips: decoder.skipped,
    heartbeats,
    ended: decoder.ended,
    retryMs: decoder.retryMs,
  };
}

Deno.test("SseLogDecoderStream: fuzzed event streams decode every valid event and count every skip", async () => {
  const tally = new Tally("event stream (client)");
  const f = new Fuzz(202);
  for (let n = 0; n < 400; n++) {
    const input = sseInput(f);
    tally.inputs++;
    tally.corrupt += input.corrupt;
    const { records, skips, heartbeats, ended, retryMs } = input;
    const want = { records, skips, heartbeats, ended, retryMs };
    const splits = chunkings(f, n, input.bytes);
    for (const chunks of splits) {
      assertEquals(await decodeSse(chunks, tally), want, `input ${n}`);
    }
    tally.records += records.length;
    tally.skips += skips;
  }
  for (let n = 0; n < 300; n++) {
    const noise = f.bytes(f.int(400));
    tally.inputs++;
    const whole = await decodeSse([noise], tally);
    assertEquals(await decodeSse(f.split(noise, 16), tally), whole, `noise ${n}`);
  }
  console.log(String(tally));
});

// ---------------------------------------------------------------------------
// Docker: multiplexed frames, chunked bodies, and the HTTP client around them.

const DOCKER_MAX = 512;

function frame(type: number, payload: Uint8Array, size = payload.length): Uint8Array {
  const out = new Uint8Array(8 + payload.length);
  out[0] = type;
  new DataView(out.buffer).setUint32(4, size);
  out.set(payload, 8);
  return out;
}

/** Lines as the oracle reads a payload that ends in "\n": U+FFFD for bad UTF-8, "\r\n" as "\n". */
function payloadLines(output: DockerLine["output"], bytes: Uint8Array): DockerLine[] {
  const lines = new TextDecoder().decode(bytes).split("\n").slice(0, -1);
  return lines.map((text) => ({ output, text: text.endsWith("\r") ? text.slice(0, -1) : text }));
}

interface DockerExpected {
  bytes: Uint8Array;
  lines: DockerLine[];
  corrupt: number;
}

function dockerInput(f: Fuzz, cutAtEnd = true): DockerExpected {
  const frames: Uint8Array[] = [];
  const lines: DockerLine[] = [];
  let corrupt = 0;
  const outputOf = (type: number): DockerLine["output"] => type === 2 ? "stderr" : "stdout";
  /** A line of one output, in one frame or in pieces that Docker stamps again. */
  const line = (type: number, between?: () => void) => {
    const text = `${f.timestamp()} ${f.text(60)}`;
    const bytes = utf8(text + (f.chance(0.1) ? "\r\n" : "\n"));
    const pieces = f.chance(0.7) ? 1 : f.between(2, 3);
    let at = 0;
    for (let p = 0; p < pieces; p++) {
      const end = p === pieces - 1 ? bytes.length : f.between(at + 1, bytes.length - (pieces - p));
      const stamp = p === 0 ? new Uint8Array() : utf8(f.timestamp() + " ");
      frames.push(frame(type, concat([stamp, bytes.subarray(at, end)])));
      at = end;
      if (p === 0 && pieces > 1) between?.();
      if (f.chance(0.1)) frames.push(frame(f.int(4), new Uint8Array()));
    }
    lines.push({ output: outputOf(type), text });
  };
  const units = f.between(1, 30);
  for (let u = 0; u < units; u++) {
    const r = f.next();
    const type = f.pick([0, 1, 1, 2]);
    if (r < 0.55) line(type);
    else if (r < 0.65) {
      // A line of the other output lands between the pieces of this one.
      const other = type === 2 ? 1 : 2;
      line(type, () => line(other));
    } else if (r < 0.7) {
      const text = `Error grabbing logs: ${f.text(40)}`;
      frames.push(frame(3, utf8(text + "\n")));
      lines.push({ output: "system", text });
    } else if (r < 0.9) {
      // Random bytes, bad UTF-8 included, ended by a newline.
      const junk = concat([f.bytes(f.int(200)), utf8("\n")]);
      frames.push(frame(type, junk));
      lines.push(...payloadLines(outputOf(type), junk));
      corrupt++;
    } else {
      frames.push(frame(f.int(4), new Uint8Array()));
    }
  }
  const end = cutAtEnd ? f.next() : 1;
  if (end < 0.15) {
    // A header cut short: dropped.
    frames.push(frame(1, new Uint8Array()).subarray(0, f.between(1, 7)));
    corrupt++;
  } else if (end < 0.3) {
    // A frame cut short, or a size far beyond the body: what came is a last line.
    const text = "cut" + "x".repeat(f.int(50));
    frames.push(frame(1, utf8(text), f.chance(0.5) ? 0xfffffff0 : text.length + 10));
    lines.push({ output: "stdout", text });
    corrupt++;
  }
  return { bytes: concat(frames), lines, corrupt };
}

async function decodeDocker(
  chunks: Uint8Array[],
  tally: Tally,
  framing: "auto" | "multiplexed" | "raw" = "auto",
): Promise<DockerLine[]> {
  tally.run(chunks);
  const stream = new DockerFrameStream({ timestamps: true, maxLineLength: DOCKER_MAX, framing });
  return flat(await Array.fromAsync(ReadableStream.from(chunks).pipeThrough(stream)));
}

Deno.test("DockerFrameStream: fuzzed bodies decode every valid line, keep junk as text, never throw", async () => {
  const tally = new Tally("Docker frames");
  const f = new Fuzz(303);
  for (let n = 0; n < 400; n++) {
    const input = dockerInput(f);
    tally.inputs++;
    tally.corrupt += input.corrupt;
    const splits = chunkings(f, n, input.bytes);
    for (const chunks of splits) {
      assertEquals(await decodeDocker(chunks, tally), input.lines, `input ${n}`);
    }
    tally.records += input.lines.length;
  }
  // Raw TTY bodies and noise under every framing: the same lines whatever the chunking.
  for (let n = 0; n < 300; n++) {
    const noise = f.bytes(f.int(600));
    tally.inputs++;
    const raw = await decodeDocker([noise], tally, "raw");
    const whole = new TextDecoder().decode(noise).split("\n");
    const last = whole.pop()!;
    const want = payloadLines("stdout", utf8(whole.map((l) => l + "\n").join(""))).map((l) => ({
      output: l.output,
      text: l.text.length > DOCKER_MAX
        ? l.text.slice(0, DOCKER_MAX) + cutMarker(l.text.length - DOCKER_MAX)
        : l.text,
    }));
    // The last line, without its newline, also loses a trailing "\r".
    if (last !== "") want.push({ output: "stdout", text: last.replace(/\r$/, "") });
    // (A raw body's last line is cut only if it is long; keep the check to short ones.)
    if (last.length <= DOCKER_MAX) assertEquals(raw, want, `raw ${n}`);
    for (const framing of ["auto", "multiplexed", "raw"] as const) {
      const once = await decodeDocker([noise], tally, framing);
      assertEquals(await decodeDocker(f.split(noise, 16), tally, framing), once, `noise ${n}`);
      for (const l of once) assert(l.text.length <= DOCKER_MAX + cutMarker(noise.length).length);
    }
  }
  console.log(String(tally));
});

Deno.test("DockerFrameDecoder: a header that lies about its size loses the framing, bounded, without throwing", () => {
  const f = new Fuzz(304);
  for (let n = 0; n < 200; n++) {
    const before = dockerInput(f, false), after = dockerInput(f);
    const liar = f.chance(0.5)
      ? frame(1, utf8("lie"), 0x7fffffff) // a size far beyond the body
      : frame(f.between(4, 255), utf8("odd\n")).map((b, i) => i > 0 && i < 4 ? f.int(256) : b);
    const lying = new DockerFrameDecoder({ timestamps: true, maxLineLength: DOCKER_MAX });
    const got = [
      ...lying.decode(before.bytes),
      ...lying.decode(liar),
      ...lying.decode(after.bytes),
      ...lying.end(),
    ];
    // Everything before the bad header ended its lines: all out, exact.
    assertEquals(got.slice(0, before.lines.length), before.lines, `input ${n}`);
    for (const l of got) {
      assert(l.text.length <= DOCKER_MAX + cutMarker(after.bytes.length).length, `input ${n}`);
    }
  }
});

interface ChunkedExpected {
  bytes: Uint8Array;
  payload: Uint8Array;
  /** `error`: a SyntaxError must come; `open`: the body is not over; `done`: read to the end. */
  outcome: "error" | "open" | "done";
}

function chunkedInput(f: Fuzz): ChunkedExpected {
  const parts: Uint8Array[] = [];
  const payload: Uint8Array[] = [];
  const eol = () => f.chance(0.9) ? "\r\n" : "\n";
  const chunks = f.int(8);
  const bad = f.chance(0.5) ? f.int(chunks + 1) : -1;
  for (let c = 0; c <= chunks; c++) {
    if (c === bad) {
      const kind = f.int(5);
      if (kind === 0) {
        parts.push(utf8(f.pick(["zz", "", "-1", "123456789", "0x10", "1 2"]) + eol()));
      } else if (kind === 1) {
        // More data than the size said: no CRLF where it must be.
        parts.push(utf8(`2${eol()}abc${eol()}`));
        payload.push(utf8("ab"));
      } else if (kind === 2) {
        parts.push(utf8(`1;${"e".repeat(5000)}${eol()}`));
      } else if (kind === 3) {
        // A size far beyond the body: read on until the connection ends.
        const rest = f.bytes(f.int(100));
        parts.push(utf8(`FFFFFFFF${eol()}`), rest);
        payload.push(rest);
        return { bytes: concat(parts), payload: concat(payload), outcome: "open" };
      } else {
        // Cut anywhere in this chunk.
        const data = f.bytes(f.between(1, 50));
        const sizeLine = utf8(`${data.length.toString(16)}${eol()}`);
        const whole = concat([sizeLine, data, utf8(eol())]);
        const at = f.int(whole.length);
        parts.push(whole.subarray(0, at));
        payload.push(data.subarray(0, Math.max(0, at - sizeLine.length)));
        return { bytes: concat(parts), payload: concat(payload), outcome: "open" };
      }
      return { bytes: concat(parts), payload: concat(payload), outcome: "error" };
    }
    if (c === chunks) break;
    const data = f.bytes(f.between(1, 300));
    let size = data.length.toString(16);
    if (f.chance(0.3)) size = size.toUpperCase().padStart(f.between(size.length, 8), "0");
    const extension = f.chance(0.2) ? ";name=value" : "";
    parts.push(utf8(size + extension + eol()), data, utf8(eol()));
    payload.push(data);
  }
  parts.push(utf8(`0${eol()}`));
  if (f.chance(0.3)) parts.push(utf8(`Trailer: x${eol()}`));
  parts.push(utf8(eol()), utf8("ignored after the end"));
  return { bytes: concat(parts), payload: concat(payload), outcome: "done" };
}

function decodeChunked(chunks: Uint8Array[], tally: Tally) {
  tally.run(chunks);
  const decoder = new ChunkedDecoder();
  const out: Uint8Array[] = [];
  let error: unknown;
  try {
    for (const chunk of chunks) out.push(decoder.decode(chunk));
  } catch (e) {
    error = e;
  }
  return { payload: concat(out), error, done: decoder.done };
}

function isPrefix(prefix: Uint8Array, of: Uint8Array): boolean {
  return prefix.length <= of.length && prefix.every((b, i) => b === of[i]);
}

Deno.test("ChunkedDecoder: fuzzed bodies give their payload exactly, or a SyntaxError after an exact prefix", () => {
  const tally = new Tally("HTTP chunked (Docker)");
  const f = new Fuzz(305);
  for (let n = 0; n < 1500; n++) {
    const input = chunkedInput(f);
    tally.inputs++;
    if (input.outcome !== "done") tally.corrupt++;
    const splits = [[input.bytes], f.split(input.bytes, f.between(1, 200))];
    if (n % 50 === 0 && input.bytes.length < 2000) splits.push(...everySplit(input.bytes));
    for (const chunks of splits) {
      const got = decodeChunked(chunks, tally);
      if (input.outcome === "error") {
        assertInstanceOf(got.error, SyntaxError, `input ${n}`);
        assert(isPrefix(got.payload, input.payload), `input ${n}`);
        tally.skips++;
      } else {
        assertEquals(got, {
          payload: input.payload,
          error: undefined,
          done: input.outcome === "done",
        });
      }
    }
  }
  console.log(String(tally) + " (skips: SyntaxErrors)");
});

Deno.test("httpGet(): fuzzed answers resolve with an exact body, or fail with an Error, never hang", async () => {
  const tally = new Tally("Docker HTTP client");
  const f = new Fuzz(306);
  const answers: Uint8Array[][] = [];
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const serving = (async () => {
    for await (const conn of listener) {
      const chunks = answers.shift() ?? [];
      (async () => {
        try {
          await conn.read(new Uint8Array(4096)); // the request, in one read on loopback
          for (const chunk of chunks) if (chunk.length > 0) await conn.write(chunk);
        } catch {
          // The client went away first.
        } finally {
          conn.close();
        }
      })();
    }
  })();
  const target = { hostname: "127.0.0.1", port: (listener.addr as Deno.NetAddr).port, host: "x" };
  const head = (extra: string) =>
    utf8(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n${extra}\r\n`);
  try {
    for (let n = 0; n < 150; n++) {
      const r = f.next();
      let answer: Uint8Array, want: { payload: Uint8Array; ok: "body" | "body-error" | "reject" };
      if (r < 0.5) {
        const body = chunkedInput(f);
        answer = concat([head("Transfer-Encoding: chunked\r\n"), body.bytes]);
        want = { payload: body.payload, ok: body.outcome === "done" ? "body" : "body-error" };
      } else if (r < 0.65) {
        const body = f.bytes(f.int(3000));
        const cut = f.chance(0.5);
        answer = concat([head(`Content-Length: ${body.length + (cut ? 10 : 0)}\r\n`), body]);
        want = { payload: body, ok: cut ? "body-error" : "body" };
      } else if (r < 0.85) {
        answer = concat([garbage(f, 200, [CR, LF]), utf8("\r\n\r\n")]);
        want = { payload: new Uint8Array(), ok: "reject" };
      } else {
        // No end of head at all: cut short, or far too long.
        answer = f.chance(0.5) ? utf8("HTTP/1.1 200 OK\r\nX: y") : f.bytes(70_000, [CR, LF]);
        want = { payload: new Uint8Array(), ok: "reject" };
      }
      tally.inputs++;
      if (want.ok !== "body") tally.corrupt++;
      const chunks = f.split(answer, f.between(1, 4000));
      answers.push(chunks);
      tally.run(chunks);
      let response: Response;
      try {
        response = await httpGet(target, "/containers/x/logs");
      } catch (error) {
        assertEquals(want.ok, "reject", `answer ${n}: ${error}`);
        assertInstanceOf(error, Error);
        tally.skips++;
        continue;
      }
      assert(want.ok !== "reject", `answer ${n} was accepted`);
      const reader = response.body!.getReader();
      const got: Uint8Array[] = [];
      let error: unknown;
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          got.push(value);
        }
      } catch (e) {
        error = e;
      }
      const payload = concat(got);
      if (want.ok === "body") {
        assertEquals([payload, error], [want.payload, undefined], `answer ${n}`);
        tally.records++;
      } else {
        assertInstanceOf(error, Error, `answer ${n}`);
        assert(isPrefix(payload, want.payload), `answer ${n}`);
        tally.skips++;
      }
    }
  } finally {
    listener.close();
    await serving;
  }
  console.log(String(tally) + " (records: whole bodies, skips: errors)");
});

// ---------------------------------------------------------------------------
// Kubernetes: pod log lines (RFC3339Nano-prefixed) and pod watch events.

/** The wire form of a kubelet timestamp: the fraction's trailing zeros trimmed. */
function trimmed(timestamp: string): string {
  return timestamp.replace(/\.(\d*?)0*Z$/, (_, digits) => digits === "" ? "Z" : `.${digits}Z`);
}

function podLogInput(f: Fuzz): Expected & { untimed: number } {
  const parts: Uint8Array[] = [];
  const records: LogRecord[] = [];
  let corrupt = 0, untimed = 0;
  const base = { name: "fn", namespace: "ns", instance: "fn-1" };
  /** A line without its end, and its end: a "\r" before the end (or the body's end) goes. */
  const untimedLine = (bytes: Uint8Array) => {
    const text = new TextDecoder().decode(bytes).replace(/\r$/, "");
    records.push({ ...base, timestamp: "", text });
    untimed++;
    corrupt++;
  };
  const units = f.between(1, 40);
  for (let u = 0; u <= units; u++) {
    const last = u === units;
    if (last && f.chance(0.5)) break;
    // The last unit, when there is one, has no newline (the body was cut).
    const eol = last ? "" : f.chance(0.9) ? "\n" : "\r\n";
    const r = f.next();
    if (r < 0.6) {
      const timestamp = f.timestamp();
      const text = f.chance(0.05) ? "" : f.text(60);
      const line = f.chance(0.05) && text === "" ? timestamp : `${timestamp} ${text}`;
      parts.push(utf8(line + eol));
      records.push({ ...base, timestamp: trimmed(timestamp), text });
    } else if (r < 0.8) {
      const bytes = garbage(f, 80, [LF]);
      parts.push(bytes, utf8(eol));
      untimedLine(bytes);
    } else if (r < 0.95) {
      const text = f.pick([
        "2024-13-45T25:61:61Z month 13",
        "2024-01-01T00:00:00 no zone",
        "2024-01-01 00:00:00Z a space inside",
        "1700000000 seconds since the epoch",
        " starts with a space",
      ]);
      parts.push(utf8(text + eol));
      untimedLine(utf8(text));
    } else if (!last) {
      parts.push(utf8(eol));
      untimedLine(new Uint8Array());
    }
  }
  return { bytes: concat(parts), records, skips: 0, corrupt, untimed };
}

async function decodePodLogs(chunks: Uint8Array[], tally: Tally): Promise<LogRecord[]> {
  tally.run(chunks);
  const api = new KubernetesApi({
    server: "http://k8s.invalid",
    fetch: () => Promise.resolve(new Response(ReadableStream.from(chunks))),
  });
  const logs = new KubernetesPodLogs({
    api,
    namespace: "ns",
    functionName: "fn",
    pod: "fn-1",
    container: "fn",
    follow: false,
  });
  return flat(await Array.fromAsync(logs.stream));
}

Deno.test("KubernetesPodLogs: fuzzed kubelet bodies give one record per line, untimed lines kept whole", async () => {
  const tally = new Tally("Kubernetes pod log lines");
  const f = new Fuzz(404);
  for (let n = 0; n < 400; n++) {
    const input = podLogInput(f);
    tally.inputs++;
    tally.corrupt += input.corrupt;
    const splits = chunkings(f, n, input.bytes);
    for (const chunks of splits) {
      const records = await decodePodLogs(chunks, tally);
      assertEquals(records, input.records, `input ${n}`);
      assertEquals(records.filter((r) => r.timestamp === "").length, input.untimed);
    }
    tally.records += input.records.length;
    tally.skips += input.untimed;
  }
  console.log(String(tally) + " (skips: kept without timestamp)");
});

interface WatchExpected extends Expected {
  events: string[];
  resourceVersion: string;
}

function watchInput(f: Fuzz): WatchExpected {
  const parts: Uint8Array[] = [];
  const events: string[] = [];
  let skips = 0, corrupt = 0, version = 1, resourceVersion = "1";
  const line = (text: string) => parts.push(utf8(text + (f.chance(0.9) ? "\n" : "\r\n")));
  const bad = (bytes: Uint8Array) => {
    parts.push(bytes, utf8("\n"));
    skips++;
    corrupt++;
  };
  const units = f.between(1, 30);
  for (let u = 0; u < units; u++) {
    const r = f.next();
    const rv = String(++version);
    if (r < 0.5) {
      const type = f.pick(["ADDED", "MODIFIED", "DELETED"]);
      const name = `fn-${f.int(5)}`;
      line(JSON.stringify({
        type,
        object: {
          kind: "Pod",
          metadata: { name, resourceVersion: rv, labels: { faas_function: "fn" } },
          status: { phase: f.pick(["Pending", "Running", "Succeeded"]) },
        },
      }));
      events.push(`${type} ${name}`);
      resourceVersion = rv;
    } else if (r < 0.6) {
      const type = f.pick(["BOOKMARK", "SOMETHING"]);
      line(JSON.stringify({ type, object: { metadata: { resourceVersion: rv } } }));
      resourceVersion = rv;
    } else if (r < 0.65) {
      parts.push(utf8(f.pick(["\n", "\r\n"])));
    } else if (r < 0.75) bad(garbage(f, 80, [LF]));
    else if (r < 0.8) bad(utf8(f.pick(INVALID_JSON)));
    else if (r < 0.9) {
      bad(utf8(f.pick([
        '{"type":"ADDED"}',
        '{"type":"ADDED","object":null}',
        '{"type":"MODIFIED","object":{"metadata":{}}}',
        '{"type":"DELETED","object":{"metadata":{"name":5}}}',
        '{"type":"ADDED","object":{"metadata":"x"}}',
        '{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":7}}}',
        '{"object":{"metadata":{"name":"fn-1"}}}',
        '{"type":1}',
        "[1]",
        "null",
        '"ADDED"',
      ])));
    } else {
      const bytes = utf8(JSON.stringify({ type: "ADDED", object: { metadata: { name: "x" } } }));
      bad(bytes.subarray(0, f.between(1, bytes.length - 1)));
    }
  }
  return { bytes: concat(parts), records: [], skips, corrupt, events, resourceVersion };
}

async function decodeWatch(chunks: Uint8Array[], tally: Tally) {
  tally.run(chunks);
  const abort = new AbortController();
  const urls: string[] = [];
  const fetchFn: typeof fetch = (input, init) => {
    urls.push(String(input));
    if (urls.length === 1) return Promise.resolve(new Response(ReadableStream.from(chunks)));
    // The watch ended and came back for more: that is all this test wanted.
    abort.abort();
    return Promise.reject(init?.signal?.reason);
  };
  const events: string[] = [];
  let skips = 0;
  await watchPods({
    api: new KubernetesApi({ server: "http://k8s.invalid", fetch: fetchFn }),
    namespace: "ns",
    labelSelector: "faas_function=fn",
    resourceVersion: "1",
    signal: abort.signal,
    onEvent: ({ type, pod }) => events.push(`${type} ${pod.metadata.name}`),
    onRelist: () => events.push("relist"),
    onSkip: () => skips++,
    onNotice: (message) => events.push(`notice ${message}`),
    backoff: { next: () => 0, reset() {} },
  });
  const resourceVersion = new URL(urls[1]).searchParams.get("resourceVersion");
  return { events, skips, resourceVersion };
}

Deno.test("watchPods(): fuzzed watch bodies deliver every event, skip and count the rest, resume after the last", async () => {
  const tally = new Tally("Kubernetes pod watch lines");
  const f = new Fuzz(405);
  for (let n = 0; n < 300; n++) {
    const input = watchInput(f);
    tally.inputs++;
    tally.corrupt += input.corrupt;
    const want = {
      events: input.events,
      skips: input.skips,
      resourceVersion: input.resourceVersion,
    };
    const splits = chunkings(f, n, input.bytes);
    for (const chunks of splits) assertEquals(await decodeWatch(chunks, tally), want, `input ${n}`);
    tally.records += input.events.length;
    tally.skips += input.skips;
  }
  console.log(String(tally));
});

Deno.test("watchPods(): a line that is not an event is skipped with a notice, and the events after it still arrive", async () => {
  // Regression: one bad line threw out of the read loop, so the events after it
  // in the same answer were lost and the watch reconnected.
  const added = (name: string) =>
    JSON.stringify({ type: "ADDED", object: { metadata: { name, resourceVersion: "5" } } });
  const body = `${added("fn-1")}\nnot json\n{"type":"ADDED"}\n${added("fn-2")}\n`;
  const abort = new AbortController();
  let calls = 0;
  const events: string[] = [], notices: string[] = [];
  await watchPods({
    api: new KubernetesApi({
      server: "http://k8s.invalid",
      fetch: (_input, init) => {
        if (calls++ === 0) return Promise.resolve(new Response(body));
        abort.abort();
        return Promise.reject(init?.signal?.reason);
      },
    }),
    namespace: "ns",
    labelSelector: "faas_function=fn",
    resourceVersion: "1",
    signal: abort.signal,
    onEvent: ({ type, pod }) => events.push(`${type} ${pod.metadata.name}`),
    onRelist: () => {},
    onNotice: (message) => notices.push(message),
  });
  assertEquals(events, ["ADDED fn-1", "ADDED fn-2"]);
  assertEquals(notices, [
    "pod watch: skipped a line (not a watch event): not json",
    'pod watch: skipped a line (not a watch event): {"type":"ADDED"}',
  ]);
});

// ---------------------------------------------------------------------------
// journald: `journalctl --output=json` lines.

function journalTimestamp(micros: number): string {
  const seconds = Math.floor(micros / 1e6), fraction = micros % 1e6;
  const whole = new Date(seconds * 1000).toISOString().slice(0, 19);
  if (fraction === 0) return whole + "Z";
  return `${whole}.${String(fraction).padStart(6, "0").replace(/0+$/, "")}Z`;
}

function journalInput(f: Fuzz): Expected {
  const parts: Uint8Array[] = [];
  const records: LogRecord[] = [];
  let skips = 0, corrupt = 0, cursor = 0;
  const bad = (bytes: Uint8Array) => {
    parts.push(bytes, utf8("\n"));
    skips++;
    corrupt++;
  };
  const entry = () => {
    const micros = 1_577_836_800_000_000 + f.int(1e9) * 1000 + f.pick([0, f.int(1e6)]);
    const fields: Record<string, unknown> = { __REALTIME_TIMESTAMP: String(micros) };
    const record: { -readonly [K in keyof LogRecord]: LogRecord[K] } = {
      name: "",
      namespace: "",
      instance: "",
      timestamp: journalTimestamp(micros),
      text: "",
    };
    if (f.chance(0.9)) {
      fields.__CURSOR = record.cursor = `s=b;i=${cursor++}`;
    }
    const identifier = f.pick(["openfaas-fn:env", "env", "ns:fn:x", ""]);
    if (identifier !== "" || f.chance(0.5)) fields.SYSLOG_IDENTIFIER = identifier;
    const colon = identifier.indexOf(":");
    record.name = identifier.slice(colon + 1);
    record.namespace = colon === -1 ? "" : identifier.slice(0, colon);
    if (f.chance(0.9)) fields._PID = record.instance = String(f.between(1, 99999));
    const r = f.next();
    if (r < 0.6) {
      const text = f.text(60);
      fields.MESSAGE = text + (f.chance(0.2) ? "\n" : "");
      record.text = text;
    } else if (r < 0.75) {
      const bytes = f.bytes(f.int(40), [LF]);
      fields.MESSAGE = [...bytes];
      record.text = new TextDecoder().decode(bytes);
    } else if (r < 0.85) {
      const first = f.text(20);
      fields.MESSAGE = f.chance(0.5) ? [first, "second"] : [[...utf8(first)], "second"];
      record.text = first;
    } else {
      // The wrong shape, or nested deeper than journalctl writes: "".
      const depth = f.pick([2, 3, 100, 2_000]);
      fields.MESSAGE = f.pick([
        5,
        { a: 1 },
        null,
        JSON.parse("[".repeat(depth) + "]".repeat(depth)),
      ]);
      if (f.chance(0.3)) fields._PID = 42; // not a string either: ""
      if (fields._PID === 42) record.instance = "";
    }
    if (f.chance(0.05)) {
      fields.__REALTIME_TIMESTAMP = f.pick(["abc", "", "-5", "1.5", "99999999999999999999"]);
      record.timestamp = "";
    }
    return { json: JSON.stringify(fields), record };
  };
  const units = f.between(1, 30);
  for (let u = 0; u < units; u++) {
    const r = f.next();
    if (r < 0.6) {
      const { json, record } = entry();
      parts.push(utf8(json + "\n"));
      records.push(record);
    } else if (r < 0.7) bad(garbage(f, 80, [LF]));
    else if (r < 0.75) bad(utf8(f.pick(["-- No entries --", "[1,2]", '"x"', "12", "null"])));
    else if (r < 0.8) bad(utf8(f.pick(INVALID_JSON)));
    else if (r < 0.95) {
      const bytes = utf8(entry().json);
      bad(bytes.subarray(0, f.between(1, bytes.length - 1)));
    } else {
      parts.push(utf8(f.pick(["\n", "  \n"])));
    }
  }
  if (f.chance(0.3)) {
    const { json, record } = entry();
    if (f.chance(0.5)) {
      parts.push(utf8(json));
      records.push(record);
    } else {
      const bytes = utf8(json);
      parts.push(bytes.subarray(0, f.between(1, bytes.length - 1)));
      skips++;
      corrupt++;
    }
  }
  return { bytes: concat(parts), records, skips, corrupt };
}

async function decodeJournal(chunks: Uint8Array[], tally: Tally) {
  tally.run(chunks);
  const stream = new JournalEntryStream();
  const records = flat(await Array.fromAsync(ReadableStream.from(chunks).pipeThrough(stream)));
  return { records, skips: stream.skipped };
}

Deno.test("JournalEntryStream: fuzzed journalctl output decodes every entry and counts every skipped line", async () => {
  const tally = new Tally("journald JSON");
  const f = new Fuzz(505);
  for (let n = 0; n < 400; n++) {
    const input = journalInput(f);
    tally.inputs++;
    tally.corrupt += input.corrupt;
    const want = { records: input.records, skips: input.skips };
    const splits = chunkings(f, n, input.bytes);
    for (const chunks of splits) {
      assertEquals(await decodeJournal(chunks, tally), want, `input ${n}`);
    }
    tally.records += input.records.length;
    tally.skips += input.skips;
  }
  console.log(String(tally));
});

Deno.test("JournalEntryStream: a MESSAGE nested thousands of arrays deep reads as empty, without throwing", async () => {
  // Regression: the field reader recursed once per level and overflowed the stack.
  const deep = "[".repeat(50_000) + "]".repeat(50_000);
  const body = utf8(
    `{"MESSAGE":${deep},"__REALTIME_TIMESTAMP":"1000000"}\n` +
      `{"MESSAGE":"after","__REALTIME_TIMESTAMP":"2000000"}\n`,
  );
  const { records, skips } = await decodeJournal([body], new Tally("regression"));
  assertEquals(records.map((r) => [r.text, r.timestamp]), [
    ["", "1970-01-01T00:00:01Z"],
    ["after", "1970-01-01T00:00:02Z"],
  ]);
  assertEquals(skips, 0);
});

// ---------------------------------------------------------------------------
// Lines, and the field mapping both client decoders share.

Deno.test("LineBatchStream: fuzzed text splits into the same lines whatever the chunking, long ones cut", async () => {
  const tally = new Tally("lines (LineBatchStream)");
  const f = new Fuzz(606);
  const alphabet = ["a", "b", " ", "\n", "\r", "\r\n", "\u00e9", "\u{1F600}", "\ufffd", "\t"];
  for (let n = 0; n < 1500; n++) {
    let text = "";
    const length = f.int(300);
    while (text.length < length) text += f.pick(alphabet);
    const max = f.chance(0.5) ? f.between(1, 40) : undefined;
    const limit = max ?? 65_536;
    const lines = text.split("\n");
    const last = lines.pop()!;
    if (last !== "") lines.push(last);
    const want = lines.map((line) => {
      if (line.endsWith("\r")) line = line.slice(0, -1);
      return line.length > limit ? line.slice(0, limit) + cutMarker(line.length - limit) : line;
    });
    const pieces: string[] = [];
    for (let at = 0; at < text.length;) {
      const k = f.int(20);
      pieces.push(text.slice(at, at + k));
      at += k;
    }
    tally.inputs++;
    tally.runs += 2;
    tally.bytes += 2 * utf8(text).length;
    for (const chunks of [[text], pieces]) {
      const got = flat(
        await Array.fromAsync(
          ReadableStream.from(chunks).pipeThrough(new LineBatchStream({ maxLineLength: max })),
        ),
      );
      assertEquals(got, want, `text ${JSON.stringify(text)}, max ${max}`);
    }
    tally.records += want.length;
  }
  console.log(String(tally));
});

Deno.test("toLogRecord(): fuzzed JSON values map as Go would decode them, never throwing", () => {
  const tally = new Tally("toLogRecord");
  const f = new Fuzz(707);
  const fields = ["name", "namespace", "instance", "timestamp", "text"];
  const value = (depth: number): unknown => {
    const r = f.next();
    if (r < 0.15) return f.text(10);
    if (r < 0.25) return f.pick([0, -1.5, 1e300, true, false, null]);
    if (r < 0.35 || depth > 2) return depth > 2 ? null : [value(depth + 1), value(depth + 1)];
    const object: Record<string, unknown> = {};
    for (let k = f.int(6); k > 0; k--) {
      const key = f.chance(0.7)
        ? f.pick(fields)
        : f.pick(["Text", "NAME", "na\u017fe", "\u212Aey", "other", "__proto__", "texts"]);
      object[key] = value(depth + 1);
    }
    return object;
  };
  for (let n = 0; n < 20_000; n++) {
    const v = value(0);
    const json = JSON.stringify(v) ?? "null";
    tally.inputs++;
    tally.run([utf8(json)]);
    const record = toLogRecord(JSON.parse(json));
    if (record === undefined) {
      tally.skips++;
      continue;
    }
    tally.records++;
    assertEquals(Object.keys(record), fields);
    for (const field of fields) assertEquals(typeof record[field as keyof LogRecord], "string");
    // An object of exact keys with string or null values maps field by field.
    if (typeof v === "object" && v !== null && !Array.isArray(v)) {
      const entries = Object.entries(v);
      if (entries.every(([k, x]) => fields.includes(k) && (typeof x === "string" || x === null))) {
        for (const [k, x] of entries) assertEquals(record[k as keyof LogRecord], x ?? "");
      }
    }
  }
  console.log(String(tally) + " (skips: not a record)");
});

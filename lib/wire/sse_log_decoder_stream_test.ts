import { assert, assertEquals } from "@std/assert";
import { SseLogDecoderStream } from "./sse_log_decoder_stream.ts";
import type { LogRecord } from "../types.ts";

interface Decoded {
  records: LogRecord[];
  skips: string[];
  heartbeats: number;
  ends: number;
  ended: boolean;
  lastEventId: string;
  retryMs: number | undefined;
}

async function decode(chunks: string[], maxEventLength?: number): Promise<Decoded> {
  const skips: string[] = [];
  let heartbeats = 0, ends = 0;
  const decoder = new SseLogDecoderStream({
    maxEventLength,
    onSkip: (reason, sample) => skips.push(`${reason}: ${sample}`),
    onHeartbeat: () => heartbeats++,
    onEnd: () => ends++,
  });
  const batches = await Array.fromAsync(ReadableStream.from(chunks).pipeThrough(decoder));
  for (const batch of batches) assert(batch.length > 0, "empty batch");
  assertEquals(decoder.skipped, skips.length);
  return {
    records: batches.flat(),
    skips,
    heartbeats,
    ends,
    ended: decoder.ended,
    lastEventId: decoder.lastEventId,
    retryMs: decoder.retryMs,
  };
}

/** A seeded generator of numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function record(text: string, extra: Partial<LogRecord> = {}): LogRecord {
  return { name: "", namespace: "", instance: "", timestamp: "", text, ...extra };
}

const WIRE = {
  name: "env",
  namespace: "openfaas-fn",
  instance: "env-5b6d68d94c-qqdtj",
  timestamp: "2023-07-04T16:32:22.223912519Z",
  text: "Listening on port: 8080",
};

Deno.test("SseLogDecoderStream decodes the extension's events exactly", async () => {
  const body = `id: c1\ndata: ${JSON.stringify(WIRE)}\n\n` +
    `data: {"text":"no id"}\n\n` +
    `: ping\n\n` +
    `event: gap\ndata: {"text":"[fnlogs] 3 lines missed","missed":3}\n\n` +
    `id: c2\nevent: message\ndata: {"text":"b"}\n\n` +
    `event: end\ndata: {}\n\n`;
  assertEquals(await decode([body]), {
    records: [
      { ...WIRE, cursor: "c1" },
      record("no id"),
      record("[fnlogs] 3 lines missed", { missed: 3 }),
      record("b", { cursor: "c2" }),
    ],
    skips: [],
    heartbeats: 1,
    ends: 1,
    ended: true,
    lastEventId: "c2",
    retryMs: undefined,
  });
});

Deno.test("SseLogDecoderStream keeps the last event ID as the spec does", async () => {
  const decoded = await decode([
    'id: a\ndata: {"text":"1"}\n\n',
    'data: {"text":"2"}\n\n',
    "id: b\n\n", // no data: not dispatched, but the ID is taken
    'data: {"text":"3"}\n\n',
    'id\ndata: {"text":"4"}\n\n', // an empty id resets it
    'id: x\0y\ndata: {"text":"5"}\n\n', // an id with NUL is ignored
    'id: c\ndata: {"text":"6"}\n', // never dispatched
  ]);
  assertEquals(decoded.records, [
    record("1", { cursor: "a" }),
    record("2"),
    record("3"),
    record("4"),
    record("5"),
  ]);
  assertEquals(decoded.lastEventId, "");
  assertEquals(decoded.skips, ['truncated event: {"text":"6"}']);
  assertEquals((await decode(["id: a\n\nid: b\ndata\n\n"])).lastEventId, "b");
});

Deno.test("SseLogDecoderStream parses fields as the WHATWG rules say", async () => {
  const body = "\ufeffdata:{\n" + // no space after the colon
    'data:  "text": " two spaces kept"\n' +
    "data\n" + // a field name alone: empty value
    "data: }\n" +
    "unknown: ignored\n" +
    "Data: field names are case-sensitive\n" +
    " data: a leading space makes another field\n" +
    "\n" +
    "retry: 2500\n" +
    "retry: 12a\n" + // not all digits: ignored
    "event: other\n" +
    'data: {"text":"an unknown event type is ignored"}\n\n' +
    ":comment\n" +
    ": ping\n\n";
  const decoded = await decode([body]);
  assertEquals(decoded.records, [record(" two spaces kept")]);
  assertEquals(decoded.retryMs, 2500);
  assertEquals([decoded.skips, decoded.heartbeats, decoded.ended], [[], 2, false]);
  // The BOM is dropped only at the very start.
  assertEquals(
    (await decode(['data: {"text":"a"}\n\n\ufeffdata: {"text":"b"}\n\n'])).records,
    [record("a")],
  );
});

Deno.test("SseLogDecoderStream accepts \\r\\n, \\n and \\r line ends", async () => {
  const events = ['data: {"text":"a"}', 'id: 7\rdata: {"text":"b"}', 'data: {"text":"c"}'];
  for (const eol of ["\n", "\r", "\r\n"]) {
    const body = events.map((e) => e.replaceAll("\r", eol) + eol + eol).join("");
    assertEquals(
      (await decode([body])).records,
      [record("a"), record("b", { cursor: "7" }), record("c")],
      JSON.stringify(eol),
    );
  }
  // Mixed, and "\r" + "\n" across chunks is one line end, not a blank line.
  const decoded = await decode(['data: {"text":', '"a"}\r', "\ndata: x\r", "\n\r\n"]);
  assertEquals(decoded.records, []);
  assertEquals(decoded.skips, ['malformed JSON: {"text":"a"}\nx']);
});

Deno.test("SseLogDecoderStream skips and counts data that is not a record", async () => {
  const body = "data: not json\n\n" +
    "data: [1]\n\n" +
    'data: {"text":2}\n\n' +
    "data:\n\n" +
    'event: gap\ndata: {"text":"t"}\n\n' +
    'event: gap\ndata: {"text":"t","missed":-1}\n\n' +
    'event: gap\ndata: {"text":"t","missed":"3"}\n\n' +
    'id: 9\nevent: gap\ndata: {"text":"t","missed":0}\n\n' +
    'data: {"text":"ok"}\n\n';
  const decoded = await decode([body]);
  assertEquals(decoded.records, [record("t", { cursor: "9", missed: 0 }), record("ok")]);
  assertEquals(decoded.skips, [
    "malformed JSON: not json",
    "not a JSON object: [1]",
    'a field is not a string: {"text":2}',
    "malformed JSON: ",
    'gap without a missed count: {"text":"t"}',
    'gap without a missed count: {"text":"t","missed":-1}',
    'gap without a missed count: {"text":"t","missed":"3"}',
  ]);
});

Deno.test("SseLogDecoderStream drops an event cut off by the end of the input", async () => {
  const body = 'id: 1\ndata: {"text":"a"}\n\nid: 2\ndata: {"text":"b"}\n\n';
  for (let cut = 0; cut <= body.length; cut++) {
    const decoded = await decode([body.slice(0, cut)]);
    const complete = body.slice(0, cut).split("\n\n").length - 1;
    assertEquals(decoded.records.length, complete, `cut at ${cut}`);
    assertEquals(decoded.lastEventId, ["", "1", "2"][complete], `cut at ${cut}`);
    const pending = body.slice(0, cut).split("\n\n").at(-1) !== "";
    assertEquals(decoded.skips.length, pending ? 1 : 0, `cut at ${cut}`);
  }
});

Deno.test("SseLogDecoderStream gives identical results for every split point", async () => {
  const long = `\ufeffid: c1\r\ndata: ${JSON.stringify(WIRE)}\r\n\r\n: ping\n\n` +
    'event: gap\rdata: {"text":"g",\rdata: "missed":2}\r\rretry: 10\n' +
    "data: bad\n\nevent: end\ndata: {}\n\n";
  const short = '\ufeffid: 1\r\ndata: {"text":"a"}\r\r: p\n\nid:2\rdata:{\rdata:}\r\n\r\ndata: x';
  for (const body of [long, short]) {
    const whole = await decode([body]);
    assertEquals(whole.records.length, 2);
    for (let i = 0; i <= body.length; i++) {
      assertEquals(await decode([body.slice(0, i), body.slice(i)]), whole, `split at ${i}`);
      if (body === long) continue;
      for (let j = i; j <= body.length; j++) {
        const chunks = [body.slice(0, i), "", body.slice(i, j), body.slice(j)];
        assertEquals(await decode(chunks), whole, `split at ${i}, ${j}`);
      }
    }
  }
});

Deno.test("SseLogDecoderStream survives random garbage and decodes the events after it", async () => {
  const valid = [1, 2, 3].map((n) => `id: ${n}\ndata: {"text":"${n}"}\n\n`).join("");
  const want = [1, 2, 3].map((n) => record(String(n), { cursor: String(n) }));
  const soup = ["data", "id", "event", "retry", ":", " ", "\n", "\r", "{", "}", '"', "gap", "end"];
  for (let seed = 1; seed <= 3000; seed++) {
    const rand = random(seed);
    let garbage: string;
    if (seed % 2 === 0) {
      const bytes = Uint8Array.from({ length: Math.floor(rand() * 64) }, () => rand() * 256);
      garbage = new TextDecoder().decode(bytes);
    } else {
      garbage = Array.from(
        { length: Math.floor(rand() * 30) },
        () => soup[Math.floor(rand() * soup.length)],
      ).join("");
    }
    const body = garbage + "\n\n" + valid;
    const whole = await decode([body]);
    assertEquals(whole.records.slice(-3), want, `seed ${seed}: ${JSON.stringify(body)}`);
    assertEquals(whole.lastEventId, "3");
    const chunks: string[] = [];
    for (let i = 0; i < body.length;) {
      const n = Math.floor(rand() * 10);
      chunks.push(body.slice(i, i + n));
      i += n;
    }
    assertEquals(await decode(chunks), whole, `seed ${seed}`);
  }
});

Deno.test("SseLogDecoderStream skips events longer than maxEventLength", async () => {
  const big = `id: big\ndata: {"text":"${"x".repeat(100)}"}\n\n`;
  const after = 'id: after\ndata: {"text":"after"}\n\n';
  for (const body of [big + after, `data: {\ndata: "text":\n${"data: 1\n".repeat(20)}\n` + after]) {
    for (let i = 0; i <= body.length; i += 7) {
      const decoded = await decode([body.slice(0, i), body.slice(i)], 50);
      assertEquals(decoded.records, [record("after", { cursor: "after" })], `split at ${i}`);
      assertEquals(decoded.skips.length, 1);
      assert(decoded.skips[0].startsWith("event too long: "));
      assertEquals(decoded.lastEventId, "after");
    }
  }
  // Comments inside a long event still count as heartbeats.
  assertEquals((await decode([`data: ${"x".repeat(60)}\n: ping\n\n`], 50)).heartbeats, 1);
});

Deno.test("SseLogDecoderStream keeps memory bounded for a huge line", async () => {
  const piece = "x".repeat(1 << 20);
  const chunks = ["data: ", ...Array(256).fill(piece), '\n\ndata: {"text":"after"}\n\n'];
  const before = Deno.memoryUsage().heapUsed;
  let peak = before;
  const decoder = new SseLogDecoderStream({ maxEventLength: 1 << 16 });
  const source = ReadableStream.from(chunks).pipeThrough(
    new TransformStream<string, string>({
      transform(chunk, controller) {
        peak = Math.max(peak, Deno.memoryUsage().heapUsed);
        controller.enqueue(chunk);
      },
    }),
  );
  const records = (await Array.fromAsync(source.pipeThrough(decoder))).flat();
  assertEquals(records, [record("after")]);
  assertEquals(decoder.skipped, 1);
  assert(peak - before < 64 << 20, `heap grew by ${peak - before} bytes`);
});

Deno.test("SseLogDecoderStream rejects a non-positive maxEventLength", () => {
  for (const maxEventLength of [0, -1, NaN]) {
    let error: unknown;
    try {
      new SseLogDecoderStream({ maxEventLength });
    } catch (e) {
      error = e;
    }
    assert(error instanceof RangeError);
  }
});

Deno.test("SseLogDecoderStream yields id-only events as progress records, in order, when asked", async () => {
  const body =
    'id: a\ndata: {"text":"one"}\n\nid: b\n\nevent: end\nid: c\n\nid: d\ndata: {"text":"two"}\n\nid:\n\n';
  const decode = async (progress: boolean) => {
    const decoder = new SseLogDecoderStream({ progress });
    const batches = await Array.fromAsync(ReadableStream.from([body]).pipeThrough(decoder));
    return {
      records: batches.flat().map((r) => [r.text, r.cursor, r.progress]),
      last: decoder.lastEventId,
    };
  };
  assertEquals(await decode(true), {
    records: [["one", "a", undefined], ["", "b", true], ["two", "d", undefined]],
    last: "",
  });
  assertEquals(await decode(false), {
    records: [["one", "a", undefined], ["two", "d", undefined]],
    last: "",
  });
});

import { assert, assertEquals } from "@std/assert";
import { NdjsonLogDecoderStream } from "./ndjson_log_decoder_stream.ts";
import { toLogRecord } from "./to_log_record.ts";
import type { LogRecord } from "../types.ts";

interface Decoded {
  records: LogRecord[];
  skips: string[];
  batches: number;
}

async function decode(chunks: string[], maxValueLength?: number): Promise<Decoded> {
  const skips: string[] = [];
  const decoder = new NdjsonLogDecoderStream({
    maxValueLength,
    onSkip: (reason, sample) => skips.push(`${reason}: ${sample}`),
  });
  const batches = await Array.fromAsync(ReadableStream.from(chunks).pipeThrough(decoder));
  for (const batch of batches) assert(batch.length > 0, "empty batch");
  assertEquals(decoder.skipped, skips.length);
  return { records: batches.flat(), skips, batches: batches.length };
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

function splitRandomly(text: string, rand: () => number): string[] {
  const chunks: string[] = [];
  let i = 0;
  while (i < text.length) {
    const n = Math.floor(rand() * 12);
    chunks.push(text.slice(i, i + n));
    i += n;
  }
  return chunks;
}

function record(text: string, extra: Partial<LogRecord> = {}): LogRecord {
  return { name: "", namespace: "", instance: "", timestamp: "", text, ...extra };
}

const WIRE = [
  {
    name: "env",
    namespace: "openfaas-fn",
    instance: "env-5b6d68d94c-qqdtj",
    timestamp: "2023-07-04T16:32:22.223912519Z",
    text: "Listening on port: 8080",
  },
  {
    name: "env",
    namespace: "openfaas-fn",
    instance: "env-5b6d68d94c-qqdtj",
    timestamp: "2023-07-04T16:32:23Z",
    text: '\u003chtml\u003e \u2028 caf\u00e9 \ud83d\ude00 "quoted" \\ back',
  },
];

Deno.test("NdjsonLogDecoderStream decodes wire lines exactly, one batch per chunk", async () => {
  const body = WIRE.map((m) => JSON.stringify(m) + "\n").join("");
  assertEquals(await decode([body]), { records: WIRE, skips: [], batches: 1 });
  assertEquals(await decode([body, body]), {
    records: [...WIRE, ...WIRE],
    skips: [],
    batches: 2,
  });
  assertEquals(await decode([]), { records: [], skips: [], batches: 0 });
  assertEquals(await decode(["", "\n\n", " \r\n"]), { records: [], skips: [], batches: 0 });
});

Deno.test("NdjsonLogDecoderStream emits a complete value at once, newline or not", async () => {
  const decoder = new NdjsonLogDecoderStream();
  const writer = decoder.writable.getWriter();
  const reader = decoder.readable.getReader();
  void writer.write('{"text":"a"}');
  assertEquals((await reader.read()).value, [record("a")]);
  void writer.write('\n{"text":"b"}{"te');
  assertEquals((await reader.read()).value, [record("b")]);
  void writer.write('xt":"c"}');
  assertEquals((await reader.read()).value, [record("c")]);
  void writer.close();
  assertEquals((await reader.read()).done, true);
});

Deno.test("NdjsonLogDecoderStream decodes pretty-printed and concatenated values", async () => {
  const pretty = JSON.stringify(WIRE[0], null, 2);
  const tabbed = JSON.stringify(WIRE[1], null, "\t");
  const body = `${pretty}${tabbed}  ${JSON.stringify(WIRE[0])}{"text":"x"}\n\n\t ${pretty}`;
  assertEquals(await decode([body]), {
    records: [WIRE[0], WIRE[1], WIRE[0], record("x"), WIRE[0]],
    skips: [],
    batches: 1,
  });
});

Deno.test("NdjsonLogDecoderStream ignores a leading BOM and handles \\r line ends", async () => {
  const body = '\ufeff{"text":"a"}\r\n{"text":"b"}\r{"text":"c"}\r\r\n{\r\n"text":"d"\r}';
  assertEquals((await decode([body])).records, ["a", "b", "c", "d"].map((t) => record(t)));
  // Only at the very start: later it is not JSON.
  assertEquals((await decode(['{"text":"a"}\n\ufeff{"text":"b"}\n'])).skips, [
    "malformed JSON: \ufeff",
  ]);
});

Deno.test("NdjsonLogDecoderStream skips and counts values Go would fail on", async () => {
  const body = [
    '{"text":"a"}',
    "not json",
    '{"text":"b"} trailing',
    '1 "s" [1,{"text":"x"}] true null -1.5e3 {"name":2}',
    '{"text":"c",}',
    '{"text":"d" "x":1}',
    '{"text":"bad \\x escape"}',
    '{"text":"\\u00zz"} -0 -x',
    "-0 -x",
    "1.x",
    '{"text":"e"}',
    "",
  ].join("\n");
  const { records, skips } = await decode([body]);
  assertEquals(records, [record("a"), record("b"), record("e")]);
  assertEquals(skips, [
    "malformed JSON: no",
    "malformed JSON: tra",
    "not a JSON object: 1",
    'not a JSON object: "s"',
    'not a JSON object: [1,{"text":"x"}]',
    "not a JSON object: true",
    "not a JSON object: null",
    "not a JSON object: -1.5e3",
    'a field is not a string: {"name":2}',
    'malformed JSON: {"text":"c",}',
    'malformed JSON: {"text":"d" "',
    'malformed JSON: {"text":"bad \\x',
    'malformed JSON: {"text":"\\u00z',
    "not a JSON object: -0",
    "malformed JSON: -x",
    "malformed JSON: 1.x",
  ]);
});

Deno.test("NdjsonLogDecoderStream recovers the lines a malformed value swallowed", async () => {
  const a = '{"text":"a"}', b = '{"text":"b"}', c = '{"text":"c"}';
  const cases: [string, string[], number][] = [
    [`{"x":\n${a}\n${b}\n${c}\n`, ["a", "b", "c"], 1], // a became the value of "x"
    [`[\n${a}\n${b}\n`, ["a", "b"], 1],
    [`{"x"\n${a}\n`, ["a"], 1],
    [`{"x":1\n\n${a}\n${b}`, ["a", "b"], 1],
    [`{"x":"open\n${a}\n`, ["a"], 1], // a raw newline cannot be in a string
    [`{"x":[\n  ${a}\n${b}\n`, ["a", "b"], 1],
    [`[\n{"t" :\n1}\n${a}\n${b}`, ["a", "b"], 1], // a swallowed line that is not JSON alone
    [`[1,\n${a}\n`, ["a"], 1], // truncated at the end
    [`tru\n${a}\n`, ["a"], 1],
    [`-\n${a}\n`, ["a"], 1],
    [`12\n${a}\n`, ["a"], 1],
  ];
  for (const [body, texts, skipped] of cases) {
    const { records, skips } = await decode([body]);
    assertEquals(records, texts.map((t) => record(t)), body);
    assertEquals(skips.length, skipped, body);
  }
});

Deno.test("NdjsonLogDecoderStream skips a truncated value at the end without throwing", async () => {
  const line = JSON.stringify(WIRE[0]);
  for (let cut = 1; cut < line.length; cut++) {
    const { records, skips } = await decode([`${line}\n${line.slice(0, cut)}`]);
    assertEquals(records, [WIRE[0]]);
    assertEquals(skips, [`truncated value: ${line.slice(0, Math.min(cut, 80))}`]);
  }
  // A number at the end is complete (and not an object).
  assertEquals((await decode(["12"])).skips, ["not a JSON object: 12"]);
});

Deno.test("NdjsonLogDecoderStream gives identical results for every split point", async () => {
  const long = WIRE.map((m) => JSON.stringify(m) + "\n").join("") +
    '{"text":"a"}\r\n{\n "text" : "b\\u00e9"\n}{"text":"c"}garbage\n[1,2]{"name":1}\n' +
    '{"x":\n{"text":"d"}\n{"text":"e"}\r\r\n 7 {"text":"f"';
  const short =
    '\ufeff{"text":"a"}\r\n{\n"text":"b\\n"}{"text":"c"}x\n[1]7\n{"x":\n{"text":"d"}\n{"te';
  for (const body of [long, short]) {
    const whole = await decode([body]);
    assertEquals(whole.records.length, body === long ? 7 : 4);
    for (let i = 0; i <= body.length; i++) {
      const once = await decode([body.slice(0, i), body.slice(i)]);
      assertEquals([once.records, once.skips], [whole.records, whole.skips], `split at ${i}`);
      if (body === long) continue;
      for (let j = i; j <= body.length; j++) {
        const twice = await decode([body.slice(0, i), "", body.slice(i, j), body.slice(j)]);
        assertEquals(
          [twice.records, twice.skips],
          [whole.records, whole.skips],
          `split at ${i}, ${j}`,
        );
      }
    }
  }
});

function randomString(rand: () => number): string {
  const alphabet = ['"', "\\", "\n", "\u2028", "\u00e9", "\ud83d\ude00", "a", "}", "{", " "];
  let s = "";
  const n = Math.floor(rand() * 8);
  for (let k = 0; k < n; k++) {
    s += rand() < 0.5
      ? alphabet[Math.floor(rand() * alphabet.length)]
      : String.fromCharCode(Math.floor(rand() * 0x30));
  }
  return s;
}

function randomValue(rand: () => number, depth: number): unknown {
  const r = rand();
  if (depth > 2 || r < 0.25) {
    const scalars = [0, -1.5e-7, 12345, true, false, null, randomString(rand)];
    return scalars[Math.floor(rand() * scalars.length)];
  }
  if (r < 0.35) return [randomValue(rand, depth + 1), randomValue(rand, depth + 1)];
  const keys = ["name", "namespace", "instance", "timestamp", "text", "Text", "other", "cursor"];
  const object: Record<string, unknown> = {};
  for (const key of keys) {
    const p = rand();
    if (p < 0.4) object[key] = randomString(rand);
    else if (p < 0.45 && depth === 0) object[key] = randomValue(rand, depth + 1);
    else if (p < 0.5) object[key] = null;
  }
  return object;
}

Deno.test("NdjsonLogDecoderStream decodes random valid streams exactly", async () => {
  const separators = ["", " ", "\n", "\r\n", "\t", "\r", "\n\n", " \n "];
  for (let seed = 1; seed <= 1000; seed++) {
    const rand = random(seed);
    const values = Array.from({ length: 1 + Math.floor(rand() * 6) }, () => randomValue(rand, 0));
    let body = "";
    let previous: unknown = undefined;
    for (const value of values) {
      let separator = separators[Math.floor(rand() * separators.length)];
      if (separator === "" && typeof previous === "number") separator = " ";
      const indent = rand() < 0.3 ? 2 : undefined;
      body += separator + JSON.stringify(value, null, indent);
      previous = value;
    }
    const want = values.map(toLogRecord);
    const got = await decode(splitRandomly(body, rand));
    assertEquals(got.records, want.filter((r) => r !== undefined), `seed ${seed}: ${body}`);
    assertEquals(got.skips.length, want.filter((r) => r === undefined).length, `seed ${seed}`);
  }
});

Deno.test("NdjsonLogDecoderStream survives random garbage and decodes the lines after it", async () => {
  const valid = WIRE.map((m) => JSON.stringify(m)).join("\n") + "\n";
  const soup = ["{", "}", "[", "]", '"', ":", ",", "\\", "\n", " ", "1", "-", "e", "t", "\r"];
  for (let seed = 1; seed <= 3000; seed++) {
    const rand = random(seed);
    let garbage: string;
    if (seed % 2 === 0) {
      const bytes = Uint8Array.from({ length: Math.floor(rand() * 64) }, () => rand() * 256);
      garbage = new TextDecoder().decode(bytes);
    } else {
      garbage = Array.from(
        { length: Math.floor(rand() * 40) },
        () => soup[Math.floor(rand() * soup.length)],
      ).join("");
    }
    const body = garbage + "\n" + valid;
    const whole = await decode([body]);
    const split = await decode(splitRandomly(body, rand));
    assertEquals(split, { ...whole, batches: split.batches }, `seed ${seed}`);
    assertEquals(whole.records.slice(-WIRE.length), WIRE, `seed ${seed}: ${JSON.stringify(body)}`);
    // Cut anywhere: never throws, and whatever was complete before the cut is kept.
    const cut = Math.floor(rand() * body.length);
    await decode(splitRandomly(body.slice(0, cut), rand));
  }
});

Deno.test("NdjsonLogDecoderStream skips values longer than maxValueLength", async () => {
  const long = `{"text":"${"x".repeat(100)}"}`;
  const after = '{"text":"after"}';
  for (
    const body of [
      `${long}\n${after}\n`,
      `{"a":[\n${"1,\n".repeat(40)}1]}\n${after}\n`,
      `${long}${after}\n${after}\n`,
    ]
  ) {
    const { records, skips } = await decode([body], 50);
    assertEquals(records.at(-1), record("after"), body);
    assert(skips[0].startsWith("value too long"), body);
  }
  // Exactly at the limit is fine.
  assertEquals((await decode([`${long}\n`], long.length)).records.length, 1);
  assertEquals((await decode([`${long}\n`], long.length - 1)).records.length, 0);
  // The same whatever the chunking.
  const body = `${long}\n${after}\n`;
  for (let i = 0; i <= body.length; i++) {
    const { records, skips } = await decode([body.slice(0, i), body.slice(i)], 50);
    assertEquals([records, skips.length], [[record("after")], 1], `split at ${i}`);
  }
});

Deno.test("NdjsonLogDecoderStream keeps memory bounded for a huge value without newline", async () => {
  const piece = "x".repeat(1 << 20);
  const chunks = ['{"text":"', ...Array(256).fill(piece), '"}\n{"text":"after"}\n'];
  const before = Deno.memoryUsage().heapUsed;
  let peak = before;
  const decoder = new NdjsonLogDecoderStream({ maxValueLength: 1 << 16 });
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
  // 256 MiB went through; far less than that was ever held.
  assert(peak - before < 64 << 20, `heap grew by ${peak - before} bytes`);
});

Deno.test("NdjsonLogDecoderStream rejects a non-positive maxValueLength", () => {
  for (const maxValueLength of [0, -1, NaN]) {
    let error: unknown;
    try {
      new NdjsonLogDecoderStream({ maxValueLength });
    } catch (e) {
      error = e;
    }
    assert(error instanceof RangeError);
  }
});

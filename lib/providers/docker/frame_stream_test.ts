import { assertEquals, assertThrows } from "@std/assert";
import { DockerFrameDecoder, type DockerLine } from "./frame_decoder.ts";
import { DockerFrameStream, type DockerFrameStreamOptions } from "./frame_stream.ts";
import { cutMarker } from "../../streams/line_splitter.ts";
import { concat } from "@std/bytes";

const encoder = new TextEncoder();

function frame(type: number, payload: string | Uint8Array): Uint8Array {
  const bytes = typeof payload === "string" ? encoder.encode(payload) : payload;
  const out = new Uint8Array(8 + bytes.length);
  out[0] = type;
  new DataView(out.buffer).setUint32(4, bytes.length);
  out.set(bytes, 8);
  return out;
}

async function decode(
  chunks: Uint8Array[],
  options?: DockerFrameStreamOptions,
): Promise<DockerLine[][]> {
  return await Array.fromAsync(
    ReadableStream.from(chunks).pipeThrough(new DockerFrameStream(options)),
  );
}

/** Decodes `body` split at `cuts` with the synchronous decoder. */
function decodeSplit(
  body: Uint8Array,
  cuts: number[],
  options?: DockerFrameStreamOptions,
): DockerLine[] {
  const decoder = new DockerFrameDecoder(options);
  const lines: DockerLine[] = [];
  let start = 0;
  for (const cut of [...cuts, body.length]) {
    lines.push(...decoder.decode(body.subarray(start, cut)));
    start = cut;
  }
  lines.push(...decoder.end());
  return lines;
}

const out = (text: string): DockerLine => ({ output: "stdout", text });
const err = (text: string): DockerLine => ({ output: "stderr", text });

Deno.test("DockerFrameStream emits every line a chunk completes as one batch", async () => {
  const body = concat([frame(1, "a\nb\n"), frame(2, "x\n"), frame(1, "c\n")]);
  assertEquals(await decode([body]), [[out("a"), out("b"), err("x"), out("c")]]);
});

Deno.test("DockerFrameStream keeps stdout and stderr lines apart", async () => {
  const body = concat([frame(1, "std"), frame(2, "err "), frame(1, "out\n"), frame(2, "line\n")]);
  assertEquals(await decode([body]), [[out("stdout"), err("err line")]]);
});

Deno.test("DockerFrameStream decodes a body split at every byte boundary", () => {
  const body = concat([
    frame(1, "first line\r\nsecond "),
    frame(2, "é to stderr\n"),
    frame(0, ""),
    frame(1, "half\nmany\nlines\nin one frame\n"),
    frame(2, encoder.encode("€ split").subarray(0, 2)),
    frame(2, encoder.encode("€ split\n").subarray(2)),
    frame(3, "Error grabbing logs: boom\n"),
    frame(1, "no newline at the end"),
  ]);
  const want = [
    out("first line"),
    err("é to stderr"),
    out("second half"),
    out("many"),
    out("lines"),
    out("in one frame"),
    err("€ split"),
    { output: "system", text: "Error grabbing logs: boom" },
    out("no newline at the end"),
  ];
  for (let i = 0; i <= body.length; i++) {
    assertEquals(decodeSplit(body, [i]), want, `split at ${i}`);
  }
  for (let i = 0; i <= body.length; i += 3) {
    for (let j = i; j <= body.length; j += 5) {
      assertEquals(decodeSplit(body, [i, j]), want, `split at ${i}, ${j}`);
    }
  }
  const everyByte = Array.from({ length: body.length }, (_, i) => i);
  assertEquals(decodeSplit(body, everyByte), want);
});

Deno.test("DockerFrameStream joins pieces of a long line and drops their timestamps", () => {
  const ts1 = "2024-05-06T07:08:09.000000001Z";
  const ts2 = "2024-05-06T07:08:09.000000002Z";
  const body = concat([
    frame(1, `${ts1} aaaa`),
    frame(2, `${ts1} err\n`),
    frame(1, `${ts2} bbbb`),
    frame(1, "2024-05-06T07:08:10Z cccc\n"),
    frame(1, `${ts2} next\n`),
    frame(2, `${ts2} not a timestamp`),
    frame(2, "2024-05-06 07:08 x\n"),
  ]);
  const want = [
    err(`${ts1} err`),
    out(`${ts1} aaaabbbbcccc`),
    out(`${ts2} next`),
    err(`${ts2} not a timestamp2024-05-06 07:08 x`),
  ];
  for (let i = 0; i <= body.length; i++) {
    assertEquals(decodeSplit(body, [i], { timestamps: true }), want, `split at ${i}`);
  }
  // Without the option the pieces join as written.
  assertEquals(
    decodeSplit(body, [], {})[1],
    out(`${ts1} aaaa${ts2} bbbb2024-05-06T07:08:10Z cccc`),
  );
});

Deno.test("DockerFrameStream reads a raw TTY body as stdout lines", async () => {
  const body = encoder.encode("2024-05-06T07:08:09Z hello\r\n2024-05-06T07:08:09Z wor");
  const rest = encoder.encode("ld\r\n");
  assertEquals(await decode([body, rest]), [[out("2024-05-06T07:08:09Z hello")], [
    out("2024-05-06T07:08:09Z world"),
  ]]);
  for (let i = 0; i <= body.length; i++) {
    assertEquals(decodeSplit(concat([body, rest]), [i], { timestamps: true }), [
      out("2024-05-06T07:08:09Z hello"),
      out("2024-05-06T07:08:09Z world"),
    ], `split at ${i}`);
  }
  assertEquals(decodeSplit(encoder.encode("ab"), [1]), [out("ab")]);
  assertEquals(decodeSplit(encoder.encode("\x01\0"), [1], { framing: "auto" }), [out("\x01\0")]);
  assertEquals(decodeSplit(new Uint8Array(), []), []);
});

Deno.test("DockerFrameStream drops the timestamp of a raw TTY line's end logged apart", () => {
  const ts = "2024-05-06T07:08:09.123456789Z";
  const body = encoder.encode(
    `${ts} tty line${ts} \r\n${ts} second\r\n${ts} \r\n${ts} ${ts} \r\n`,
  );
  assertEquals(decodeSplit(body, [], { framing: "raw", timestamps: true }), [
    out(`${ts} tty line`),
    out(`${ts} second`),
    // An empty line keeps its own timestamp, also when its end came apart.
    out(`${ts} `),
    out(`${ts} `),
  ]);
  // Without timestamps asked for, the text is the text.
  assertEquals(decodeSplit(body, [], { framing: "raw" })[0], out(`${ts} tty line${ts} `));
});

Deno.test("DockerFrameStream honours an explicit framing", () => {
  const body = frame(1, "x\n");
  assertEquals(decodeSplit(body, [], { framing: "multiplexed" }), [out("x")]);
  assertEquals(decodeSplit(body, [], { framing: "raw" }), [out("\x01\0\0\0\0\0\0\x02x")]);
  const decoder = new DockerFrameDecoder();
  assertEquals(decoder.framing, "auto");
  decoder.decode(body);
  assertEquals(decoder.framing, "multiplexed");
});

Deno.test("DockerFrameStream cuts long lines and keeps memory bounded", () => {
  const body = concat([frame(1, "abcdefgh"), frame(1, "ij\r\nok\n"), frame(2, "1234\r\n")]);
  assertEquals(decodeSplit(body, [3], { maxLineLength: 4 }), [
    out("abcd" + cutMarker(6)),
    out("ok"),
    err("1234"),
  ]);
  assertThrows(() => new DockerFrameDecoder({ maxLineLength: 0 }), RangeError);
});

Deno.test("DockerFrameStream survives random bytes", () => {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let round = 0; round < 200; round++) {
    const bytes = new Uint8Array(Math.floor(random() * 300));
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
    // Plausible headers with small sizes now and then, so frames are parsed too.
    if (round % 2 === 0 && bytes.length > 8) bytes.set([round % 4, 0, 0, 0, 0, 0, 0, 7]);
    for (const timestamps of [false, true]) {
      const whole = decodeSplit(bytes, [], { timestamps, maxLineLength: 50 });
      const cut = Math.floor(random() * (bytes.length + 1));
      assertEquals(decodeSplit(bytes, [cut], { timestamps, maxLineLength: 50 }), whole);
      for (const line of whole) assertEquals(line.text.includes("\n"), false);
    }
  }
});

Deno.test("DockerFrameStream reads a frame whose payload is empty or huge", () => {
  const big = "x".repeat(100_000);
  const body = concat([frame(1, ""), frame(1, big + "\n"), frame(2, "")]);
  assertEquals(decodeSplit(body, [4, 9, 50_000], { maxLineLength: 200_000 }), [out(big)]);
});

Deno.test("DockerFrameDecoder stops at a header no daemon writes, and says so", () => {
  for (
    const bad of [
      concat([encoder.encode('{"a"'), new Uint8Array([0, 0, 0, 4]), encoder.encode("xyz\n")]),
      frame(1, "lie\n").map((b, i) => i === 2 ? 7 : b), // a reserved byte set
    ]
  ) {
    const decoder = new DockerFrameDecoder({ framing: "multiplexed" });
    const body = concat([frame(1, "one\n"), bad, frame(1, "two\n"), frame(2, "three\n")]);
    const lines = [...decoder.decode(body), ...decoder.end()];
    // Nothing after it: neither garbage nor lines sent to the wrong stream.
    assertEquals(lines, [{ output: "stdout", text: "one" }]);
    assertEquals(decoder.corrupt, true);
  }
  const sound = new DockerFrameDecoder({ framing: "multiplexed" });
  sound.decode(concat([frame(0, "a\n"), frame(3, "b\n")]));
  assertEquals(sound.corrupt, false);
});

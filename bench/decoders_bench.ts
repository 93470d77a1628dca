/**
 * Decode rates of the client-side log decoders on 100k messages of about
 * 130 bytes, against plain `JSON.parse` per line as the baseline.
 *
 * Run with `deno bench bench/decoders_bench.ts`; messages/s = 100,000 / avg.
 *
 * @module
 */

import { NdjsonLogDecoderStream } from "../lib/wire/ndjson_log_decoder_stream.ts";
import { SseLogDecoderStream } from "../lib/wire/sse_log_decoder_stream.ts";

const COUNT = 100_000;
const CHUNK = 65_536;

function message(n: number) {
  return {
    name: "env",
    namespace: "openfaas-fn",
    instance: "env-5b6d68d94c-qqdtj",
    timestamp: `2023-07-04T16:32:22.${String(223912519 + n).padStart(9, "0")}Z`,
    text: `Listening on port: 8080 request ${n}`,
  };
}

const messages = Array.from({ length: COUNT }, (_, n) => message(n));
const lines = messages.map((m) => JSON.stringify(m));
const ndjson = lines.join("\n") + "\n";
const pretty = messages.map((m) => JSON.stringify(m, null, 2)).join("\n") + "\n";
const concatenated = lines.join("");
const sse = lines.map((line, n) => `id: ${n}\ndata: ${line}\n\n`).join("");
const perLine = lines.map((line) => line + "\n");

function chunks(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += CHUNK) out.push(text.slice(i, i + CHUNK));
  return out;
}

const ndjsonChunks = chunks(ndjson);
const prettyChunks = chunks(pretty);
const concatenatedChunks = chunks(concatenated);
const sseChunks = chunks(sse);

async function drain(
  input: string[],
  decoder: TransformStream<string, unknown[]>,
): Promise<number> {
  let n = 0;
  for await (const batch of ReadableStream.from(input).pipeThrough(decoder)) n += batch.length;
  if (n !== COUNT) throw new Error(`Decoded ${n} messages, not ${COUNT}`);
  return n;
}

Deno.bench({
  name: "JSON.parse per line (no stream)",
  group: "decode 100k NDJSON messages",
  baseline: true,
  fn: () => {
    let n = 0;
    for (const chunk of [ndjson]) {
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf("\n", start);
        if (nl === -1) break;
        const value = JSON.parse(chunk.slice(start, nl));
        if (value.text !== undefined) n++;
        start = nl + 1;
      }
    }
    if (n !== COUNT) throw new Error("miscounted");
  },
});

Deno.bench({
  name: "NdjsonLogDecoderStream, 64 KiB chunks",
  group: "decode 100k NDJSON messages",
  fn: async () => {
    await drain(ndjsonChunks, new NdjsonLogDecoderStream());
  },
});

Deno.bench({
  name: "plain TransformStream + JSON.parse, one chunk per message",
  group: "decode 100k NDJSON messages",
  fn: async () => {
    await drain(
      perLine,
      new TransformStream<string, unknown[]>({
        transform: (line, controller) => controller.enqueue([JSON.parse(line)]),
      }),
    );
  },
});

Deno.bench({
  name: "NdjsonLogDecoderStream, one chunk per message",
  group: "decode 100k NDJSON messages",
  fn: async () => {
    await drain(perLine, new NdjsonLogDecoderStream());
  },
});

Deno.bench({
  name: "NdjsonLogDecoderStream, concatenated without newlines",
  group: "decode 100k NDJSON messages",
  fn: async () => {
    await drain(concatenatedChunks, new NdjsonLogDecoderStream());
  },
});

Deno.bench({
  name: "NdjsonLogDecoderStream, pretty-printed",
  group: "decode 100k NDJSON messages",
  fn: async () => {
    await drain(prettyChunks, new NdjsonLogDecoderStream());
  },
});

Deno.bench({
  name: "SseLogDecoderStream, 64 KiB chunks",
  group: "decode 100k NDJSON messages",
  fn: async () => {
    await drain(sseChunks, new SseLogDecoderStream());
  },
});

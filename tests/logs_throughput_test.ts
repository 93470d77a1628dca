/**
 * Decode + resume tracking + render + write of a long history through
 * `runLogs`, to a null sink. Small by default (a correctness check); with
 * `FNLOGS_BENCH=1` it reads 500,000 messages per format and prints the
 * rates (messages/s).
 */
import { assertEquals } from "@std/assert";
import { runLogs } from "../cli/logs/command.ts";
import { encodeLogMessage } from "../lib/wire/encode_log_message.ts";

const BENCH = Deno.env.get("FNLOGS_BENCH") === "1";
const COUNT = BENCH ? 500_000 : 20_000;

/** ~130-byte NDJSON lines in 64 KiB chunks, as a coalescing server sends them. */
function body(count: number): Uint8Array[] {
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  let text = "";
  const base = Date.UTC(2024, 4, 6, 7, 8, 9);
  for (let i = 0; i < count; i++) {
    const ms = base + Math.floor(i / 3);
    const timestamp = new Date(ms).toISOString().replace(
      "Z",
      `${String(i % 1000).padStart(3, "0")}123Z`,
    );
    text += encodeLogMessage({
      name: "hello",
      namespace: "openfaas-fn",
      instance: `hello-7d9f8b6c5-${i % 3}`,
      timestamp,
      text: `GET /api/items/${i} 200`,
    }) + "\n";
    if (text.length >= 65_536) {
      chunks.push(encoder.encode(text));
      text = "";
    }
  }
  if (text !== "") chunks.push(encoder.encode(text));
  return chunks;
}

async function measure(
  output: string,
  chunks: Uint8Array[],
): Promise<{ rate: number; lines: number }> {
  let lines = 0;
  const stdout = new WritableStream<Uint8Array>({
    write(chunk) {
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
    },
  });
  const fakeFetch: typeof fetch = () =>
    Promise.resolve(
      new Response(ReadableStream.from(chunks), {
        headers: { "content-type": "application/x-ndjson" },
      }),
    );
  const started = performance.now();
  const outcome = await runLogs(["hello", "--tail=false", "-o", output], {
    stdout,
    stderr: new WritableStream(),
    stdoutIsTerminal: false,
    env: () => undefined,
    signal: new AbortController().signal,
    fetch: fakeFetch,
  });
  const seconds = (performance.now() - started) / 1000;
  assertEquals(outcome, "completed");
  return { rate: COUNT / seconds, lines };
}

for (const output of ["plain", "json"]) {
  Deno.test(`runLogs() decodes and renders a long history (-o ${output}) in batches`, async () => {
    const chunks = body(COUNT);
    const cold = await measure(output, chunks);
    assertEquals(cold.lines, COUNT);
    if (BENCH) {
      const warm = await measure(output, chunks);
      const bytes = chunks.reduce((sum, c) => sum + c.byteLength, 0);
      console.log(
        `  -o ${output}: ${COUNT} messages of ${Math.round(bytes / COUNT)} bytes: ` +
          `${Math.round(cold.rate).toLocaleString("en")} messages/s cold, ` +
          `${Math.round(warm.rate).toLocaleString("en")} warm`,
      );
    }
  });
}

import { assertEquals, assertThrows } from "@std/assert";
import { LogBodyDecoder, UnexpectedBodyError } from "./log_body_decoder.ts";

const LINE =
  '{"name":"env","namespace":"ns","instance":"env-1","timestamp":"2024-01-01T00:00:00Z","text":"hi"}';
const SSE = `retry: 1000\nevent: hello\ndata: {"resume":"cursor"}\n\nid: c1\ndata: ${LINE}\n\n`;

/** Feeds `body` split at `at`, and returns the texts and the format. */
function decode(body: string, at: number) {
  const formats: string[] = [];
  const decoder = new LogBodyDecoder({ onFormat: (f) => formats.push(f) });
  const records = [...decoder.decode(body.slice(0, at)), ...decoder.decode(body.slice(at))];
  records.push(...decoder.end());
  return { texts: records.map((r) => r.text), format: decoder.format, formats, decoder };
}

Deno.test("LogBodyDecoder tells NDJSON and the event stream apart at every split of the first bytes", () => {
  for (
    const [body, format] of [
      ["\r\n " + LINE + "\n" + LINE, "ndjson"],
      ["\ufeff" + LINE, "ndjson"],
      [SSE, "event-stream"],
      [": ping\n\n" + SSE, "event-stream"],
      [`data: ${LINE}\n\n`, "event-stream"],
      [`id: 9\ndata: ${LINE}\n\n`, "event-stream"],
      [`event: end\ndata: {}\n\n`, "event-stream"],
    ] as const
  ) {
    const count = (body.match(/"text":"hi"/g) ?? []).length;
    for (let at = 0; at <= Math.min(body.length, 24); at++) {
      const result = decode(body, at);
      assertEquals(result.texts, Array(count).fill("hi"), `${JSON.stringify(body)} at ${at}`);
      assertEquals([result.format, result.formats], [format, [format]]);
    }
  }
});

Deno.test("LogBodyDecoder reads the hello preamble and the end event", () => {
  const { decoder } = decode(SSE + "event: end\ndata: {}\n\n", 3);
  assertEquals([decoder.hello, decoder.ended, decoder.retryMs], [{ resume: "cursor" }, true, 1000]);
});

Deno.test("LogBodyDecoder names what arrived when it is neither format", () => {
  for (const body of ["<html><body>Bad gateway</body></html>", "OK", "retried: 3\n", "[1,2]\n"]) {
    const decoder = new LogBodyDecoder();
    const error = assertThrows(() => decoder.decode(body), UnexpectedBodyError);
    assertEquals(error.sample, body.trim());
    assertEquals(
      error.message,
      `The server sent neither JSON log lines nor an event stream: ${JSON.stringify(body.trim())}`,
    );
  }
  // A body that ends while it could still have been a field name.
  const short = new LogBodyDecoder();
  assertEquals(short.decode("ret"), []);
  assertThrows(() => short.end(), UnexpectedBodyError);
});

Deno.test("LogBodyDecoder leaves an empty or blank body undecided, and fine", () => {
  for (const body of ["", "\n\n  \r\n"]) {
    const decoder = new LogBodyDecoder();
    assertEquals([decoder.decode(body), decoder.end(), decoder.format], [[], [], undefined]);
  }
});

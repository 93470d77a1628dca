import { assertEquals, assertThrows } from "@std/assert";
import { ChunkedDecoder } from "./chunked_decoder.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function decodeSplit(body: Uint8Array, cuts: number[]): { text: string; done: boolean } {
  const chunked = new ChunkedDecoder();
  let text = "", start = 0;
  for (const cut of [...cuts, body.length]) {
    text += decoder.decode(chunked.decode(body.subarray(start, cut)), { stream: true });
    start = cut;
  }
  return { text, done: chunked.done };
}

Deno.test("ChunkedDecoder decodes a body split at every byte boundary", () => {
  const body = encoder.encode(
    "3\r\nabc\r\nA;name=value\r\n0123456789\r\n1\r\n\n\r\n0\r\nTrailer: x\r\n\r\nignored",
  );
  for (let i = 0; i <= body.length; i++) {
    for (let j = i; j <= body.length; j++) {
      assertEquals(decodeSplit(body, [i, j]), { text: "abc0123456789\n", done: true }, `${i} ${j}`);
    }
  }
});

Deno.test("ChunkedDecoder waits for the end of the body", () => {
  assertEquals(decodeSplit(encoder.encode("2\r\nab\r\n"), []), { text: "ab", done: false });
  assertEquals(decodeSplit(encoder.encode("0\r\n"), []), { text: "", done: false });
  assertEquals(decodeSplit(encoder.encode("0\r\n\r\n"), []), { text: "", done: true });
});

Deno.test("ChunkedDecoder rejects malformed framing", () => {
  for (const bad of ["x\r\n", "3\r\nabcd\r\n", "123456789\r\n", "1".repeat(5000)]) {
    assertThrows(
      () => new ChunkedDecoder().decode(encoder.encode(bad)),
      SyntaxError,
      undefined,
      bad,
    );
  }
});

Deno.test("ChunkedDecoder decodes random chunkings of random bytes", () => {
  let seed = 3;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let round = 0; round < 100; round++) {
    const payload = new Uint8Array(Math.floor(random() * 2000));
    for (let i = 0; i < payload.length; i++) payload[i] = Math.floor(random() * 256);
    const parts: number[] = [];
    let body: number[] = [];
    for (let at = 0; at < payload.length;) {
      const size = Math.min(payload.length - at, 1 + Math.floor(random() * 300));
      body.push(
        ...encoder.encode(size.toString(16) + "\r\n"),
        ...payload.subarray(at, at + size),
        13,
        10,
      );
      at += size;
      parts.push(size);
    }
    body = [...body, ...encoder.encode("0\r\n\r\n")];
    const bytes = new Uint8Array(body);
    const chunked = new ChunkedDecoder();
    const out: number[] = [];
    for (let at = 0; at < bytes.length;) {
      const take = 1 + Math.floor(random() * 700);
      out.push(...chunked.decode(bytes.subarray(at, at + take)));
      at += take;
    }
    assertEquals(new Uint8Array(out), payload);
    assertEquals(chunked.done, true);
  }
});

import { assertEquals, assertStrictEquals } from "@std/assert";
import { frameChunk, LAST_CHUNK } from "./chunk_framing.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

Deno.test("frameChunk() writes the size in hex, the data and CRLF, once per data object", () => {
  const data = new TextEncoder().encode("x".repeat(255));
  const framed = frameChunk(data);
  assertEquals(text(framed), `ff\r\n${"x".repeat(255)}\r\n`);
  assertStrictEquals(frameChunk(data), framed); // followers in step share it
  const copy = data.slice();
  assertEquals(frameChunk(copy) === framed, false);
  assertEquals(frameChunk(copy), framed);
});

Deno.test("LAST_CHUNK is the zero-size chunk with an empty trailer", () => {
  assertEquals(text(LAST_CHUNK), "0\r\n\r\n");
});

import { assertEquals, assertThrows } from "@std/assert";
import { LineBatchStream } from "./line_batch_stream.ts";
import { cutMarker } from "./line_splitter.ts";

async function split(chunks: string[], maxLineLength?: number): Promise<string[][]> {
  return await Array.fromAsync(
    ReadableStream.from(chunks).pipeThrough(new LineBatchStream({ maxLineLength })),
  );
}

Deno.test("LineBatchStream emits the complete lines of a chunk as one batch", async () => {
  assertEquals(await split(["a\nb\nc\n"]), [["a", "b", "c"]]);
});

Deno.test("LineBatchStream joins lines split at every boundary", async () => {
  const text = "first\r\nsecond\n\nfourth\r\nlast";
  const want = ["first", "second", "", "fourth", "last"];
  for (let i = 0; i <= text.length; i++) {
    for (let j = i; j <= text.length; j++) {
      const batches = await split([text.slice(0, i), "", text.slice(i, j), text.slice(j)]);
      assertEquals(batches.flat(), want, `split at ${i}, ${j}`);
      for (const b of batches) assertEquals(b.length > 0, true);
    }
  }
});

Deno.test("LineBatchStream cuts long lines with a marker and keeps memory bounded", async () => {
  assertEquals(await split(["abcdefgh\nxy\n"], 5), [["abcde" + cutMarker(3), "xy"]]);
  // A long line across chunks, ending in \r\n split over the boundary.
  assertEquals(await split(["abc", "defg", "hij\r", "\nok"], 4), [[
    "abcd" + cutMarker(6),
  ], ["ok"]]);
  assertEquals(await split(["abcdef"], 4), [["abcd" + cutMarker(2)]]);
  assertEquals(await split(["abcd\r\n"], 4), [["abcd"]]);
});

Deno.test("LineBatchStream rejects a non-positive limit", () => {
  assertThrows(() => new LineBatchStream({ maxLineLength: 0 }), RangeError);
});

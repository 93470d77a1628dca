/**
 * Reading back what a NATS stream holds, for the shipping tests: every
 * record of a function once the stream holds `count` of them, and the
 * stream's message count.
 */
import { assertEquals } from "@std/assert";
import { jetstreamManager } from "@nats-io/jetstream";
import { connectNats } from "../../lib/providers/nats/connection.ts";
import { NatsProvider } from "../../lib/providers/nats/provider.ts";
import type { LogRecord } from "../../lib/types.ts";

/**
 * Follows `name` from the start until `count` records came, then returns
 * them. A stream the shipper has not made yet is asked for again (every
 * 50 ms, for 10 s): nothing outside the broker says when it exists.
 */
export async function readStream(
  urls: string[],
  name: string,
  count: number,
): Promise<LogRecord[]> {
  const provider = await NatsProvider.connect({ servers: urls });
  try {
    let opened;
    for (let tries = 0;; tries++) {
      try {
        opened = await provider.openLogs({ name, follow: true });
        break;
      } catch (error) {
        if (tries >= 200 || !/does not exist/.test(String(error))) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    const { stream } = opened;
    const out: LogRecord[] = [];
    for await (const batch of stream) {
      out.push(...batch);
      if (out.length >= count) break;
    }
    return out;
  } finally {
    await provider.close();
  }
}

/** How many messages the stream holds. */
export async function streamMessages(urls: string[], stream = "FNLOGS"): Promise<number> {
  const nc = await connectNats({ servers: urls, name: "test" });
  try {
    const jsm = await jetstreamManager(nc, { checkAPI: false });
    return (await jsm.streams.info(stream)).state.messages;
  } finally {
    await nc.close();
  }
}

/** `line 0`, `line 1`, ... as the counted function writes them. */
export function countedLines(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `line ${i} ${"x".repeat(40)}`);
}

/** A stack file running tests/functions/counted.ts once (no restart). */
export async function countedStack(dir: string, count: number, burst: number, intervalMs: number) {
  const fn = new URL("../functions/counted.ts", import.meta.url).pathname;
  const path = `${dir}/stack.yml`;
  await Deno.writeTextFile(
    path,
    `functions:\n  counted:\n    fnlogs:\n      command: ["deno", "run", "${fn}", "${count}", "${burst}", "${intervalMs}"]\n      restart: never\n`,
  );
  return path;
}

/**
 * Asserts that `actual` holds every line of `expected` exactly once (as
 * sets with counts; order aside), and says whether the order was kept.
 */
export function assertExactlyOnce(actual: string[], expected: string[]): boolean {
  const sorted = (lines: string[]) => [...lines].sort();
  assertEquals(actual.length, expected.length, "line count");
  assertEquals(sorted(actual), sorted(expected));
  return actual.every((line, i) => line === expected[i]);
}

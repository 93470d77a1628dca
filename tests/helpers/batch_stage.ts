/**
 * Test helpers for the batch stages: records, and a stage driven batch by
 * batch so a test sees what each write released.
 */
import type { LogBatch, LogRecord } from "../../lib/types.ts";

const MIDNIGHT = Date.UTC(2024, 0, 1);

/** A record of instance `instance` (default `f-1`) stamped `ms` milliseconds past 2024-01-01. */
export function line(text: string, ms = 0, instance = "f-1", name = "f"): LogRecord {
  return {
    name,
    namespace: "ns",
    instance,
    timestamp: new Date(MIDNIGHT + ms).toISOString(),
    text,
  };
}

/** Drives a stage: `write` returns the texts released since the last call. */
export function drive(stage: TransformStream<LogBatch, LogBatch>) {
  const writer = stage.writable.getWriter();
  const reader = stage.readable.getReader();
  const released: string[] = [];
  let done = false;
  const pump = (async () => {
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) break;
      released.push(...value.map((r) => r.text));
    }
    done = true;
  })();
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  const take = () => released.splice(0);
  return {
    async write(batch: LogRecord[]): Promise<string[]> {
      await writer.write(batch);
      await settle();
      return take();
    },
    /** What timers released (after they fired). */
    async released(): Promise<string[]> {
      await settle();
      return take();
    },
    async close(): Promise<string[]> {
      await writer.close();
      await pump;
      return take();
    },
    get done() {
      return done;
    },
  };
}

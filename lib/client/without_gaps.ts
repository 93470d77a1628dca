/**
 * The follow loop's batch cleaner: gap notices become events, progress
 * records go.
 *
 * @module
 */
import type { LogBatch, LogRecord } from "../types.ts";
import type { FollowEvent } from "./follow_options.ts";

/** Removes gap notices (reported as events) and progress records from a batch. */
export function withoutGaps(batch: LogBatch, onEvent: (event: FollowEvent) => void): LogBatch {
  let out: LogRecord[] | undefined;
  for (let i = 0; i < batch.length; i++) {
    const record = batch[i];
    if (record.progress) {
      out ??= batch.slice(0, i);
    } else if (record.missed !== undefined) {
      out ??= batch.slice(0, i);
      onEvent({
        event: "gap",
        missed: record.missed,
        instance: record.instance,
        timestamp: record.timestamp,
      });
    } else if (out !== undefined) {
      out.push(record);
    }
  }
  return out ?? batch;
}

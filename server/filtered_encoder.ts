/**
 * Server-side filters on fnlogs' event stream: an encoder that encodes only
 * the records a filter keeps, and moves the client's resume point past the
 * ones it drops.
 *
 * @module
 */
import { compileLogFilter, filterBatch, type LogFilter } from "../lib/filters/log_filter.ts";
import { filterQueryPairs } from "../lib/filters/filter_params.ts";
import type { LogBatchEncoder } from "../lib/wire/log_batch_encoder.ts";
import type { LogBatch } from "../lib/types.ts";

const encoder = new TextEncoder();

// The last batch filtered, for any stream with the same filter: followers in
// step are handed the same batch one after another (the history's slice
// cache), and with the same kept array the inner encoder's own cache hits.
let lastBatch: LogBatch | undefined;
let lastKey = "";
let lastKept: LogBatch = [];

/**
 * Wraps an event-stream encoder so that it sends only the records `filter`
 * keeps (see `compileLogFilter`). When a batch ends with records the filter
 * dropped, and the last of them has a cursor, an event carrying only that
 * cursor (`id: CURSOR` and a blank line, no data) follows the batch's kept
 * records: a browser's `EventSource` takes it as its last event id without
 * firing an event, and fnlogs' client resumes after it, so a reconnect
 * neither scans the dropped records again nor re-sends kept ones. Without a
 * filter, `inner` is returned as it is.
 *
 * @example
 * ```ts
 * import { filteredEncoder } from "./filtered_encoder.ts";
 * import { logBatchEncoder } from "../lib/wire/log_batch_encoder.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const record = (text: string, cursor: string) => ({ name: "f", namespace: "", instance: "f-1", timestamp: "2024-01-01T00:00:00Z", text, cursor });
 * const sse = filteredEncoder(logBatchEncoder("sse"), { level: "error" });
 * const chunks = sse.encode([record("ERROR a", "c1"), record("INFO b", "c2")]);
 * assertEquals(chunks.map((c) => new TextDecoder().decode(c)).join(""),
 *   'id: c1\ndata: {"name":"f","namespace":"","instance":"f-1","timestamp":"2024-01-01T00:00:00Z","text":"ERROR a"}\n\nid: c2\n\n');
 * ```
 */
export function filteredEncoder(
  inner: LogBatchEncoder,
  filter: LogFilter | undefined,
): LogBatchEncoder {
  const keep = compileLogFilter(filter);
  if (keep === undefined) return inner;
  const key = JSON.stringify(filterQueryPairs(filter));
  return {
    first: inner.first,
    last: inner.last,
    encode(batch) {
      if (batch.length === 0) return [];
      let kept: LogBatch;
      if (batch === lastBatch && key === lastKey) {
        kept = lastKept;
      } else {
        kept = filterBatch(batch, keep);
        lastBatch = batch;
        lastKey = key;
        lastKept = kept;
      }
      const chunks = kept.length === 0 ? [] : inner.encode(kept);
      const last = batch[batch.length - 1];
      if (last.cursor === undefined || kept[kept.length - 1] === last) return chunks;
      return [...chunks, encoder.encode("id: " + last.cursor + "\n\n")];
    },
  };
}

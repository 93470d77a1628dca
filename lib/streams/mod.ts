/**
 * Stream building blocks for batches of records: line splitting, the
 * ordered merge of several instances, and the poll-source fast lane that
 * passes batches between stages by plain calls. May import lib/types.ts,
 * lib/time/ and lib/async/.
 *
 * @module
 */
export * from "./line_splitter.ts";
export * from "./line_batch_stream.ts";
export * from "./merge_log_streams.ts";
export * from "./poll_source.ts";

/**
 * The local runner's history: a bounded in-memory ring per function that
 * serves tail, since and cursors to any number of followers, and its NDJSON
 * segment files on disk (--data-dir). May import lib/streams/, lib/time/,
 * lib/ids/.
 *
 * @module
 */
export * from "./log_history.ts";
export * from "./history_store.ts";

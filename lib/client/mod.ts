/**
 * The client's follow loop: followLogs() reconnects with backoff through
 * every cut and resumes exactly (cursor, or since plus the dropped
 * overlap). May import lib/gateway/, lib/wire/, lib/async/, lib/time/;
 * never a provider (it takes one as a value).
 *
 * @module
 */
export * from "./follow_logs.ts";
export * from "./resume_tracker.ts";

/**
 * The client's follow loop: followLogs() reconnects with backoff through
 * every cut and resumes exactly (cursor, or since plus the dropped
 * overlap), and the resume state that carries that position from one
 * process to the next. May import lib/gateway/, lib/wire/, lib/async/, lib/time/;
 * never a provider (it takes one as a value).
 *
 * @module
 */
export * from "./follow_logs.ts";
export * from "./resume_tracker.ts";
export * from "./resume_state.ts";

/**
 * Timing helpers: capped exponential backoff with jitter, and a sleep that
 * an AbortSignal ends. Imports nothing.
 *
 * @module
 */
export * from "./backoff.ts";
export * from "./abortable_sleep.ts";

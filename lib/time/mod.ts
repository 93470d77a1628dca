/**
 * Timestamps of the log API (RFC3339 with nanoseconds, parsed, compared and
 * written as Go writes them) and a strictly increasing clock for stamping
 * lines. Imports nothing.
 *
 * @module
 */
export * from "./timestamp.ts";
export * from "./monotonic_clock.ts";

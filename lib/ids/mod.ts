/**
 * Short random identifiers (cursor prefixes, instance names). Imports
 * nothing.
 *
 * @module
 */
export * from "./random_id.ts";

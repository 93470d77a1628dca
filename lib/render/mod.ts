/**
 * Rendering messages for people: faas-cli's plain, keyvalue and json
 * formats byte for byte, and Go's time layouts. Pure functions; may import
 * lib/wire/ and lib/time/.
 *
 * @module
 */
export * from "./render_message.ts";
export * from "./format_go_time.ts";

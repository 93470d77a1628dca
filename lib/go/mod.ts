/**
 * Go-compatible parsing and formatting that faas-cli's flags and the
 * OpenFaaS API rely on: strconv.ParseBool, time.ParseDuration,
 * Duration.String. Imports nothing but lib/errors.ts.
 *
 * @module
 */
export * from "./parse_go_bool.ts";
export * from "./parse_go_duration.ts";
export * from "./format_go_duration.ts";

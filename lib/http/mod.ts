/**
 * A small HTTP/1.1 client for streaming answers over TCP, TLS or a unix
 * socket (one read per pull, chunked framing removed), and the proxy rules
 * fetch follows. Imports nothing else of fnlogs.
 *
 * @module
 */
export * from "./chunked_decoder.ts";
export * from "./http_get.ts";
export * from "./proxy_for.ts";

/**
 * The wire formats of the log API: the OpenFaaS NDJSON message and fnlogs'
 * event stream, encoded in batches for the server and decoded chunk by
 * chunk for clients (the format told from the body's first bytes). May
 * import only lib/types.ts and lib/errors.ts.
 *
 * @module
 */
export * from "./encode_log_message.ts";
export * from "./log_batch_encoder.ts";
export * from "./ndjson_encoder_stream.ts";
export * from "./sse_encoder_stream.ts";
export * from "./ndjson_log_decoder.ts";
export * from "./ndjson_log_decoder_stream.ts";
export * from "./sse_log_decoder.ts";
export * from "./sse_log_decoder_stream.ts";
export * from "./log_body_decoder.ts";
export * from "./to_log_record.ts";

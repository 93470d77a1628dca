/**
 * Talking to an OpenFaaS gateway or fnlogs serve: the log request as
 * faas-cli builds it, faas-cli's stored credentials, the function list, and
 * one log response opened and decoded. Used by the client and by the
 * openfaas provider; may import lib/http/, lib/wire/, lib/time/.
 *
 * @module
 */
export * from "./build_log_request.ts";
export * from "./read_faas_cli_auth.ts";
export * from "./list_functions.ts";
export * from "./open_log_stream.ts";

/**
 * fnlogs as a library for Deno scripts: follow function logs from an
 * OpenFaaS gateway, `fnlogs serve`, or an orchestrator directly, as an
 * `AsyncIterable` of typed messages that reconnects and resumes exactly.
 *
 * @example Follow a function from a gateway and print it like faas-cli
 * ```ts ignore
 * import { DEFAULT_RENDER_OPTIONS, followLogs, renderMessage } from "./mod.ts";
 *
 * const controller = new AbortController();
 * Deno.addSignalListener("SIGINT", () => controller.abort());
 * for await (const message of followLogs({
 *   gateway: "http://127.0.0.1:8080",
 *   name: "hello",
 *   tail: 10,
 *   signal: controller.signal,
 *   onEvent: (event) => console.error("fnlogs:", event.event),
 * })) {
 *   await Deno.stdout.write(new TextEncoder().encode(renderMessage(message, DEFAULT_RENDER_OPTIONS)));
 * }
 * ```
 *
 * @example Read the local runner directly, without a server
 * ```ts ignore
 * import { createProvider, followLogs } from "./mod.ts";
 *
 * await using provider = Object.assign(
 *   await createProvider({ kind: "local", stack: "examples/stack.yml" }),
 *   { async [Symbol.asyncDispose]() { await this.close(); } },
 * );
 * for await (const message of followLogs({ provider, name: "hello", follow: false })) {
 *   console.log(message.instance, message.text);
 * }
 * ```
 *
 * @module
 */
export type {
  FunctionInfo,
  LogBatch,
  LogMessage,
  LogProvider,
  LogQuery,
  LogRecord,
  LogSource,
  ProviderCallOptions,
} from "./types.ts";
export * from "./errors.ts";
export {
  type FollowEvent,
  followLogBatches,
  followLogs,
  type FollowLogsOptions,
} from "./follow_logs.ts";
export { DEFAULT_RENDER_OPTIONS, renderMessage, type RenderOptions } from "./render_message.ts";
export { formatGoTime, resolveTimeFormat } from "./format_go_time.ts";
export { parseGoDuration } from "./parse_go_duration.ts";
export { encodeLogMessage } from "./encode_log_message.ts";
export { type LogBatchEncoder, logBatchEncoder } from "./log_batch_encoder.ts";
export { NdjsonEncoderStream } from "./ndjson_encoder_stream.ts";
export { SseEncoderStream } from "./sse_encoder_stream.ts";
export { NdjsonLogDecoderStream } from "./ndjson_log_decoder_stream.ts";
export { SseLogDecoderStream } from "./sse_log_decoder_stream.ts";
export { LineBatchStream } from "./line_batch_stream.ts";
export { createProvider, type ProviderKind, type ProviderOptions } from "./create_provider.ts";
export { LocalProvider } from "./local_provider.ts";
export { LogHistory } from "./log_history.ts";
export { HistoryStore } from "./history_store.ts";
export { JournaldProvider } from "./journald_provider.ts";
export { KubernetesProvider } from "./kubernetes_provider.ts";
export { KubeConfig } from "./kube_config.ts";
export { DockerProvider } from "./docker_provider.ts";
export { DockerFrameStream } from "./docker_frame_stream.ts";
export { parseDockerHost } from "./docker_endpoint.ts";
export { OpenFaasProvider } from "./openfaas_provider.ts";
export { LogStreamMerger, mergeLogStreams } from "./merge_log_streams.ts";
export * from "./timestamp.ts";

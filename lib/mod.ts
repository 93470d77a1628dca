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
 * await using provider = await createProvider({ kind: "local", stack: "examples/stack.yml" });
 * for await (const message of followLogs({ provider, name: "hello", follow: false })) {
 *   console.log(message.instance, message.text);
 * }
 * ```
 *
 * @example Errors with their stack traces, through a template
 * ```ts ignore
 * import { compileLogFilter, compileTemplate, followLogBatches, MultilineStream } from "./mod.ts";
 *
 * // Join first (continuation lines have no level of their own), then keep errors.
 * const isError = compileLogFilter({ level: "error" })!;
 * const template = compileTemplate("{{.Timestamp}} [{{.Level}}] {{.Text}}");
 * const batches = ReadableStream.from(followLogBatches({ gateway: "http://127.0.0.1:8080", name: "api" }))
 *   .pipeThrough(new MultilineStream());
 * for await (const batch of batches) {
 *   for (const message of batch.filter(isError)) {
 *     await Deno.stdout.write(new TextEncoder().encode(template.render(message)));
 *   }
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
} from "./client/follow_logs.ts";
export {
  DEFAULT_RENDER_OPTIONS,
  renderMessage,
  type RenderOptions,
} from "./render/render_message.ts";
export { formatGoTime, resolveTimeFormat } from "./render/format_go_time.ts";
export { parseGoDuration } from "./go/parse_go_duration.ts";
export { encodeLogMessage } from "./wire/encode_log_message.ts";
export { type LogBatchEncoder, logBatchEncoder } from "./wire/log_batch_encoder.ts";
export { NdjsonEncoderStream } from "./wire/ndjson_encoder_stream.ts";
export { SseEncoderStream } from "./wire/sse_encoder_stream.ts";
export { NdjsonLogDecoderStream } from "./wire/ndjson_log_decoder_stream.ts";
export { SseLogDecoderStream } from "./wire/sse_log_decoder_stream.ts";
export { LineBatchStream } from "./streams/line_batch_stream.ts";
export { createProvider, type ProviderKind, type ProviderOptions } from "./providers/mod.ts";
export { LocalProvider } from "./providers/local/provider.ts";
export { LogHistory } from "./history/log_history.ts";
export { HistoryStore } from "./history/history_store.ts";
export { JournaldProvider } from "./providers/journald/provider.ts";
export { KubernetesProvider } from "./providers/kubernetes/provider.ts";
export { KubeConfig } from "./providers/kubernetes/kube_config.ts";
export { DockerProvider } from "./providers/docker/provider.ts";
export { DockerFrameStream } from "./providers/docker/frame_stream.ts";
export { parseDockerHost } from "./providers/docker/endpoint.ts";
export { OpenFaasProvider } from "./providers/openfaas/provider.ts";
export { NatsProvider, type NatsProviderOptions } from "./providers/nats/provider.ts";
export { ship, type ShipOptions, type ShipSummary } from "./ship/shipper.ts";
export { LogStreamMerger, mergeLogStreams } from "./streams/merge_log_streams.ts";
export * from "./time/timestamp.ts";
export {
  compareLevels,
  getFieldPath,
  LOG_LEVELS,
  type LogFormat,
  type LogLevel,
  type ParsedLine,
  parseLogLine,
} from "./parse/mod.ts";
export {
  CollapseStream,
  compileLogFilter,
  type LogFilter,
  MultilineStream,
  parseWhereClause,
  RateLimitStream,
  type WhereClause,
} from "./filters/mod.ts";
export {
  compileTemplate,
  type Template,
  type TemplateRenderOptions,
  TemplateSyntaxError,
} from "./render/template/mod.ts";
export { renderParsedJson } from "./render/render_parsed_json.ts";

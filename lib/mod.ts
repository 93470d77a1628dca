/**
 * fnlogs as a library for Deno scripts: follow function logs from an
 * OpenFaaS gateway, `fnlogs serve`, or an orchestrator directly, as an
 * `AsyncIterable` of typed messages that reconnects and resumes exactly.
 *
 * @example Follow a function from a gateway and print it like faas-cli
 * ```ts
 * import { DEFAULT_RENDER_OPTIONS, followLogs, renderMessage } from "./mod.ts";
 * import { assertEquals } from "@std/assert";
 *
 * // A stand-in for an OpenFaaS gateway on a loopback port: two lines of history.
 * const line = (text: string) =>
 *   JSON.stringify({ name: "hello", namespace: "openfaas-fn", instance: "hello-1", timestamp: "2024-01-01T00:00:00Z", text }) + "\n";
 * await using gateway = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => new Response(line("Hello") + line("World")));
 *
 * const controller = new AbortController(); // abort() it to stop following (Ctrl-C)
 * const printed: string[] = [];
 * for await (const message of followLogs({
 *   gateway: `http://127.0.0.1:${gateway.addr.port}`,
 *   name: "hello",
 *   follow: false, // the history only; leave it out to keep following
 *   signal: controller.signal,
 *   onEvent: (event) => console.error("fnlogs:", event.event),
 * })) {
 *   printed.push(renderMessage(message, DEFAULT_RENDER_OPTIONS));
 * }
 * assertEquals(printed, ["2024-01-01T00:00:00Z Hello\n", "2024-01-01T00:00:00Z World\n"]);
 * ```
 *
 * @example Pick up where the last run stopped: each line once across runs
 * ```ts
 * import { followLogs, ResumeState } from "./mod.ts";
 * import { assertEquals } from "@std/assert";
 *
 * // A gateway with four lines that honours `since`, as OpenFaaS gateways do.
 * const lines = ["one", "two", "three", "four"].map((text, i) => ({
 *   name: "hello", namespace: "", instance: "hello-1", timestamp: `2024-01-01T00:00:0${i}Z`, text,
 * }));
 * await using gateway = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
 *   const since = new URL(request.url).searchParams.get("since") ?? "";
 *   return new Response(lines.filter((l) => l.timestamp >= since).map((l) => JSON.stringify(l) + "\n").join(""));
 * });
 *
 * const saved = await Deno.makeTempFile();
 * async function run(stopAfter: number): Promise<string[]> {
 *   const text = await Deno.readTextFile(saved);
 *   const resumeState = text === "" ? new ResumeState() : ResumeState.parse(text);
 *   const handled: string[] = [];
 *   for await (const message of followLogs({
 *     gateway: `http://127.0.0.1:${gateway.addr.port}`,
 *     name: "hello",
 *     follow: false,
 *     resumeState,
 *   })) {
 *     handled.push(message.text); // handle the line, then save: the state covers it now
 *     await Deno.writeTextFile(saved, JSON.stringify(resumeState));
 *     if (handled.length === stopAfter) break;
 *   }
 *   return handled;
 * }
 * assertEquals(await run(2), ["one", "two"]);
 * assertEquals(await run(Infinity), ["three", "four"]);
 * await Deno.remove(saved);
 * ```
 *
 * @example Read the local runner directly, without a server
 * ```ts
 * import { createProvider, followLogs } from "./mod.ts";
 * import { assertEquals } from "@std/assert";
 *
 * // A tiny stack file: one function, a child process that says hello ("deno" is this Deno).
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(
 *   `${dir}/stack.yml`,
 *   `functions:\n  hello:\n    fnlogs:\n      command: ["deno", "eval", "console.log('hello from a child')"]\n      restart: never\n`,
 * );
 * await using provider = await createProvider({ kind: "local", stack: `${dir}/stack.yml` });
 * for await (const message of followLogs({ provider, name: "hello" })) {
 *   assertEquals(message.text, "hello from a child");
 *   break; // leaving the loop stops following; leaving the scope stops the provider
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
  type FunctionPosition,
  type FunctionRef,
  RESUME_STATE_VERSION,
  ResumeState,
  type ResumeStateJson,
  type ResumeStateOptions,
} from "./client/resume_state.ts";
export type { InstancePosition, ResumeTrackerState } from "./client/resume_tracker.ts";
export type { GatewayAuth } from "./gateway/build_log_request.ts";
export type { BackoffOptions } from "./async/backoff.ts";
export type { SetTimer } from "./async/abortable_sleep.ts";
export {
  DEFAULT_RENDER_OPTIONS,
  renderMessage,
  type RenderOptions,
} from "./render/render_message.ts";
export { formatGoTime, resolveTimeFormat } from "./render/format_go_time.ts";
export { parseGoDuration } from "./go/parse_go_duration.ts";
export { encodeLogMessage } from "./wire/encode_log_message.ts";
export {
  type LogBatchEncoder,
  logBatchEncoder,
  type LogBatchEncoderOptions,
} from "./wire/log_batch_encoder.ts";
export { NdjsonEncoderStream } from "./wire/ndjson_encoder_stream.ts";
export { SseEncoderStream } from "./wire/sse_encoder_stream.ts";
export { NdjsonLogDecoderStream } from "./wire/ndjson_log_decoder_stream.ts";
export { SseLogDecoderStream } from "./wire/sse_log_decoder_stream.ts";
export { LineBatchStream } from "./streams/line_batch_stream.ts";
export * from "./providers/mod.ts";
export type { LocalOptions } from "./providers/local/mod.ts";
export type { KubernetesOptions } from "./providers/kubernetes/mod.ts";
export type { DockerOptions } from "./providers/docker/mod.ts";
export type { JournaldOptions } from "./providers/journald/mod.ts";
export type { OpenFaasOptions } from "./providers/openfaas/mod.ts";
export type { NatsOptions } from "./providers/nats/mod.ts";
export type { MaxLineLengthOption, ReorderWindowOption } from "./providers/shared_flags.ts";
export { LocalProvider } from "./providers/local/provider.ts";
export { JournaldProvider } from "./providers/journald/provider.ts";
export { KubernetesProvider } from "./providers/kubernetes/provider.ts";
export { KubeConfig } from "./providers/kubernetes/kube_config.ts";
export { DockerProvider } from "./providers/docker/provider.ts";
export { OpenFaasProvider } from "./providers/openfaas/provider.ts";
export { NatsProvider, type NatsProviderOptions } from "./providers/nats/provider.ts";
export {
  LogStreamMerger,
  type LogStreamMergerOptions,
  mergeLogStreams,
} from "./streams/merge_log_streams.ts";
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
  type WhereOperator,
} from "./filters/mod.ts";
export {
  compileTemplate,
  type Template,
  type TemplateRenderOptions,
  TemplateSyntaxError,
} from "./render/template/mod.ts";
export { renderParsedJson } from "./render/render_parsed_json.ts";

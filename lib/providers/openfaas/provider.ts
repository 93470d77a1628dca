/**
 * Relays another OpenFaaS gateway's or provider's `GET /system/logs`: one
 * upstream request per stream, read no faster than the client takes it,
 * aborted when the client goes away. When the upstream is `fnlogs serve`,
 * its resume cursors pass through, so a relay chain still resumes exactly.
 *
 * @module
 */
import { buildLogRequest, type GatewayAuth } from "../../gateway/build_log_request.ts";
import {
  ConnectError,
  FunctionNotFoundError,
  HttpStatusError,
  InvalidInputError,
  UpstreamError,
} from "../../errors.ts";
import { listGatewayFunctions } from "../../gateway/list_functions.ts";
import { type LogStream, openLogStream } from "../../gateway/open_log_stream.ts";
import type {
  FunctionInfo,
  LogBatch,
  LogProvider,
  LogQuery,
  LogSource,
  ProviderCallOptions,
} from "../../types.ts";

/** Options for {@linkcode OpenFaasProvider}. */
export interface OpenFaasProviderOptions {
  /** The upstream gateway's base URL, e.g. `http://gateway.openfaas:8080`. */
  readonly upstream: string;
  /** Credentials for the upstream (default: `Authorization: Bearer` with an empty token). */
  readonly auth?: GatewayAuth;
  /** For a private CA (`Deno.createHttpClient({ caCerts })`). */
  readonly client?: Deno.HttpClient;
  /** Filled into records whose namespace the upstream left empty (default `openfaas-fn`). */
  readonly defaultNamespace?: string;
  /** Injectable for tests. */
  readonly fetch?: typeof fetch;
}

/**
 * A {@linkcode LogProvider} that reads another gateway.
 *
 * @example
 * ```ts ignore
 * const provider = new OpenFaasProvider({ upstream: "http://127.0.0.1:8080" });
 * const { stream } = await provider.openLogs({ name: "env", follow: false });
 * for await (const batch of stream) console.log(batch.length);
 * ```
 */
export class OpenFaasProvider implements LogProvider {
  readonly kind = "openfaas";
  readonly resumesByCursor = true;
  readonly defaultNamespace: string;
  readonly #options: OpenFaasProviderOptions;

  /** A provider for `options.upstream`; it connects on each call. */
  constructor(options: OpenFaasProviderOptions) {
    this.#options = options;
    this.defaultNamespace = options.defaultNamespace ?? "openfaas-fn";
  }

  async listFunctions(
    namespace: string | undefined,
    options: ProviderCallOptions = {},
  ): Promise<FunctionInfo[]> {
    try {
      return await listGatewayFunctions({
        gateway: this.#options.upstream,
        namespace,
        auth: this.#options.auth,
        client: this.#options.client,
        fetch: this.#options.fetch,
        signal: options.signal,
      });
    } catch (error) {
      throw this.#upstreamError(error, namespace ?? this.defaultNamespace);
    }
  }

  async openLogs(query: LogQuery, options: ProviderCallOptions = {}): Promise<LogSource> {
    const { upstream } = this.#options;
    let logs: LogStream;
    try {
      logs = await openLogStream({
        request: buildLogRequest({
          gateway: upstream,
          name: query.name,
          namespace: query.namespace,
          instance: query.instance,
          follow: query.follow,
          tail: query.tail,
          since: query.since,
          auth: this.#options.auth,
          lastEventId: query.cursor,
        }),
        gateway: upstream,
        fetch: this.#options.fetch,
        client: this.#options.client,
        signal: options.signal,
      });
    } catch (error) {
      throw this.#upstreamError(error, query.namespace ?? this.defaultNamespace, query.name);
    }
    const namespace = query.namespace ?? this.defaultNamespace;
    // faas-netes leaves `namespace` empty; fill it, touching only batches that need it.
    const stream = logs.batches.pipeThrough(
      new TransformStream<LogBatch, LogBatch>({
        transform(batch, controller) {
          controller.enqueue(
            batch.some((r) => r.namespace === "")
              ? batch.map((r) => (r.namespace === "" ? { ...r, namespace } : r))
              : batch,
          );
        },
      }),
    );
    return { stream, fromCursor: query.cursor !== undefined && logs.resume === "cursor" };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Closes it (see {@linkcode close}) at the end of an `await using` scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #upstreamError(error: unknown, namespace: string, name?: string): Error {
    const upstream = this.#options.upstream;
    if (error instanceof HttpStatusError) {
      if (error.status === 404 && name !== undefined) {
        return new FunctionNotFoundError(name, namespace);
      }
      if (error.status === 422 || error.status === 400) {
        return new InvalidInputError(`upstream ${upstream} rejected the request: ${error.body}`);
      }
      const body = error.body === "" ? "" : `: ${error.body}`;
      return new UpstreamError(
        `upstream ${upstream} answered ${error.status}${body}`,
        error.status,
      );
    }
    if (error instanceof ConnectError) {
      return new UpstreamError(`cannot connect to upstream ${upstream}`, undefined, {
        cause: error,
      });
    }
    return error instanceof Error ? error : new UpstreamError(String(error));
  }
}

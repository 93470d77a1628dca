/**
 * `GET /system/functions` of a gateway, for `fnlogs logs --all`.
 *
 * @module
 */
import { authorizationHeader, type GatewayAuth } from "./build_log_request.ts";
import { ConnectError, HttpStatusError, UpstreamError } from "../errors.ts";
import type { FunctionInfo } from "../types.ts";

/** What {@linkcode listGatewayFunctions} needs. */
export interface ListGatewayFunctionsOptions {
  readonly gateway: string;
  /** Sent as `?namespace=` when non-empty. */
  readonly namespace?: string;
  /** Default: `Authorization: Bearer` with an empty token, as faas-cli. */
  readonly auth?: GatewayAuth;
  readonly client?: Deno.HttpClient;
  readonly fetch?: typeof fetch;
  readonly signal?: AbortSignal;
}

/**
 * Lists the names of the functions a gateway knows, in its order. Rejects
 * with {@linkcode ConnectError}, {@linkcode HttpStatusError}, or
 * {@linkcode UpstreamError} when the answer is not a JSON array of
 * functions.
 *
 * @example
 * ```ts ignore
 * import { listGatewayFunctions } from "./list_functions.ts";
 *
 * const functions = await listGatewayFunctions({ gateway: "http://127.0.0.1:8080", namespace: "openfaas-fn" });
 * ```
 */
export async function listGatewayFunctions(
  options: ListGatewayFunctionsOptions,
): Promise<FunctionInfo[]> {
  const base = options.gateway.replace(/\/+$/, "") + "/system/functions";
  const url = options.namespace
    ? `${base}?namespace=${encodeURIComponent(options.namespace)}`
    : base;
  const headers = new Headers({
    "user-agent": "fnlogs",
    accept: "application/json",
    authorization: authorizationHeader(options.auth),
  });
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      headers,
      signal: options.signal,
      ...(options.client === undefined ? {} : { client: options.client }),
    });
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw new ConnectError(options.gateway, { cause: error });
  }
  const text = await response.text();
  if (response.status !== 200) throw new HttpStatusError(response.status, text.trim());
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UpstreamError("The gateway's function list is not JSON", response.status);
  }
  if (!Array.isArray(value)) {
    throw new UpstreamError("The gateway's function list is not an array", response.status);
  }
  const functions: FunctionInfo[] = [];
  for (const item of value) {
    if (item === null || typeof item !== "object") continue;
    const f = item as Record<string, unknown>;
    if (typeof f.name !== "string" || f.name === "") continue;
    const labels = f.labels !== null && typeof f.labels === "object"
      ? Object.fromEntries(
        Object.entries(f.labels as Record<string, unknown>)
          .filter((e): e is [string, string] => typeof e[1] === "string"),
      )
      : undefined;
    functions.push({
      name: f.name,
      namespace: typeof f.namespace === "string" ? f.namespace : options.namespace ?? "",
      replicas: typeof f.replicas === "number" ? f.replicas : 0,
      availableReplicas: typeof f.availableReplicas === "number" ? f.availableReplicas : 0,
      ...(typeof f.image === "string" ? { image: f.image } : {}),
      ...(labels === undefined ? {} : { labels }),
      ...(Array.isArray(f.instances)
        ? { instances: f.instances.filter((i): i is string => typeof i === "string") }
        : {}),
    });
  }
  return functions;
}

/**
 * `GET /system/functions` of a gateway, for `fnlogs logs --all`.
 *
 * @module
 */
import type { GatewayAuth } from "./build_log_request.ts";
import { ConnectError, HttpStatusError, UpstreamError } from "./errors.ts";

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
 * import { listGatewayFunctions } from "./list_gateway_functions.ts";
 *
 * const names = await listGatewayFunctions({ gateway: "http://127.0.0.1:8080", namespace: "openfaas-fn" });
 * ```
 */
export async function listGatewayFunctions(
  options: ListGatewayFunctionsOptions,
): Promise<string[]> {
  const base = options.gateway.replace(/\/+$/, "") + "/system/functions";
  const url = options.namespace
    ? `${base}?namespace=${encodeURIComponent(options.namespace)}`
    : base;
  const auth = options.auth ?? { kind: "bearer", token: "" };
  const headers = new Headers({ "user-agent": "fnlogs", accept: "application/json" });
  if (auth.kind === "basic") {
    const bytes = new TextEncoder().encode(auth.username + ":" + auth.password);
    headers.set("authorization", "Basic " + btoa(String.fromCharCode(...bytes)));
  } else {
    headers.set("authorization", "Bearer " + auth.token);
  }
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
  const names: string[] = [];
  for (const item of value) {
    const name = (item as { name?: unknown } | null)?.name;
    if (typeof name === "string" && name !== "") names.push(name);
  }
  return names;
}

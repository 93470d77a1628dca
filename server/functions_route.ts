/**
 * `GET /system/functions`: the functions the provider knows, in the OpenFaaS
 * JSON shape.
 *
 * @module
 */
import {
  FunctionNotFoundError,
  InvalidInputError,
  NamespaceNotAllowedError,
  UpstreamError,
} from "../lib/errors.ts";
import type { LogProvider } from "../lib/types.ts";
import { jsonResponse, textResponse } from "./http/text_response.ts";

/** Answers one function-list request. */
export async function functionsRoute(
  request: Request,
  provider: LogProvider,
  namespaces: readonly string[] | undefined,
  log?: (message: string) => void,
): Promise<Response> {
  if (request.method !== "GET") {
    return textResponse(405, `method ${request.method} not allowed`, { allow: "GET" });
  }
  const namespace = new URL(request.url).searchParams.get("namespace") || undefined;
  if (namespaces !== undefined && !namespaces.includes(namespace ?? provider.defaultNamespace)) {
    return textResponse(
      403,
      new NamespaceNotAllowedError(namespace ?? provider.defaultNamespace).message,
    );
  }
  try {
    const functions = await provider.listFunctions(namespace, { signal: request.signal });
    const allowed = namespaces === undefined
      ? functions
      : functions.filter((f) => namespaces.includes(f.namespace));
    const body = allowed.map((f) => ({
      name: f.name,
      namespace: f.namespace,
      image: f.image ?? "",
      invocationCount: 0,
      replicas: f.replicas,
      availableReplicas: f.availableReplicas,
      labels: f.labels ?? {},
      instances: f.instances ?? [],
    }));
    return jsonResponse(body);
  } catch (error) {
    if (error instanceof NamespaceNotAllowedError) return textResponse(403, error.message);
    // The client's mistake, as the upstream said (faas-netes: a namespace it does not manage).
    if (error instanceof InvalidInputError) return textResponse(400, error.message);
    if (error instanceof FunctionNotFoundError) return textResponse(404, error.message);
    const message = error instanceof Error ? error.message : String(error);
    log?.(`function list failed: ${message}`);
    return textResponse(error instanceof UpstreamError ? 502 : 500, "function list request failed");
  }
}

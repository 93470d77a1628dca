/**
 * The `GET /system/logs` request, built exactly as faas-cli builds it, plus
 * the headers of fnlogs' own extensions (ignored by real gateways).
 *
 * @module
 */

/** How a request proves who sends it. */
export type GatewayAuth =
  | { readonly kind: "bearer"; readonly token: string }
  | { readonly kind: "basic"; readonly username: string; readonly password: string };

/** What {@linkcode buildLogRequest} needs. */
export interface LogRequestOptions {
  /** The gateway's base URL (`http://127.0.0.1:8080`); trailing slashes are trimmed. */
  readonly gateway: string;
  readonly name: string;
  /** Sent only when non-empty, as faas-cli does. */
  readonly namespace?: string;
  /** Sent only when non-empty (fnlogs serve filters by it; real gateways ignore it). */
  readonly instance?: string;
  readonly follow: boolean;
  /** Sent as `tail=N` unless 0 or `undefined` (faas-cli sends its default -1). */
  readonly tail?: number;
  /** An RFC3339 string, sent as given (percent-encoded). */
  readonly since?: string;
  /**
   * Default: `Authorization: Bearer` with an empty token, as faas-cli sends
   * without a login.
   */
  readonly auth?: GatewayAuth;
  /** Sent as `Last-Event-ID` to resume an event stream exactly. */
  readonly lastEventId?: string;
  /**
   * Ask for fnlogs' resumable event stream (`Accept: text/event-stream,
   * application/x-ndjson;q=0.9`); default `true`.
   */
  readonly eventStream?: boolean;
  /** Default `fnlogs`. */
  readonly userAgent?: string;
  /**
   * Extension parameters (fnlogs' server-side filters) appended after
   * faas-cli's keys, only when asking for the event stream.
   */
  readonly extraParams?: readonly (readonly [string, string])[];
}

/** A request ready for `fetch(url, { headers })`. */
export interface LogRequest {
  readonly url: string;
  readonly headers: Headers;
}

/** The `Accept` header fnlogs sends: its event stream first, NDJSON second. */
/**
 * The `Authorization` value faas-cli sends: `Bearer TOKEN` (with an empty
 * token when there is no login) or `Basic` for a user and password.
 *
 * @example
 * ```ts
 * import { authorizationHeader } from "./build_log_request.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(authorizationHeader(undefined), "Bearer ");
 * assertEquals(authorizationHeader({ kind: "basic", username: "admin", password: "pw" }), "Basic YWRtaW46cHc=");
 * ```
 */
export function authorizationHeader(auth: GatewayAuth | undefined): string {
  if (auth?.kind === "basic") {
    const bytes = new TextEncoder().encode(auth.username + ":" + auth.password);
    return "Basic " + btoa(String.fromCharCode(...bytes));
  }
  return "Bearer " + (auth?.token ?? "");
}

export const LOG_REQUEST_ACCEPT = "text/event-stream, application/x-ndjson;q=0.9";

/** Go's `url.QueryEscape`: everything but `A-Z a-z 0-9 - _ . ~` escaped, space as `+`. */
function goQueryEscape(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%20/g, "+");
}

/**
 * Builds the log request as faas-cli does: keys sorted (`follow, instance,
 * name, namespace, since, tail`), values escaped as Go's `url.Values.Encode`
 * escapes them, `follow=true|false`, `namespace` and `instance` only when
 * set, `tail` only when not 0. `Authorization` is `Bearer TOKEN` (empty
 * token when none) or `Basic`. fnlogs adds `Accept` for its event stream
 * and, when resuming, `Last-Event-ID`.
 *
 * @example faas-cli's defaults
 * ```ts
 * import { buildLogRequest } from "./build_log_request.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const request = buildLogRequest({
 *   gateway: "http://127.0.0.1:8080/",
 *   name: "env",
 *   follow: true,
 *   tail: -1,
 *   since: "2023-07-04T16:27:23+01:00",
 * });
 * assertEquals(
 *   request.url,
 *   "http://127.0.0.1:8080/system/logs?follow=true&name=env&since=2023-07-04T16%3A27%3A23%2B01%3A00&tail=-1",
 * );
 * assertEquals(request.headers.get("authorization"), "Bearer");
 * ```
 */
export function buildLogRequest(options: LogRequestOptions): LogRequest {
  const pairs: [string, string][] = [["follow", options.follow ? "true" : "false"]];
  if (options.instance) pairs.push(["instance", options.instance]);
  pairs.push(["name", options.name]);
  if (options.namespace) pairs.push(["namespace", options.namespace]);
  if (options.since !== undefined) pairs.push(["since", options.since]);
  if (options.tail !== undefined && options.tail !== 0) {
    pairs.push(["tail", String(Math.trunc(options.tail))]);
  }
  if (options.eventStream ?? true) {
    for (const [key, value] of options.extraParams ?? []) pairs.push([key, value]);
  }
  const query = pairs.map(([k, v]) => k + "=" + goQueryEscape(v)).join("&");
  const url = options.gateway.replace(/\/+$/, "") + "/system/logs?" + query;

  const headers = new Headers({ authorization: authorizationHeader(options.auth) });
  headers.set("user-agent", options.userAgent ?? "fnlogs");
  if (options.eventStream ?? true) headers.set("accept", LOG_REQUEST_ACCEPT);
  if (options.lastEventId !== undefined) headers.set("last-event-id", options.lastEventId);
  return { url, headers };
}

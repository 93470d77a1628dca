/**
 * Typed errors thrown across fnlogs. Only `main.ts` turns them into exit
 * codes and `error: ...` lines; the server turns them into HTTP answers.
 *
 * @module
 */

/** A request or an option that cannot be understood (HTTP 422/400, exit 2). */
export class InvalidInputError extends Error {
  /** Always `"InvalidInputError"`. */
  override name = "InvalidInputError";
}

/**
 * A saved resume position that cannot be used: not one at all, another
 * format version, or written for another gateway or other functions (exit
 * code 2). Never read silently as something else.
 */
export class ResumeStateError extends InvalidInputError {
  /** Always `"ResumeStateError"`. */
  override name = "ResumeStateError";
}

/** Command-line usage that cannot be understood (exit code 2). */
export class UsageError extends Error {
  /** Always `"UsageError"`. */
  override name = "UsageError";
}

/** The function asked for does not exist (HTTP 404). */
export class FunctionNotFoundError extends Error {
  /** Always `"FunctionNotFoundError"`. */
  override name = "FunctionNotFoundError";
  /** The function, and the namespace it was looked for in. */
  constructor(readonly functionName: string, readonly namespace: string) {
    super(`Function "${functionName}" not found in namespace "${namespace}"`);
  }
}

/** The namespace is not served (HTTP 403 with an allow-list, 404 otherwise). */
export class NamespaceNotAllowedError extends Error {
  /** Always `"NamespaceNotAllowedError"`. */
  override name = "NamespaceNotAllowedError";
  /** The namespace that was asked for. */
  constructor(readonly namespace: string) {
    super(`Namespace "${namespace}" is not allowed`);
  }
}

/** An orchestrator or upstream gateway failed or answered unexpectedly (HTTP 502). */
export class UpstreamError extends Error {
  /** Always `"UpstreamError"`. */
  override name = "UpstreamError";
  /** What failed, and the upstream's HTTP status when it answered. */
  constructor(message: string, readonly status?: number, options?: ErrorOptions) {
    super(message, options);
  }
}

/** A gateway could not be reached at all (faas-cli: "Cannot connect to OpenFaaS on URL"). */
export class ConnectError extends Error {
  /** Always `"ConnectError"`. */
  override name = "ConnectError";
  /**
   * The gateway's URL; the network error as `options.cause`; `afterRequest`
   * when the connection was made and the request sent, and it was closed
   * before any answer (a cut worth another try, not a wrong URL).
   */
  constructor(
    readonly url: string,
    options?: ErrorOptions,
    readonly afterRequest: boolean = false,
  ) {
    super(`Cannot connect to OpenFaaS on URL: ${url}`, options);
  }
}

/**
 * A gateway answered with a status other than 200 (faas-cli's wording).
 * `hint`, when set, is a second line for people: what the answer likely
 * means (printed after the message, which stays faas-cli's).
 */
export class HttpStatusError extends Error {
  /** Always `"HttpStatusError"`. */
  override name = "HttpStatusError";
  /** The status, the answer's body, and an optional hint for people. */
  constructor(readonly status: number, readonly body: string, readonly hint?: string) {
    super(
      status === 401
        ? `Unauthorized access, run "faas-cli login" to setup authentication for this server`
        : `Server returned unexpected status code: ${status} - ${body}`,
    );
  }
}

/**
 * A one-line account of an error for a notice or a log: its message, the
 * messages of the causes it wraps that add something (fetch's own errors say
 * little, "fetch failed"; the root cause says what happened, "Connection
 * reset by peer (os error 104)"), and for a {@linkcode ConnectError} its
 * cause in parentheses.
 *
 * @example
 * ```ts
 * import { describeError } from "./errors.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const error = new TypeError("fetch failed", { cause: new Error("Connection refused") });
 * assertEquals(describeError(error), "fetch failed: Connection refused");
 * ```
 */
export function describeError(error: unknown): string {
  if (error instanceof ConnectError && error.cause !== undefined) {
    return `${error.message} (${describeError(error.cause)})`;
  }
  if (!(error instanceof Error)) return String(error);
  let text = error.message;
  let cause = error.cause;
  for (let depth = 0; cause instanceof Error && depth < 4; depth++, cause = cause.cause) {
    if (!text.includes(cause.message)) text += `: ${cause.message}`;
  }
  return text;
}

/**
 * Parses `GET /system/logs` query strings the way the Go faas-provider does,
 * with clear reasons for what it rejects.
 *
 * @module
 */
import { InvalidInputError } from "../lib/errors.ts";
import { parseGoBool } from "../lib/go/parse_go_bool.ts";
import { parseTimestamp } from "../lib/time/timestamp.ts";
import type { LogQuery } from "../lib/types.ts";

/** The reference's 422 body; fnlogs appends the reason after a colon. */
export const LOG_REQUEST_ERROR = "could not parse the log request";

const INT64_MAX = 9223372036854775807n;
const INTEGER = /^[+-]?\d+$/;

/** Limits applied while parsing. */
export interface LogQueryLimits {
  /** The largest `tail` honoured; larger values are answered with 422. */
  readonly maxTail?: number;
}

/**
 * Turns the query of a log request into a {@linkcode LogQuery}. A repeated key
 * counts with its last value; `follow` takes Go's `strconv.ParseBool`
 * spellings, anything else being false; `tail` is a signed decimal integer
 * where `<= 0` means no limit; `since` is RFC3339 with a zone. The cursor of
 * fnlogs' event-stream extension comes from the `Last-Event-ID` header.
 *
 * Throws {@linkcode InvalidInputError} (answered with 422) naming the reason.
 */
export function parseLogQuery(
  params: URLSearchParams,
  lastEventId: string | null = null,
  limits: LogQueryLimits = {},
): LogQuery {
  const last = (key: string): string => {
    const all = params.getAll(key);
    return all.length === 0 ? "" : all[all.length - 1];
  };
  const name = last("name");
  if (name === "") {
    throw new InvalidInputError(`${LOG_REQUEST_ERROR}: the "name" parameter is required`);
  }

  let tail: number | undefined;
  const tailText = last("tail");
  if (tailText !== "") {
    if (
      !INTEGER.test(tailText) || BigInt(tailText) > INT64_MAX || BigInt(tailText) < -INT64_MAX - 1n
    ) {
      throw new InvalidInputError(
        `${LOG_REQUEST_ERROR}: tail must be an integer, got ${quote(tailText)}`,
      );
    }
    const n = Number(tailText);
    if (n > 0) {
      if (limits.maxTail !== undefined && n > limits.maxTail) {
        throw new InvalidInputError(
          `${LOG_REQUEST_ERROR}: tail ${n} is over this server's limit of ${limits.maxTail}`,
        );
      }
      tail = n;
    }
  }

  let since: string | undefined;
  const sinceText = last("since");
  if (sinceText !== "") {
    if (parseTimestamp(sinceText) === undefined) {
      throw new InvalidInputError(
        `${LOG_REQUEST_ERROR}: since must be an RFC3339 time with a zone, got ${quote(sinceText)}`,
      );
    }
    since = sinceText;
  }

  const namespace = last("namespace");
  const instance = last("instance");
  const cursor = lastEventId === null || lastEventId === "" ? undefined : lastEventId;
  return {
    name,
    follow: parseGoBool(last("follow")) ?? false,
    ...(namespace === "" ? {} : { namespace }),
    ...(instance === "" ? {} : { instance }),
    ...(tail === undefined ? {} : { tail }),
    ...(since === undefined ? {} : { since }),
    ...(cursor === undefined ? {} : { cursor }),
  };
}

function quote(value: string): string {
  const shown = value.length > 64 ? value.slice(0, 64) + "..." : value;
  return JSON.stringify(shown);
}

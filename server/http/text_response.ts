/**
 * Plain-text answers in the shape Go's `http.Error` writes them, which is
 * what OpenFaaS clients expect for every non-200 answer.
 *
 * @module
 */

const encoder = new TextEncoder();

/**
 * A `text/plain` answer whose body is `message` and a newline, with its
 * `content-length` (so that it is not sent chunked).
 */
export function textResponse(
  status: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  const body = encoder.encode(message + "\n");
  return new Response(body, {
    status,
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "content-length": String(body.length),
      "x-content-type-options": "nosniff",
      ...headers,
    },
  });
}

/** `Response.json(value)` with its `content-length`. */
export function jsonResponse(value: unknown): Response {
  const body = encoder.encode(JSON.stringify(value));
  return new Response(body, {
    headers: { "content-type": "application/json", "content-length": String(body.length) },
  });
}

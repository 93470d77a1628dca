/**
 * Plain-text answers in the shape Go's `http.Error` writes them, which is
 * what OpenFaaS clients expect for every non-200 answer.
 *
 * @module
 */

/** A `text/plain` answer whose body is `message` and a newline. */
export function textResponse(
  status: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(message + "\n", {
    status,
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "x-content-type-options": "nosniff",
      ...headers,
    },
  });
}

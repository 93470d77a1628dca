/**
 * How many functions the page follows at once. Over HTTP/1.1 a browser opens
 * at most six connections to one server and each `EventSource` holds one
 * (one is left for the page's other requests); over HTTP/2 they share one.
 *
 * @module
 */

/** The limit for the connection the page was loaded over. */
export function streamLimit(): number {
  const [navigation] = performance.getEntriesByType("navigation") as PerformanceNavigationTiming[];
  return ["h2", "h3"].includes(navigation?.nextHopProtocol ?? "") ? 50 : 5;
}

/** What the page says when the reader asks for more. */
export function streamLimitNote(limit: number): string {
  return `The page follows at most ${limit} functions at once: over HTTP/1.1 a browser opens ` +
    "six connections to a server, one per followed function (HTTPS with --engine deno speaks " +
    "HTTP/2, which has no such limit).";
}

/**
 * Whether a request should go through an HTTP proxy, by the environment
 * variables `fetch` honours (`HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY`, and
 * their lower-case forms).
 *
 * @module
 */

/**
 * The proxy URL that `fetch` would use for `url`, or `undefined` when it
 * would connect directly: `HTTPS_PROXY` for `https:`, `HTTP_PROXY` for
 * `http:`, unless `NO_PROXY` names the host (`*`, a host, `.suffix` or a
 * domain and its subdomains, optionally with `:port`). `env` returns a
 * variable's value; one that cannot be read counts as unset.
 *
 * @example
 * ```ts
 * import { proxyFor } from "./proxy_for.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const env: Record<string, string> = { HTTP_PROXY: "http://proxy:3128", NO_PROXY: "localhost,.internal" };
 * const get = (name: string) => env[name];
 * assertEquals(proxyFor(new URL("http://gw.example.com:8080"), get), "http://proxy:3128");
 * assertEquals(proxyFor(new URL("http://gw.internal:8080"), get), undefined);
 * assertEquals(proxyFor(new URL("https://gw.example.com"), get), undefined);
 * ```
 */
export function proxyFor(
  url: URL,
  env: (name: string) => string | undefined,
): string | undefined {
  const read = (name: string) => {
    try {
      return env(name) || env(name.toLowerCase()) || undefined;
    } catch {
      return undefined; // No permission to read the environment: as unset.
    }
  };
  const proxy = read(url.protocol === "https:" ? "HTTPS_PROXY" : "HTTP_PROXY");
  if (proxy === undefined) return undefined;
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  for (let entry of (read("NO_PROXY") ?? "").split(",")) {
    entry = entry.trim().toLowerCase();
    if (entry === "") continue;
    if (entry === "*") return undefined;
    let entryPort: string | undefined;
    const colon = entry.lastIndexOf(":");
    if (colon > 0 && !entry.includes("]") && /^\d+$/.test(entry.slice(colon + 1))) {
      entryPort = entry.slice(colon + 1);
      entry = entry.slice(0, colon);
    }
    entry = entry.replace(/^\[(.*)\]$/, "$1").replace(/^\*?\./, ".");
    if (entryPort !== undefined && entryPort !== port) continue;
    if (
      host === entry.replace(/^\./, "") ||
      (entry.length > 1 && host.endsWith(entry.startsWith(".") ? entry : "." + entry))
    ) {
      return undefined;
    }
  }
  return proxy;
}

/**
 * Where the NATS servers are: URLs checked without loading a NATS client
 * (flag parsing stays light), and the default stream name.
 *
 * @module
 */
import { InvalidInputError } from "../../errors.ts";
import { hideCredentials } from "../../http/hide_credentials.ts";

/** The JetStream stream fnlogs ships to and serves from, by default. */
export const DEFAULT_STREAM = "FNLOGS";

/** Server URLs, checked, without credentials, plus the credentials they carried. */
export interface NatsServers {
  readonly servers: string[];
  readonly user?: string;
  readonly pass?: string;
}

/** A credential as written in a URL (`%40` for `@`), decoded. */
function decodeCredential(text: string, url: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new InvalidInputError(
      `Cannot use NATS URL "${hideCredentials(url)}": a user or password has a bad % escape`,
    );
  }
}

/**
 * Checks server URLs (each may hold several, comma-separated, as NATS tools
 * write them). Throws {@linkcode InvalidInputError} for anything else; its
 * message never shows a URL's user, password or token.
 *
 * @example
 * ```ts
 * import { parseNatsServers } from "./servers.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const parsed = parseNatsServers(["nats://fnlogs:pw@127.0.0.1:4222,127.0.0.1:4223"]);
 * assertEquals(parsed.servers, ["nats://127.0.0.1:4222", "nats://127.0.0.1:4223"]);
 * assertEquals(parsed.user, "fnlogs");
 * ```
 */
export function parseNatsServers(urls: readonly string[]): NatsServers {
  const servers: string[] = [];
  let user: string | undefined, pass: string | undefined;
  for (const text of urls.flatMap((u) => u.split(",")).map((u) => u.trim())) {
    if (text === "") continue;
    let url: URL;
    try {
      url = new URL(/^[a-z]+:\/\//i.test(text) ? text : `nats://${text}`);
    } catch {
      throw new InvalidInputError(
        `Cannot parse NATS URL "${hideCredentials(text)}" (expected nats://HOST:PORT)`,
      );
    }
    if (!["nats:", "tls:"].includes(url.protocol)) {
      throw new InvalidInputError(
        `Cannot use NATS URL "${hideCredentials(text)}": the scheme must be nats:// or tls://`,
      );
    }
    if (url.hostname === "" || (url.pathname !== "" && url.pathname !== "/") || url.search) {
      throw new InvalidInputError(
        `Cannot use NATS URL "${hideCredentials(text)}" (expected nats://HOST:PORT)`,
      );
    }
    if (url.username !== "") {
      user = decodeCredential(url.username, text);
      pass = decodeCredential(url.password, text);
    }
    servers.push(`${url.protocol}//${url.hostname}:${url.port || "4222"}`);
  }
  if (servers.length === 0) throw new InvalidInputError("No NATS server URL given");
  return { servers, user, pass };
}

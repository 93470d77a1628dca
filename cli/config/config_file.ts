/**
 * fnlogs' own config file: named contexts, each a set of gateways with their
 * credentials, so that `fnlogs logs NAME --context prod` follows several
 * gateways at once without flags for each.
 *
 * ```yaml
 * contexts:
 *   prod:
 *     namespace: openfaas-fn      # optional: the default for -n
 *     gateways:
 *       - url: https://eu.example.com
 *         label: eu                 # the line prefix (default: host:port)
 *         token-file: eu.token      # or token: TEXT; paths are relative to this file
 *       - url: https://us.example.com
 *         username: admin           # basic auth: password: TEXT or password-file: PATH
 *         password-file: us.password
 *         cacert: private-ca.pem    # PEM roots trusted for this gateway too
 *   local:
 *     gateway: http://127.0.0.1:8080
 * ```
 *
 * @module
 */
import { parse } from "@std/yaml";
import { InvalidInputError, UsageError } from "../../lib/errors.ts";
import type { GatewayAuth } from "../../lib/gateway/build_log_request.ts";

/** One gateway of a context, its files already read. */
export interface ContextGateway {
  /** As written, normalized the way `-g` is. */
  readonly url: string;
  readonly label?: string;
  readonly auth?: GatewayAuth;
  /** PEM text of extra root certificates. */
  readonly caCerts?: string[];
}

/** One named context. */
export interface ConfigContext {
  readonly gateways: readonly ContextGateway[];
  readonly namespace?: string;
}

const parseYaml: (text: string) => unknown = parse;

/** The config file: where it is, and the contexts it holds. */
export class ConfigFile {
  /** `undefined` when no variable says where it could be. */
  readonly path: string | undefined;

  constructor(path: string | undefined) {
    this.path = path;
  }

  /**
   * The config file `FNLOGS_CONFIG` names, else
   * `$XDG_CONFIG_HOME/fnlogs/config.yaml`, else `~/.config/fnlogs/config.yaml`.
   */
  static locate(env: (name: string) => string | undefined): ConfigFile {
    const explicit = env("FNLOGS_CONFIG");
    const xdg = env("XDG_CONFIG_HOME");
    const home = env("HOME") ?? env("USERPROFILE");
    return new ConfigFile(
      explicit
        ? explicit
        : xdg
        ? `${xdg}/fnlogs/config.yaml`
        : home
        ? `${home}/.config/fnlogs/config.yaml`
        : undefined,
    );
  }

  /** The context names, sorted (none when the file is missing or unreadable). */
  async contextNames(): Promise<string[]> {
    if (this.path === undefined) return [];
    try {
      const root = parseYaml(await Deno.readTextFile(this.path));
      const contexts = isRecord(root) ? root.contexts : undefined;
      return isRecord(contexts) ? Object.keys(contexts).sort() : [];
    } catch {
      return [];
    }
  }

  /**
   * Reads context `name`, with the token, password and certificate files it
   * names; URLs go through `normalizeUrl` (as `-g` values do). Throws
   * {@linkcode UsageError} when the file or the context is missing and
   * {@linkcode InvalidInputError} for a file that does not read as
   * documented.
   */
  context(name: string, normalizeUrl: (url: string) => string): Promise<ConfigContext> {
    return loadContext(this.path, name, normalizeUrl);
  }
}

async function loadContext(
  path: string | undefined,
  name: string,
  normalizeUrl: (url: string) => string,
): Promise<ConfigContext> {
  if (path === undefined) {
    throw new UsageError(`--context ${name}: no config file (set FNLOGS_CONFIG or HOME)`);
  }
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new UsageError(`--context ${name}: there is no config file ${path}`);
    }
    throw error;
  }
  const bad = (where: string, what: string) =>
    new InvalidInputError(`Cannot read ${path}: ${where} ${what}`);
  let root: unknown;
  try {
    root = parseYaml(text);
  } catch (error) {
    throw bad("the file", `is not YAML (${(error as Error).message.split("\n")[0]})`);
  }
  const contexts = isRecord(root) ? root.contexts : undefined;
  if (!isRecord(contexts)) throw bad("contexts", "is not a map of named contexts");
  // Own keys only: `--context toString` is a name, not an object's method.
  const context = Object.hasOwn(contexts, name) ? contexts[name] : undefined;
  if (context === undefined) {
    const known = Object.keys(contexts).sort().join(", ") || "none";
    throw new UsageError(`--context ${name}: ${path} has no such context (contexts: ${known})`);
  }
  const at = `contexts.${name}`;
  if (!isRecord(context)) throw bad(at, "is not a map");
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/") + 1) : "";
  const resolve = (file: string) => file.startsWith("/") ? file : dir + file;
  const readFile = async (where: string, file: unknown): Promise<string> => {
    if (typeof file !== "string" || file === "") throw bad(where, "is not a file name");
    try {
      return await Deno.readTextFile(resolve(file));
    } catch (error) {
      throw bad(where, `names a file that cannot be read: ${(error as Error).message}`);
    }
  };
  const str = (where: string, value: unknown): string | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string") throw bad(where, "is not text");
    return value;
  };

  let items: unknown[];
  if (context.gateway !== undefined) {
    if (context.gateways !== undefined) throw bad(at, "has both gateway and gateways");
    items = [{ url: context.gateway }];
  } else if (Array.isArray(context.gateways) && context.gateways.length > 0) {
    items = context.gateways;
  } else {
    throw bad(at, "names no gateway (gateway: URL, or a list under gateways:)");
  }
  const gateways: ContextGateway[] = [];
  for (const [i, item] of items.entries()) {
    const where = `${at}.gateways[${i}]`;
    if (!isRecord(item)) throw bad(where, "is not a map");
    const url = str(`${where}.url`, item.url);
    if (url === undefined || url === "") throw bad(`${where}.url`, "is missing");
    let auth: GatewayAuth | undefined;
    const token = item["token-file"] !== undefined
      ? (await readFile(`${where}.token-file`, item["token-file"])).trim()
      : str(`${where}.token`, item.token);
    const username = str(`${where}.username`, item.username);
    if (token !== undefined && username !== undefined) {
      throw bad(where, "has both a token and a username");
    }
    if (token !== undefined) auth = { kind: "bearer", token };
    if (username !== undefined) {
      const password = item["password-file"] !== undefined
        ? (await readFile(`${where}.password-file`, item["password-file"])).trim()
        : str(`${where}.password`, item.password) ?? "";
      auth = { kind: "basic", username, password };
    }
    const cacert = item.cacert === undefined
      ? undefined
      : [await readFile(`${where}.cacert`, item.cacert)];
    const label = str(`${where}.label`, item.label);
    gateways.push({
      url: normalizeUrl(url),
      ...(label ? { label } : {}),
      ...(auth ? { auth } : {}),
      ...(cacert ? { caCerts: cacert } : {}),
    });
  }
  const namespace = str(`${at}.namespace`, context.namespace);
  return namespace ? { gateways, namespace } : { gateways };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

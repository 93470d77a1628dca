/**
 * The credentials `faas-cli login` saved for a gateway, so that
 * `fnlogs logs` authenticates wherever `faas-cli logs` does.
 *
 * @module
 */
import { parse } from "@std/yaml";
import type { GatewayAuth } from "./build_log_request.ts";

/** Where {@linkcode readFaasCliAuth} looks and how it reads. */
export interface ReadFaasCliAuthOptions {
  /** Environment lookup (`OPENFAAS_CONFIG`, `CI`, `HOME`, `USERPROFILE`). */
  readonly env: (name: string) => string | undefined;
  /** Default `Deno.readTextFile`. */
  readonly readTextFile?: (path: string) => Promise<string>;
}

const parseYaml: (text: string) => unknown = parse;

/** The folder faas-cli keeps `config.yml` in (faas-cli's `config.ConfigDir`). */
function configDir(env: (name: string) => string | undefined): string | undefined {
  const override = env("OPENFAAS_CONFIG") ?? "";
  const ci = env("CI") === "true" || env("CI") === "1";
  if (override !== "") return override;
  if (ci) return ".openfaas";
  const home = env("HOME") ?? env("USERPROFILE");
  return home === undefined ? undefined : home + "/.openfaas";
}

function decodeBase64(text: string): string | undefined {
  try {
    const binary = atob(text);
    return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
}

/**
 * Looks up the gateway (compared exactly, as faas-cli compares it) in
 * faas-cli's `config.yml` (`$OPENFAAS_CONFIG`, `./.openfaas` when `CI` is
 * `true` or `1`, else `~/.openfaas`). `auth: basic` entries give basic auth
 * from the base64 `user:password` token; other entries a bearer token.
 * Returns `undefined` when there is no file, no entry, or it cannot be read.
 *
 * @example An entry saved by `faas-cli login`
 * ```ts
 * import { readFaasCliAuth } from "./read_faas_cli_auth.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const file = "auths:\n- gateway: http://127.0.0.1:8080\n  auth: basic\n  token: YWRtaW46c2VjcmV0\n";
 * const auth = await readFaasCliAuth("http://127.0.0.1:8080", {
 *   env: (name) => name === "HOME" ? "/home/me" : undefined,
 *   readTextFile: (path) => path === "/home/me/.openfaas/config.yml" ? Promise.resolve(file) : Promise.reject(new Deno.errors.NotFound()),
 * });
 * assertEquals(auth, { kind: "basic", username: "admin", password: "secret" });
 * ```
 */
export async function readFaasCliAuth(
  gateway: string,
  options: ReadFaasCliAuthOptions,
): Promise<GatewayAuth | undefined> {
  const dir = configDir(options.env);
  if (dir === undefined) return undefined;
  const read = options.readTextFile ?? Deno.readTextFile;
  let config: unknown;
  try {
    config = parseYaml(await read(dir.replace(/\/+$/, "") + "/config.yml"));
  } catch {
    return undefined;
  }
  if (typeof config !== "object" || config === null) return undefined;
  const auths = (config as { auths?: unknown }).auths;
  if (!Array.isArray(auths)) return undefined;
  for (const entry of auths) {
    if (typeof entry !== "object" || entry === null) continue;
    const { gateway: entryGateway, auth, token } = entry as Record<string, unknown>;
    if (entryGateway !== gateway) continue;
    const value = typeof token === "string" ? token : "";
    if (auth === "basic") {
      const decoded = decodeBase64(value);
      const colon = decoded?.indexOf(":") ?? -1;
      if (decoded === undefined || colon < 0) return undefined;
      return {
        kind: "basic",
        username: decoded.slice(0, colon),
        password: decoded.slice(colon + 1),
      };
    }
    return { kind: "bearer", token: value };
  }
  return undefined;
}

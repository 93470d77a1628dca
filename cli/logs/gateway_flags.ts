/**
 * Where `fnlogs logs` reads from: `-g URL` (repeatable), `OPENFAAS_URL`,
 * faas-cli's default, or a named `--context` of the config file.
 *
 * @module
 */
import { UsageError } from "../../lib/errors.ts";

/** faas-cli's default gateway. */
export const DEFAULT_GATEWAY = "http://127.0.0.1:8080";

/** What {@linkcode parseGatewayFlags} makes of the flags. */
export interface GatewayFlags {
  /** The first of `gateways` (what one-gateway code paths use). */
  readonly gateway: string;
  /** Every `-g` given, in order, normalized; else `OPENFAAS_URL` or the default. */
  readonly gateways: readonly string[];
  /** `--context NAME`: the gateways come from the config file (then `gateways` is the default). */
  readonly context?: string;
  /** Whether `-g` was given at all (it excludes `--provider` and `--context`). */
  readonly explicit: boolean;
}

/**
 * faas-cli's gateway normalization: lower case, no trailing `/`, `http://`
 * when no scheme.
 *
 * @example
 * ```ts
 * import { normalizeGateway } from "./gateway_flags.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(normalizeGateway("GW:8080/"), "http://gw:8080");
 * ```
 */
export function normalizeGateway(url: string): string {
  const trimmed = url.replace(/\/+$/, "").toLowerCase();
  return trimmed.startsWith("http") ? trimmed : "http://" + trimmed;
}

/**
 * Narrows the `-g` values given (empty ones ignored, as faas-cli does) and
 * `--context` (only when no provider was chosen: with `--provider
 * kubernetes` it names the kubeconfig's context) into
 * {@linkcode GatewayFlags}. Throws {@linkcode UsageError} for `-g` with
 * `--context`.
 *
 * @example Two gateways
 * ```ts
 * import { parseGatewayFlags } from "./gateway_flags.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const flags = parseGatewayFlags(["eu:8080", "https://US.example.com/"], undefined, () => undefined);
 * assertEquals(flags.gateways, ["http://eu:8080", "https://us.example.com"]);
 * ```
 */
export function parseGatewayFlags(
  values: readonly string[],
  context: string | undefined,
  env: (name: string) => string | undefined,
): GatewayFlags {
  const given = values.filter((value) => value !== "").map(normalizeGateway);
  if (context !== undefined && given.length > 0) {
    throw new UsageError("Give --gateway or --context, not both");
  }
  if (context === "") throw new UsageError("--context needs a context name");
  const gateways = given.length > 0
    ? [...new Set(given)]
    : [normalizeGateway(env("OPENFAAS_URL") || DEFAULT_GATEWAY)];
  return {
    gateway: gateways[0],
    gateways,
    ...(context === undefined ? {} : { context }),
    explicit: values.length > 0,
  };
}

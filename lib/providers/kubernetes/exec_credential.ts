/**
 * Kubeconfig exec credential plugins (`users[].user.exec`, the
 * `client.authentication.k8s.io` `ExecCredential` protocol that
 * `aws eks get-token`, `gke-gcloud-auth-plugin` and `kubelogin` speak).
 *
 * @module
 */
import { UpstreamError } from "../../errors.ts";
import { parseTimestamp } from "../../time/timestamp.ts";

/** An exec credential plugin as a kubeconfig `users[].user.exec` names it. */
export interface KubeExecConfig {
  /** `client.authentication.k8s.io/v1` or `/v1beta1`. */
  readonly apiVersion: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Added to the plugin's environment. */
  readonly env: Readonly<Record<string, string>>;
}

/** Runs a plugin and returns its exit code and output; tests inject one. */
export type RunCommand = (
  command: string,
  args: readonly string[],
  env: Record<string, string>,
) => Promise<{ code: number; stdout: string; stderr: string }>;

/** What a plugin returned. */
export interface ExecCredential {
  /** A bearer token. */
  readonly token?: string;
  /** A client certificate chain and key (PEM). */
  readonly cert?: string;
  readonly key?: string;
  /** Epoch ms after which the credential is fetched again (`Infinity`: never). */
  readonly expires: number;
}

/** Options for {@linkcode KubernetesExecCredential}. */
export interface KubernetesExecCredentialOptions {
  /** Default: `Deno.Command` with stdin closed and output captured. */
  readonly runCommand?: RunCommand;
  /** Epoch ms (default `Date.now`). */
  readonly now?: () => number;
  /** Stop the default plugin runner's plugin after this long (default {@linkcode EXEC_PLUGIN_TIMEOUT_MS}). */
  readonly timeoutMs?: number;
}

/** Fetch a credential this long before it expires (ms). */
const EXPIRY_MARGIN_MS = 10_000;

/**
 * A plugin still running after this long is stopped (ms): one waiting for a
 * login nobody will type would otherwise hold every request.
 */
export const EXEC_PLUGIN_TIMEOUT_MS = 30_000;

async function defaultRunCommand(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const signal = AbortSignal.timeout(timeoutMs);
  const output = await new Deno.Command(command, {
    args: [...args],
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal,
  }).output();
  if (signal.aborted) {
    throw new Error(`it did not answer within ${timeoutMs / 1000} s and was stopped`);
  }
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/**
 * Runs an exec credential plugin and caches what it returns until its
 * `expirationTimestamp` (less ten seconds); a plugin that gives none is run
 * once. The plugin gets `KUBERNETES_EXEC_INFO` (`interactive: false`) and
 * failures become an {@linkcode UpstreamError} carrying its stderr.
 *
 * @example A plugin that prints a token
 * ```ts
 * import { KubernetesExecCredential } from "./exec_credential.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const plugin = new KubernetesExecCredential(
 *   { apiVersion: "client.authentication.k8s.io/v1", command: "get-token", args: [], env: {} },
 *   {
 *     runCommand: () =>
 *       Promise.resolve({ code: 0, stderr: "", stdout: '{"status":{"token":"t0k"}}' }),
 *   },
 * );
 * assertEquals((await plugin.get()).token, "t0k");
 * ```
 */
export class KubernetesExecCredential {
  readonly #config: KubeExecConfig;
  readonly #run: RunCommand;
  readonly #now: () => number;
  #cached?: ExecCredential;
  #pending?: Promise<ExecCredential>;

  /** Wraps one plugin configuration. */
  constructor(config: KubeExecConfig, options: KubernetesExecCredentialOptions = {}) {
    this.#config = config;
    const timeoutMs = options.timeoutMs ?? EXEC_PLUGIN_TIMEOUT_MS;
    this.#run = options.runCommand ??
      ((command, args, env) => defaultRunCommand(command, args, env, timeoutMs));
    this.#now = options.now ?? Date.now;
  }

  /** The cached credential, or a fresh one from the plugin. */
  get(): Promise<ExecCredential> {
    const cached = this.#cached;
    if (cached !== undefined && cached.expires > this.#now()) return Promise.resolve(cached);
    this.#pending ??= this.#fetch().finally(() => this.#pending = undefined);
    return this.#pending;
  }

  /** Forgets the cached credential (after the API server answered 401). */
  invalidate(): void {
    this.#cached = undefined;
  }

  async #fetch(): Promise<ExecCredential> {
    const { apiVersion, command, args } = this.#config;
    const info = { kind: "ExecCredential", apiVersion, spec: { interactive: false } };
    const env = { ...this.#config.env, KUBERNETES_EXEC_INFO: JSON.stringify(info) };
    let result;
    try {
      result = await this.#run(command, args, env);
    } catch (error) {
      const why = error instanceof Error ? `: ${error.message}` : "";
      throw new UpstreamError(
        `Cannot run the exec credential plugin "${command}"${why}`,
        undefined,
        {
          cause: error,
        },
      );
    }
    if (result.code !== 0) {
      throw new UpstreamError(
        `The exec credential plugin "${command}" failed (exit ${result.code}): ${result.stderr.trim()}`,
      );
    }
    let status: Record<string, unknown> = {};
    try {
      const doc: unknown = JSON.parse(result.stdout);
      if (typeof doc === "object" && doc !== null && "status" in doc) {
        const s = (doc as { status: unknown }).status;
        if (typeof s === "object" && s !== null) status = s as Record<string, unknown>;
      }
    } catch (error) {
      throw new UpstreamError(
        `Cannot parse the output of the exec credential plugin "${command}"`,
        undefined,
        { cause: error },
      );
    }
    const text = (key: string) =>
      typeof status[key] === "string" && status[key] !== "" ? status[key] as string : undefined;
    const expiry = text("expirationTimestamp");
    const t = expiry === undefined ? undefined : parseTimestamp(expiry);
    const credential: ExecCredential = {
      token: text("token"),
      cert: text("clientCertificateData"),
      key: text("clientKeyData"),
      expires: t === undefined ? Infinity : t.seconds * 1000 - EXPIRY_MARGIN_MS,
    };
    if (credential.token === undefined && credential.cert === undefined) {
      throw new UpstreamError(
        `The exec credential plugin "${command}" returned no token and no certificate`,
      );
    }
    this.#cached = credential;
    return credential;
  }
}

/**
 * Reads the credentials `fnlogs serve` accepts from flags, environment and
 * secret files, the way OpenFaaS deploys them: a directory holding
 * `basic-auth-user` and `basic-auth-password`, and token files with one
 * token a line.
 *
 * @module
 */
import { InvalidInputError } from "../../lib/errors.ts";
import type { Credentials } from "../../server/authorizer.ts";

/** Where credentials come from, as the flags name them. */
export interface CredentialSources {
  readonly user?: string;
  readonly password?: string;
  /** A directory with `basic-auth-user` and `basic-auth-password` files. */
  readonly secretsDir?: string;
  readonly tokens?: readonly string[];
  /** Files with one token a line (`#` starts a comment). */
  readonly tokenFiles?: readonly string[];
}

async function readSecret(path: string): Promise<string> {
  try {
    return (await Deno.readTextFile(path)).trim();
  } catch (error) {
    throw new InvalidInputError(
      `Cannot read the secret file ${path}: ${error instanceof Error ? error.message : error}`,
    );
  }
}

/**
 * Loads the credentials, or `undefined` when none are configured (auth off).
 * A user without a password (or the reverse), or an empty token, is an
 * error, never a silent "auth off".
 */
export async function loadCredentials(
  sources: CredentialSources,
): Promise<Credentials | undefined> {
  let user = sources.user, password = sources.password;
  if (sources.secretsDir !== undefined) {
    user ??= await readSecret(`${sources.secretsDir}/basic-auth-user`);
    password ??= await readSecret(`${sources.secretsDir}/basic-auth-password`);
  }
  if ((user === undefined) !== (password === undefined) || user === "" || password === "") {
    throw new InvalidInputError("Basic auth needs both a user and a password, neither empty");
  }
  const tokens = [...sources.tokens ?? []];
  // `--token "$TOKEN"` with TOKEN unset must not mean "auth off".
  if (tokens.some((t) => t.trim() === "")) {
    throw new InvalidInputError("A token cannot be empty (was a variable unset?)");
  }
  for (const file of sources.tokenFiles ?? []) {
    for (const line of (await readSecret(file)).split("\n")) {
      const token = line.trim();
      if (token !== "" && !token.startsWith("#")) tokens.push(token);
    }
  }
  if (user === undefined && tokens.length === 0) return undefined;
  return {
    ...(user === undefined ? {} : { basic: { user, password: password! } }),
    ...(tokens.length === 0 ? {} : { tokens }),
  };
}

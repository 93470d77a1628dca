/**
 * `fnlogs version`: fnlogs' version, the Deno it runs on, and the build
 * target, on one line.
 *
 * @module
 */

/** The runtime half of {@linkcode versionText}. */
export interface RuntimeInfo {
  /** Deno's version (`Deno.version.deno`). */
  readonly deno: string;
  /** The build target (`Deno.build.target`, as in `x86_64-unknown-linux-gnu`). */
  readonly target: string;
}

/**
 * The line `fnlogs version` prints: `fnlogs VERSION (deno VERSION, TARGET)`.
 * The version is the first word after `fnlogs`, for scripts.
 *
 * @example
 * ```ts
 * import { versionText } from "./version.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(
 *   versionText("0.1.0", { deno: "2.9.6", target: "x86_64-unknown-linux-gnu" }),
 *   "fnlogs 0.1.0 (deno 2.9.6, x86_64-unknown-linux-gnu)\n",
 * );
 * ```
 */
export function versionText(
  version: string,
  runtime: RuntimeInfo = { deno: Deno.version.deno, target: Deno.build.target },
): string {
  return `fnlogs ${version} (deno ${runtime.deno}, ${runtime.target})\n`;
}

/**
 * The status light: every followed function's state summed up in one light
 * and one line of text.
 *
 * @module
 */
import type { StreamState } from "./function_stream.ts";

/** The light's colours, worst first. */
export type Light =
  | "failed"
  | "reconnecting"
  | "connecting"
  | "resumed"
  | "live"
  | "idle";

/** What the status shows. */
export interface StatusSummary {
  readonly light: Light;
  readonly text: string;
  /** A function needs a sign-in. */
  readonly signIn: boolean;
  /** A function failed and waits for the Retry button. */
  readonly canRetry: boolean;
}

/** How long "resumed" shows after a resume before the light says "live" again. */
export const RESUMED_FOR_MS = 10_000;

/**
 * Sums up the states of the followed functions (by name) at `now`.
 *
 * @example
 * ```ts ignore
 * summarizeStreams(new Map([["hello", { kind: "reconnecting", attempt: 3 }]]), Date.now()).text;
 * // "reconnecting (attempt 3): hello"
 * ```
 */
export function summarizeStreams(
  states: ReadonlyMap<string, StreamState>,
  now: number,
): StatusSummary {
  if (states.size === 0) {
    return {
      light: "idle",
      text: "no function chosen",
      signIn: false,
      canRetry: false,
    };
  }
  const names = (kind: StreamState["kind"]) =>
    [...states].filter(([, s]) => s.kind === kind).map(([name]) => name);
  const all = [...states.values()];
  const failed = [...states].filter(([, s]) => s.kind === "failed") as [
    string,
    Extract<StreamState, { kind: "failed" }>,
  ][];
  if (failed.length > 0) {
    const [name, state] = failed[0];
    const retry = state.retryAt === undefined
      ? ""
      : `; trying again in ${Math.max(1, Math.round((state.retryAt - now) / 1000))} s`;
    return {
      light: "failed",
      text: `${name}: ${state.message}${retry}`,
      signIn: failed.some(([, s]) => s.signIn === true),
      canRetry: failed.some(([, s]) => s.retryAt === undefined && s.signIn !== true),
    };
  }
  const reconnecting = all.filter((s) => s.kind === "reconnecting");
  if (reconnecting.length > 0) {
    const attempt = Math.max(
      ...reconnecting.map((s) => s.kind === "reconnecting" ? s.attempt : 0),
    );
    return {
      light: "reconnecting",
      text: `reconnecting (attempt ${attempt}): ${names("reconnecting").join(", ")}`,
      signIn: false,
      canRetry: false,
    };
  }
  if (all.some((s) => s.kind === "connecting")) {
    return {
      light: "connecting",
      text: `connecting: ${names("connecting").join(", ")}`,
      signIn: false,
      canRetry: false,
    };
  }
  const resumed = [...states].filter(([, s]) =>
    s.kind === "live" && s.resumed !== "no" && now - s.at < RESUMED_FOR_MS
  );
  if (resumed.length > 0) {
    const how = resumed.every(([, s]) => s.kind === "live" && s.resumed === "exactly")
      ? "exactly"
      : "by time";
    return {
      light: "resumed",
      text: `resumed ${how}: ${resumed.map(([name]) => name).join(", ")}`,
      signIn: false,
      canRetry: false,
    };
  }
  return { light: "live", text: "live", signIn: false, canRetry: false };
}

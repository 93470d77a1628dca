/**
 * The JetStream side of shipping: the stream made when it is missing, and
 * what the stream already holds of a function (the last message of each of
 * its instances), read back as a {@linkcode ShippedState}.
 *
 * @module
 */
import { type JetStreamManager, StorageType } from "@nats-io/jetstream";
import { describeError, UpstreamError } from "../errors.ts";
import { Backoff } from "../async/backoff.ts";
import { abortableSleep } from "../async/abortable_sleep.ts";
import { describeNatsError } from "../providers/nats/connection.ts";
import {
  MSG_ID_HEADER,
  parseMessageId,
  SOURCE_CURSOR_HEADER,
} from "../providers/nats/record_codec.ts";
import { functionFilter, parseLogSubject } from "../providers/nats/subject.ts";
import { type InstanceMark, ShippedState } from "./shipped_state.ts";

/** How the stream is made when it is missing. */
export interface StreamSettings {
  readonly name: string;
  readonly subjectPrefix: string;
  /** Copies kept in a cluster (1, 3 or 5). */
  readonly replicas: number;
  /** Messages older than this are dropped (ms; 0: kept by age forever). */
  readonly maxAgeMs: number;
  /** The oldest messages are dropped past this size (bytes; -1: no limit). */
  readonly maxBytes: number;
  /** How long message ids are remembered to drop copies (ms). */
  readonly duplicateWindowMs: number;
}

const NANOS = 1_000_000;

/** Errors a cluster gives while it elects a leader: asked again. */
const TRANSIENT = /timeout|temporarily unavailable|no responders|\b503\b/i;

/**
 * Too few servers for the replicas asked: for good when the cluster is that
 * small, for a moment while it forms (servers started together). Asked
 * again for this long, then it is an error.
 */
const PLACEMENT = /no suitable peers/i;
const PLACEMENT_PATIENCE_MS = 30_000;

/**
 * Makes the stream when it is missing; says (through `notice`) when it
 * exists with other settings, and keeps those. While the broker answers
 * that it is not ready (a cluster electing its leader), asks again with
 * backoff; too few servers for the replicas is asked again for 30 s (a
 * cluster forming), then refused. Throws {@linkcode UpstreamError} when the
 * broker refuses (no JetStream, no permission, more replicas than servers).
 */
export async function ensureStream(
  jsm: JetStreamManager,
  settings: StreamSettings,
  notice: (message: string) => void,
  signal?: AbortSignal,
  placementPatienceMs: number = PLACEMENT_PATIENCE_MS,
): Promise<void> {
  const backoff = new Backoff({ initialMs: 250, capMs: 5000 });
  const started = performance.now();
  for (;;) {
    try {
      return await ensureStreamOnce(jsm, settings, notice);
    } catch (error) {
      const text = `${error} ${error instanceof Error ? error.cause : ""}`;
      let hint = "";
      if (PLACEMENT.test(text)) {
        if (performance.now() - started >= placementPatienceMs) {
          throw new UpstreamError(
            `${describeError(error)} (--replicas ${settings.replicas} needs at least ` +
              `${settings.replicas} JetStream servers in the cluster)`,
            undefined,
            { cause: error },
          );
        }
        hint = " (a cluster still forming?)";
      } else if (!TRANSIENT.test(text)) throw error;
      const delay = backoff.next();
      notice(`${describeError(error)}${hint}; asking again in ${delay} ms`);
      await abortableSleep(delay, signal);
      signal?.throwIfAborted();
    }
  }
}

async function ensureStreamOnce(
  jsm: JetStreamManager,
  settings: StreamSettings,
  notice: (message: string) => void,
): Promise<void> {
  const subject = `${settings.subjectPrefix}.>`;
  try {
    const info = await jsm.streams.info(settings.name);
    if (!info.config.subjects?.includes(subject)) {
      notice(
        `stream ${settings.name} exists but does not list ${subject} (it has ${
          info.config.subjects?.join(", ")
        }); publishing anyway`,
      );
    }
    return;
  } catch (error) {
    if (!/stream not found/i.test(String(error))) {
      throw new UpstreamError(
        `Cannot read NATS stream ${settings.name}: ${describeNatsError(error)}`,
        undefined,
        { cause: error },
      );
    }
  }
  try {
    await jsm.streams.add({
      name: settings.name,
      subjects: [subject],
      storage: StorageType.File,
      num_replicas: settings.replicas,
      max_age: settings.maxAgeMs * NANOS,
      max_bytes: settings.maxBytes,
      duplicate_window: settings.duplicateWindowMs * NANOS,
    });
    notice(
      `made stream ${settings.name} (${subject}, ${settings.replicas} replica(s))`,
    );
  } catch (error) {
    if (/already in use|already exists/i.test(String(error))) return; // Another shipper won.
    throw new UpstreamError(
      `Cannot make NATS stream ${settings.name}: ${describeNatsError(error)}`,
      undefined,
      { cause: error },
    );
  }
}

/**
 * What the stream holds of one function: the last message of each instance
 * subject (its id gives the timestamp and occurrence) and the function's
 * last source cursor.
 */
export async function readShippedState(
  jsm: JetStreamManager,
  stream: string,
  prefix: string,
  namespace: string,
  name: string,
): Promise<ShippedState> {
  const filter = functionFilter(prefix, namespace, name);
  const info = await jsm.streams.info(stream, { subjects_filter: filter });
  const marks = new Map<string, InstanceMark>();
  for (const subject of Object.keys(info.state.subjects ?? {})) {
    const parts = parseLogSubject(prefix, subject);
    if (parts === undefined) continue;
    const last = await jsm.streams.getMessage(stream, { last_by_subj: subject });
    const id = last?.header?.get(MSG_ID_HEADER);
    const parsed = id ? parseMessageId(id) : undefined;
    if (parsed !== undefined) {
      marks.set(parts.instance, { timestamp: parsed.timestamp, occurrence: parsed.occurrence });
    }
  }
  let cursor: string | undefined;
  if (marks.size > 0) {
    const last = await jsm.streams.getMessage(stream, { last_by_subj: filter });
    cursor = last?.header?.get(SOURCE_CURSOR_HEADER) || undefined;
  }
  return new ShippedState(marks, cursor);
}

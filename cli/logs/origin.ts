/**
 * Which gateway and function each record came from, carried on the record
 * itself so that it survives merging: the line prefix with several
 * gateways and the `--resume-file` position both need it.
 *
 * @module
 */
import type { FunctionRef } from "../../lib/client/resume_state.ts";
import type { LogBatch, LogRecord } from "../../lib/types.ts";

/** Where a record came from. */
export interface Origin {
  /** The function as the resume state names it (gateway URL, namespace, name). */
  readonly ref: FunctionRef;
  /** The gateway's label (its prefix when there are several). */
  readonly label: string;
}

interface TaggedRecord extends LogRecord {
  readonly origin: Origin;
}

/**
 * The records of `batches`, each a copy that carries `origin` (read it
 * with {@linkcode originOf}). Costs a copy per record: used only with
 * several gateways or a resume file.
 *
 * @example
 * ```ts
 * import { originOf, withOrigin } from "./origin.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const origin = { ref: { source: "http://gw:8080", namespace: "", name: "f" }, label: "gw:8080" };
 * const record = { name: "f", namespace: "", instance: "f-1", timestamp: "2024-01-01T00:00:00Z", text: "hi" };
 * const [batch] = await Array.fromAsync(withOrigin(ReadableStream.from([[record]]), origin));
 * assertEquals(originOf(batch[0]), origin);
 * ```
 */
export async function* withOrigin(
  batches: AsyncIterable<LogBatch>,
  origin: Origin,
): AsyncGenerator<LogBatch, void, undefined> {
  for await (const batch of batches) {
    const out: TaggedRecord[] = new Array(batch.length);
    for (let i = 0; i < batch.length; i++) out[i] = { ...batch[i], origin };
    yield out;
  }
}

/** The origin {@linkcode withOrigin} gave a record (`undefined` for others). */
export function originOf(record: LogRecord): Origin | undefined {
  return (record as Partial<TaggedRecord>).origin;
}

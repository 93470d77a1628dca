/**
 * The error a template that does not parse throws, pointing at where.
 *
 * @module
 */

/**
 * A template mistake, with its place: `line` and `column` count from 1
 * (columns in characters of that line), `offset` from 0 in the source. The
 * message reads `line L, column C: what is wrong`.
 *
 * @example
 * ```ts
 * import { TemplateSyntaxError } from "./template_syntax_error.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const error = new TemplateSyntaxError("unclosed action", "{{.Text", 0);
 * assertEquals([error.line, error.column, error.message], [1, 1, "line 1, column 1: unclosed action"]);
 * ```
 */
export class TemplateSyntaxError extends SyntaxError {
  /** `TemplateSyntaxError`. */
  override name = "TemplateSyntaxError";
  /** The line of the mistake, from 1. */
  readonly line: number;
  /** Its column, from 1 (UTF-16 code units). */
  readonly column: number;

  /**
   * The mistake `reason` at `offset` (UTF-16 code units from the start) of
   * the template `source`.
   */
  constructor(readonly reason: string, source: string, readonly offset: number) {
    const before = source.slice(0, Math.max(0, Math.min(offset, source.length)));
    const line = before.split("\n").length;
    const column = before.length - (before.lastIndexOf("\n") + 1) + 1;
    super(`line ${line}, column ${column}: ${reason}`);
    this.line = line;
    this.column = column;
  }
}

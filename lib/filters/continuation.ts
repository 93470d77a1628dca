/**
 * Which lines continue the record before them: indented lines, Java's
 * `Caused by:`, Python tracebacks and Go goroutine dumps.
 *
 * @module
 */

/** What kind of multi-line dump a record is in: its later lines follow other rules. */
export type TraceMode = "none" | "python" | "python-end" | "go";

const JAVA = /^(?:Caused by: |Suppressed: |\.\.\. \d+ (?:more|common frames omitted))/;
/** A Java exception header: a qualified class name ending in Exception, Error or Throwable. */
const JAVA_EXCEPTION = /^(?:[a-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable)(?:: .*)?$/;
const PYTHON_START = "Traceback (most recent call last):";
const PYTHON_CHAIN =
  /^(?:During handling of the above exception|The above exception was the direct cause)/;
const GO_START = /^(?:panic: |fatal error: )/;
const GOROUTINE = /^goroutine \d+ \[[^\]]*\]:$/;
const GO_FRAME = /^(?:[^\s(]+\(.*\)|created by \S.*|\[signal .*\]|exit status \d+)$/;

/** Whether a line is empty or only blanks. */
export function isBlank(text: string): boolean {
  return text.trim() === "";
}

/**
 * The mode a record that starts an entry opens: `python` for a traceback's
 * first line, `go` for a Go panic (`panic: `, `fatal error: `), else `none`.
 */
export function startMode(text: string): TraceMode {
  if (text.startsWith(PYTHON_START)) return "python";
  return GO_START.test(text) ? "go" : "none";
}

/**
 * Whether a non-blank line continues the record before it, given the mode
 * that record is in: the mode after it, or `undefined` when the line starts
 * a new record.
 *
 * - Indented lines (a space or tab first) always continue; so do Java's
 *   `Caused by:`, `Suppressed:`, `... N more`, and an exception header
 *   after a log line (`java.lang.IllegalStateException: boom`: a qualified
 *   class name ending in `Exception`, `Error` or `Throwable`).
 * - `Traceback (most recent call last):` continues and enters `python`;
 *   there, the first unindented line (the exception, `ValueError: bad`)
 *   continues and enters `python-end`, where only Python's chaining
 *   sentences (`During handling of the above exception, ...`) and a new
 *   traceback continue.
 * - `goroutine N [state]:` continues and enters `go`; there, function
 *   lines (`main.main()`), `created by ...`, `[signal ...]` and
 *   `exit status N` continue too.
 *
 * @example
 * ```ts
 * import { continuation } from "./continuation.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(continuation("\tat com.example.Main.run(Main.java:12)", "none"), "none");
 * assertEquals(continuation("ValueError: bad input", "python"), "python-end");
 * assertEquals(continuation("INFO next request", "none"), undefined);
 * ```
 */
export function continuation(text: string, mode: TraceMode): TraceMode | undefined {
  const first = text.charCodeAt(0);
  if (first === 32 || first === 9) return mode;
  if (text.startsWith(PYTHON_START)) return "python";
  if (GOROUTINE.test(text)) return "go";
  if (JAVA.test(text) || JAVA_EXCEPTION.test(text)) return mode;
  if (mode === "python") return PYTHON_CHAIN.test(text) ? "python" : "python-end";
  if (mode === "python-end") return PYTHON_CHAIN.test(text) ? "python" : undefined;
  if (mode === "go" && GO_FRAME.test(text)) return "go";
  return undefined;
}

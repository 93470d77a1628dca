/**
 * The JSON scanner's states and character classes, shared by the NDJSON
 * decoder's validating scanner.
 *
 * @module
 */

// Scanner states.
export const IDLE = 0; // between top-level values
export const VALUE = 1; // a value must follow (after ":" or "," in an array)
export const ARRAY_FIRST = 2; // after "[": a value or "]"
export const OBJECT_FIRST = 3; // after "{": a key or "}"
export const OBJECT_KEY = 4; // after "," in an object: a key
export const COLON = 5; // after a key
export const AFTER = 6; // after a value in a container: "," or the closing bracket
export const STRING = 7;
export const ESCAPE = 8; // after a backslash in a string
export const HEX = 9; // in the four digits of \uXXXX
export const MINUS = 10; // after a leading "-"
export const ZERO = 11; // after a leading "0"
export const INT = 12;
export const DOT = 13;
export const FRACTION = 14;
export const EXP_MARK = 15; // after "e" or "E"
export const EXP_SIGN = 16;
export const EXPONENT = 17;
export const LITERAL = 18; // in true, false or null

export const OBJECT = 0, ARRAY = 1;
export const SAMPLE_LENGTH = 80;

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

export function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** `JSON.parse`, or `undefined` for text that is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

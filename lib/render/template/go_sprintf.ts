/**
 * A subset of Go's `fmt.Sprintf` for templates' `printf`: the verbs, flags,
 * widths and precisions people use in log templates, and Go's in-band
 * error forms for what does not fit.
 *
 * @module
 */

/** Go's name for the type a JSON value decodes to, for error forms (`%!d(string=x)`). */
function goType(value: unknown): string {
  if (typeof value === "string") return "string";
  if (typeof value === "number") return "float64";
  if (typeof value === "boolean") return "bool";
  if (Array.isArray(value)) return "[]interface {}";
  return "map[string]interface {}";
}

/** How `%v` shows a value: strings as they are, numbers in the shortest form, objects as JSON, nil as empty. */
export function showValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return "";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value) ?? "";
}

function bad(verb: string, value: unknown): string {
  if (value === undefined || value === null) return `%!${verb}(<nil>)`;
  return `%!${verb}(${goType(value)}=${showValue(value)})`;
}

/** Go writes exponents with at least two digits: `1e+06`, `1.5e-07`. */
function goExponent(text: string): string {
  return text.replace(/e([+-])(\d)$/, "e$10$2");
}

/** Go's `%g` with the shortest digits (or `precision` significant ones). */
function formatG(n: number, precision: number | undefined, upper: boolean): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? "NaN" : n > 0 ? "+Inf" : "-Inf";
  const exp = precision === undefined
    ? n.toExponential()
    : n.toExponential(Math.max(precision, 1) - 1);
  const [mantissa, e] = exp.split("e");
  const x = Number(e);
  const limit = precision === undefined ? 21 : Math.max(precision, 1);
  let out: string;
  if (x < -4 || x >= limit) {
    out = goExponent(
      mantissa.replace(/\.?0+$/, (m) => (mantissa.includes(".") ? "" : m)) + "e" +
        (x < 0 ? "-" : "+") + Math.abs(x),
    );
  } else {
    const digits = mantissa.replace(".", "").replace("-", "");
    const sign = n < 0 ? "-" : "";
    let body: string;
    if (x >= 0) {
      const whole = digits.slice(0, x + 1).padEnd(x + 1, "0");
      const frac = digits.slice(x + 1);
      body = frac === "" ? whole : whole + "." + frac;
    } else {
      body = "0." + "0".repeat(-x - 1) + digits;
    }
    if (body.includes(".")) body = body.replace(/\.?0+$/, "");
    out = sign + body;
  }
  return upper ? out.toUpperCase() : out;
}

function formatFloat(n: number, verb: string, precision: number | undefined): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? "NaN" : n > 0 ? "+Inf" : "-Inf";
  switch (verb) {
    case "f":
    case "F":
      return n.toFixed(Math.min(precision ?? 6, 100));
    case "e":
    case "E": {
      const text = goExponent(n.toExponential(Math.min(precision ?? 6, 100)));
      return verb === "E" ? text.toUpperCase() : text;
    }
    default:
      return formatG(n, precision, verb === "G");
  }
}

function integer(value: unknown): bigint | undefined {
  return typeof value === "number" && Number.isInteger(value) ? BigInt(value) : undefined;
}

function goQuote(text: string): string {
  return JSON.stringify(text).replace(/\\u00([0-7][0-9a-f])/g, "\\x$1");
}

interface Spec {
  minus: boolean;
  plus: boolean;
  space: boolean;
  zero: boolean;
  sharp: boolean;
  width: number | undefined;
  precision: number | undefined;
}

function pad(text: string, spec: Spec, numeric: boolean): string {
  const length = [...text].length;
  if (spec.width === undefined || length >= spec.width) return text;
  const fill = spec.width - length;
  if (spec.minus) return text + " ".repeat(fill);
  if (spec.zero && numeric) {
    const sign = /^[+\- ]/.test(text) ? text[0] : "";
    return sign + "0".repeat(fill) + text.slice(sign.length);
  }
  return " ".repeat(fill) + text;
}

function signed(text: string, negative: boolean, spec: Spec): string {
  if (negative) return text;
  return spec.plus ? "+" + text : spec.space ? " " + text : text;
}

function formatOne(verb: string, value: unknown, spec: Spec): string {
  switch (verb) {
    case "v":
      return pad(showValue(value), spec, false);
    case "s": {
      let text = showValue(value);
      if (spec.precision !== undefined) text = [...text].slice(0, spec.precision).join("");
      return pad(text, spec, false);
    }
    case "q": {
      const n = integer(value);
      if (typeof value === "string") return pad(goQuote(value), spec, false);
      if (n !== undefined && n >= 0n && n <= 0x10ffffn) {
        return pad(`'${String.fromCodePoint(Number(n))}'`, spec, false);
      }
      return bad(verb, value);
    }
    case "t":
      return typeof value === "boolean" ? pad(String(value), spec, false) : bad(verb, value);
    case "d":
    case "b":
    case "o":
    case "x":
    case "X": {
      if (typeof value === "string" && (verb === "x" || verb === "X")) {
        const hex = [...new TextEncoder().encode(value)].map((b) => b.toString(16).padStart(2, "0"))
          .join("");
        return pad(verb === "X" ? hex.toUpperCase() : hex, spec, false);
      }
      const n = integer(value);
      if (n === undefined) return bad(verb, value);
      const base = verb === "d" ? 10 : verb === "b" ? 2 : verb === "o" ? 8 : 16;
      let digits = (n < 0n ? -n : n).toString(base);
      if (spec.precision !== undefined) digits = digits.padStart(spec.precision, "0");
      if (spec.sharp && base !== 10) {
        digits = (base === 16 ? "0x" : base === 8 ? "0" : "0b") + digits;
      }
      if (verb === "X") digits = digits.toUpperCase();
      return pad(signed((n < 0n ? "-" : "") + digits, n < 0n, spec), spec, true);
    }
    case "c": {
      const n = integer(value);
      return n !== undefined && n >= 0n && n <= 0x10ffffn
        ? pad(String.fromCodePoint(Number(n)), spec, false)
        : bad(verb, value);
    }
    case "U": {
      const n = integer(value);
      return n !== undefined && n >= 0n
        ? pad("U+" + n.toString(16).toUpperCase().padStart(4, "0"), spec, false)
        : bad(verb, value);
    }
    case "e":
    case "E":
    case "f":
    case "F":
    case "g":
    case "G":
      if (typeof value !== "number") return bad(verb, value);
      return pad(
        signed(formatFloat(value, verb, spec.precision), value < 0 || Object.is(value, -0), spec),
        spec,
        true,
      );
    default:
      return bad(verb, value);
  }
}

const SPEC = /%([-+# 0]*)(\*|\d+)?(?:\.(\*|\d*))?([\s\S])?/y;

/**
 * Formats like Go's `fmt.Sprintf` for the values a template holds (strings,
 * numbers, booleans, JSON objects and arrays, nil). Verbs: `%v %s %q %d %b
 * %o %x %X %c %U %e %E %f %F %g %G %t %%`; flags `- + # 0` and space; a
 * width and precision as digits or `*`. As in Go, what does not fit is
 * written in place rather than thrown: `%!d(string=abc)` for a wrong type,
 * `%!d(MISSING)` for a missing operand, `%!(EXTRA string=x)` for extra ones,
 * `%!(NOVERB)` for a final `%`. Differences: `%v` and `%s` show any value
 * (numbers in JavaScript's shortest form, `1000000` not `1e+06`; objects as
 * JSON; nil as nothing), and `%d` takes integral float64s (JSON numbers)
 * where Go would say `%!d(float64=200)`.
 *
 * @example
 * ```ts
 * import { goSprintf } from "./go_sprintf.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(goSprintf("%-6s|%5.1f|%03d|%q", ["warn", 3.14159, 7, "a\"b"]), 'warn  |  3.1|007|"a\\"b"');
 * assertEquals(goSprintf("%d %d", ["x"]), "%!d(string=x) %!d(MISSING)");
 * ```
 */
export function goSprintf(format: string, args: readonly unknown[]): string {
  let out = "";
  let argIndex = 0;
  let i = 0;
  while (i < format.length) {
    const percent = format.indexOf("%", i);
    if (percent < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, percent);
    SPEC.lastIndex = percent;
    const match = SPEC.exec(format) as RegExpExecArray;
    i = SPEC.lastIndex;
    const [, flags, widthText, precisionText, verb] = match;
    if (verb === undefined) {
      out += "%!(NOVERB)";
      break;
    }
    if (verb === "%" && flags === "" && widthText === undefined && precisionText === undefined) {
      out += "%";
      continue;
    }
    const take = (): number | undefined => {
      const value = args[argIndex++];
      return typeof value === "number" && Number.isInteger(value) ? value : undefined;
    };
    let width = widthText === "*"
      ? take()
      : widthText === undefined
      ? undefined
      : Number(widthText);
    const spec: Spec = {
      minus: flags.includes("-"),
      plus: flags.includes("+"),
      space: flags.includes(" "),
      zero: flags.includes("0"),
      sharp: flags.includes("#"),
      width: undefined,
      precision: precisionText === "*"
        ? take()
        : precisionText === undefined
        ? undefined
        : Number(precisionText || "0"),
    };
    if (width !== undefined && width < 0) {
      spec.minus = true;
      width = -width;
    }
    spec.width = width === undefined ? undefined : Math.min(width, 10_000);
    if (spec.precision !== undefined) {
      spec.precision = Math.min(Math.max(spec.precision, 0), 10_000);
    }
    if (verb === "%") {
      out += pad("%", spec, false);
      continue;
    }
    if (argIndex >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatOne(verb, args[argIndex++], spec);
  }
  if (argIndex < args.length) {
    out += "%!(EXTRA " +
      args.slice(argIndex).map((v) =>
        v === undefined || v === null ? "<nil>" : `${goType(v)}=${showValue(v)}`
      ).join(", ") +
      ")";
  }
  return out;
}

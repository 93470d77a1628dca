/**
 * A colour per instance: the same function and instance keep the same hue
 * for as long as the page is open (the theme picks lightness and saturation,
 * so badges stay readable in both), and instances seen together get hues
 * far enough apart to tell them from each other.
 *
 * @module
 */

/** Hues given so far, by `name (instance)`. */
const given = new Map<string, number>();

/** How far apart (in degrees) the hues of two instances are kept, while there is room. */
const APART = 36;
const GOLDEN_ANGLE = 137.508;

function hash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return ((hash >>> 0) * GOLDEN_ANGLE) % 360;
}

function distance(a: number, b: number): number {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
}

/**
 * The hue (0-359) of an instance: from a hash of `name (instance)` (so a
 * reload that sees the same instances in the same order gives the same
 * colours), turned by the golden angle while it is within 36 degrees of a hue
 * already given (at most 14 turns, then it stays where it is).
 *
 * @example
 * ```ts ignore
 * instanceHue("ticker", "ticker-1") === instanceHue("ticker", "ticker-1"); // true
 * ```
 */
export function instanceHue(name: string, instance: string): number {
  const text = `${name} (${instance})`;
  let hue = given.get(text);
  if (hue !== undefined) return hue;
  hue = hash(text);
  const taken = [...given.values()];
  for (let turn = 0; turn < 14 && taken.some((h) => distance(h, hue!) < APART); turn++) {
    hue = (hue + GOLDEN_ANGLE) % 360;
  }
  hue = Math.round(hue) % 360;
  if (given.size < 10_000) given.set(text, hue);
  return hue;
}

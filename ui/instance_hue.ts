/**
 * A stable colour per instance: the same function and instance get the same
 * hue on every page and every reload (the theme picks lightness and
 * saturation, so badges stay readable in both).
 *
 * @module
 */

/**
 * A hue in degrees (0-359) from FNV-1a over `name (instance)`, spread by
 * the golden angle so that similar names land far apart.
 *
 * @example
 * ```ts ignore
 * instanceHue("ticker", "ticker-1") === instanceHue("ticker", "ticker-1"); // true
 * ```
 */
export function instanceHue(name: string, instance: string): number {
  const text = `${name} (${instance})`;
  let hue = known.get(text);
  if (hue === undefined) {
    if (known.size > 4096) known.clear();
    known.set(text, hue = hash(text));
  }
  return hue;
}

/** Hues already worked out (a few instances write most lines). */
const known = new Map<string, number>();

function hash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return Math.round(((hash >>> 0) * 137.508) % 360);
}

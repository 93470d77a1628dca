/**
 * Seeded building blocks for the decoder fuzz tests: a PRNG, byte
 * generators, chunkings (at random and at every boundary), and a tally of
 * what was fed to each decoder.
 */

const encoder = new TextEncoder();

/** A seeded source of numbers in [0, 1) (mulberry32), so a failure can be replayed. */
export class Fuzz {
  #seed: number;

  constructor(seed: number) {
    this.#seed = seed;
  }

  next(): number {
    this.#seed = (this.#seed + 0x6d2b79f5) | 0;
    let t = Math.imul(this.#seed ^ (this.#seed >>> 15), 1 | this.#seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [low, high]. */
  between(low: number, high: number): number {
    return low + this.int(high - low + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** `n` random bytes, none of them in `exclude`. */
  bytes(n: number, exclude: readonly number[] = []): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      let b = this.int(256);
      while (exclude.includes(b)) b = this.int(256);
      out[i] = b;
    }
    return out;
  }

  /**
   * Text worth escaping: quotes, backslashes, control characters, `<>&`,
   * U+2028, accents, emoji, and plain letters.
   */
  text(maxLength: number): string {
    const pieces = [
      '"',
      "\\",
      "\t",
      "\u0001",
      "<",
      ">",
      "&",
      "\u2028",
      "\u00e9",
      "\u{1F600}",
      "\u4e2d",
      " ",
      "a",
      "Z",
      "0",
      "{",
      "}",
      ":",
    ];
    let s = "";
    const n = this.int(maxLength + 1);
    while (s.length < n) {
      s += this.chance(0.5) ? this.pick(pieces) : String.fromCharCode(97 + this.int(26));
    }
    return s;
  }

  /** An RFC3339 timestamp in UTC with 0 to 9 fractional digits, trailing zeros kept. */
  timestamp(): string {
    const ms = Date.UTC(2020, 0, 1) + this.int(5 * 365 * 86400) * 1000;
    const whole = new Date(ms).toISOString().slice(0, 19);
    const digits = this.int(10);
    if (digits === 0) return whole + "Z";
    let fraction = "";
    for (let i = 0; i < digits; i++) fraction += String(this.int(10));
    return `${whole}.${fraction}Z`;
  }

  /** Splits `bytes` into chunks of 0 to `max` bytes (empty chunks included). */
  split(bytes: Uint8Array, max = 64): Uint8Array[] {
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < bytes.length;) {
      const n = this.int(max + 1);
      chunks.push(bytes.subarray(at, at + n));
      at += n;
    }
    return chunks;
  }
}

/** Every way to cut `bytes` in two (`[a, b]` for each boundary, ends included). */
/** A seeded source of numbers in [0, 1) as a plain function. */
export function seeded(seed: number): () => number {
  const fuzz = new Fuzz(seed);
  return () => fuzz.next();
}

export function everySplit(bytes: Uint8Array): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  for (let i = 0; i <= bytes.length; i++) out.push([bytes.subarray(0, i), bytes.subarray(i)]);
  return out;
}

/** One byte per chunk. */
export function byteByByte(bytes: Uint8Array): Uint8Array[] {
  return Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
}

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** What one decoder was fed and what it did, summed over a test. */
export class Tally {
  inputs = 0;
  runs = 0;
  bytes = 0;
  skips = 0;
  records = 0;
  corrupt = 0;

  constructor(readonly decoder: string) {}

  /** Counts one decoding run of `chunks`. */
  run(chunks: readonly Uint8Array[]): void {
    this.runs++;
    for (const c of chunks) this.bytes += c.length;
  }

  toString(): string {
    const mb = (this.bytes / 1e6).toFixed(2);
    return `  ${this.decoder}: ${this.inputs} inputs (${this.corrupt} corrupt units) in ` +
      `${this.runs} runs, ${mb} MB fed; ${this.records} records, ${this.skips} skips`;
  }
}

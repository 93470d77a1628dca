/**
 * Writes real systemd journal files without journald: entries are encoded in
 * the Journal Export Format and fed to `systemd-journal-remote --output=FILE -`,
 * which appends them to the file (creating it first). `journalctl
 * --directory=DIR` then reads them like any journal.
 *
 * Debian/Ubuntu: `apt-get install -y systemd-journal-remote` (journalctl comes
 * with the `systemd` package).
 *
 * @module
 */
import { concat } from "@std/bytes";

/** Where Debian and Ubuntu install systemd-journal-remote. */
export const JOURNAL_REMOTE = "/lib/systemd/systemd-journal-remote";

/** One entry to append. */
export interface JournalEntryInit {
  /** MESSAGE: text (may hold newlines) or raw bytes (may be invalid UTF-8). */
  readonly message: string | Uint8Array;
  /** SYSLOG_IDENTIFIER, faasd writes `NAMESPACE:NAME`. Omitted when undefined. */
  readonly identifier?: string;
  /** _PID. Omitted when undefined. */
  readonly pid?: number | string;
  /**
   * __REALTIME_TIMESTAMP in microseconds since the epoch. Default: the
   * writer's clock, strictly increasing across entries.
   */
  readonly realtime?: bigint;
  /** Any other fields. */
  readonly fields?: Readonly<Record<string, string | Uint8Array>>;
}

const encoder = new TextEncoder();

function canRun(command: string, args: string[]): boolean {
  try {
    return new Deno.Command(command, { args, stdout: "null", stderr: "null" }).outputSync()
      .success;
  } catch {
    return false;
  }
}

/**
 * Why journal tests cannot run here, or `undefined` when journalctl and
 * systemd-journal-remote are both present. Use it as `Deno.test({ ignore })`.
 */
export function journalToolsMissing(): string | undefined {
  const missing: string[] = [];
  if (!canRun("journalctl", ["--version"])) missing.push("journalctl (package systemd)");
  try {
    Deno.statSync(JOURNAL_REMOTE);
  } catch {
    missing.push(`${JOURNAL_REMOTE} (package systemd-journal-remote)`);
  }
  return missing.length === 0 ? undefined : `skipped: missing ${missing.join(" and ")}`;
}

function randomHex128(): string {
  return Array.from(
    crypto.getRandomValues(new Uint8Array(16)),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
}

function field(parts: Uint8Array[], name: string, value: string | Uint8Array): void {
  if (typeof value === "string" && !value.includes("\n")) {
    parts.push(encoder.encode(`${name}=${value}\n`));
    return;
  }
  const data = typeof value === "string" ? encoder.encode(value) : value;
  const size = new Uint8Array(8);
  new DataView(size.buffer).setBigUint64(0, BigInt(data.length), true);
  parts.push(encoder.encode(name + "\n"), size, data, encoder.encode("\n"));
}

/**
 * Encodes entries in the Journal Export Format: `NAME=value` lines, binary
 * fields as `NAME\n` + 64-bit little-endian size + bytes + `\n`, a blank line
 * after each entry.
 */
export function encodeExport(
  entries: readonly {
    readonly init: JournalEntryInit;
    readonly realtime: bigint;
    readonly monotonic: bigint;
  }[],
  bootId: string,
): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const { init, realtime, monotonic } of entries) {
    field(parts, "__REALTIME_TIMESTAMP", String(realtime));
    field(parts, "__MONOTONIC_TIMESTAMP", String(monotonic));
    field(parts, "_BOOT_ID", bootId);
    field(parts, "MESSAGE", init.message);
    if (init.identifier !== undefined) field(parts, "SYSLOG_IDENTIFIER", init.identifier);
    if (init.pid !== undefined) field(parts, "_PID", String(init.pid));
    for (const [name, value] of Object.entries(init.fields ?? {})) field(parts, name, value);
    parts.push(encoder.encode("\n"));
  }
  return concat(parts);
}

/**
 * A journal file in a fresh temporary directory, appended to by
 * systemd-journal-remote (one short-lived process per {@linkcode append}).
 */
export class JournalWriter implements AsyncDisposable {
  /** Pass it to `journalctl --directory=`. */
  readonly directory: string;
  /** The journal file itself. */
  readonly file: string;
  /** The _BOOT_ID of every entry. */
  readonly bootId = randomHex128();
  #lastRealtime = 0n;
  #monotonic = 1_000_000n;

  private constructor(directory: string) {
    this.directory = directory;
    this.file = `${directory}/fnlogs.journal`;
  }

  /** Creates the directory and an empty journal file (so that followers can start at once). */
  static async create(): Promise<JournalWriter> {
    const writer = new JournalWriter(await Deno.makeTempDir({ prefix: "fnlogs-journal-" }));
    await writer.append([]);
    return writer;
  }

  /** The next default timestamp: now in microseconds, strictly after the last one written. */
  nextRealtime(): bigint {
    const now = BigInt(Date.now()) * 1000n;
    return now > this.#lastRealtime ? now : this.#lastRealtime + 1n;
  }

  /** Appends entries, in order, and resolves once they are in the file. */
  async append(entries: readonly JournalEntryInit[] | JournalEntryInit): Promise<void> {
    const list = Array.isArray(entries) ? entries : [entries as JournalEntryInit];
    const timed = list.map((init) => {
      const realtime = init.realtime ?? this.nextRealtime();
      if (realtime > this.#lastRealtime) this.#lastRealtime = realtime;
      this.#monotonic += 1n;
      return { init, realtime, monotonic: this.#monotonic };
    });
    const child = new Deno.Command(JOURNAL_REMOTE, {
      args: [`--output=${this.file}`, "-"],
      stdin: "piped",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(encodeExport(timed, this.bootId));
    await writer.close();
    const { success, stderr } = await child.output();
    // It exits 0 even when it rejects input, so check the count it reports.
    const report = new TextDecoder().decode(stderr);
    const written = /Finishing after writing (\d+) entries/.exec(report);
    if (!success || written === null || Number(written[1]) !== list.length) {
      throw new Error(`systemd-journal-remote wrote not all ${list.length} entries: ${report}`);
    }
  }

  /** Removes the directory. */
  async [Symbol.asyncDispose](): Promise<void> {
    await Deno.remove(this.directory, { recursive: true });
  }
}

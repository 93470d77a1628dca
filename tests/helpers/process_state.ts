/**
 * Process state read from /proc, for tests that prove child processes are
 * gone (Deno needs the `all` permission set to read /proc).
 */

/**
 * Whether a process is gone or dying: no /proc entry, a zombie, exiting
 * (PF_EXITING), or with SIGKILL pending. A killed orphan lingers until init
 * reaps it, and SIGKILL takes effect after kill() returns. Any error other
 * than "not found" is thrown, so a missing permission cannot pass as "gone".
 */
export function isGone(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z" || fields[0] === "X" || (Number(fields[6]) & 4) !== 0) return true;
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    return [...status.matchAll(/^(?:SigPnd|ShdPnd):\s*([0-9a-f]+)$/gm)]
      .some((m) => (BigInt("0x" + m[1]) & 0x100n) !== 0n);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return true;
    throw error;
  }
}

/** The pids whose parent is `pid`, from /proc. */
export function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid) {
        children.push(Number(entry.name));
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  return children;
}

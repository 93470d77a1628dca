/**
 * Whether `deno compile` can work here: it downloads Deno's runtime (denort)
 * from dl.deno.land, which some networks cannot reach.
 */

/** Why compiling cannot work here, or `undefined` when it can. */
export async function compileUnavailable(): Promise<string | undefined> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/probe.ts`, "console.log('ok');\n");
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["compile", "-o", `${dir}/probe`, `${dir}/probe.ts`],
      cwd: dir,
      stdin: "null",
    }).output();
    if (output.success) return undefined;
    const stderr = new TextDecoder().decode(output.stderr);
    const reason = stderr.match(/error sending request for url \(([^)]+)\)/)?.[1];
    return reason === undefined
      ? `deno compile failed: ${stderr.trim().split("\n").slice(-1)[0]}`
      : `deno compile cannot download its runtime (${reason})`;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

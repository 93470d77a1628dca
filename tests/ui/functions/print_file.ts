// A test function: writes each line of the JSON array in FILE to stdout, DELAY_MS
// apart (0: all at once), then stays up. Usage: print_file.ts FILE [DELAY_MS].
const lines: string[] = JSON.parse(await Deno.readTextFile(Deno.args[0]));
const delay = Number(Deno.args[1] ?? 0);
const encoder = new TextEncoder();
for (const line of lines) {
  Deno.stdout.writeSync(encoder.encode(line + "\n"));
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
}
setInterval(() => {}, 1 << 30);

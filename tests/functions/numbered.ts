// Writes "line N xxx..." for N = 0, 1, 2, ... in chunks of 1000 lines, a chunk
// per timer turn, until its stdout goes away.
const encoder = new TextEncoder();
let n = 0;
for (;;) {
  let text = "";
  for (let i = 0; i < 1000; i++) text += `line ${n++} ${"x".repeat(40)}\n`;
  const bytes = encoder.encode(text);
  for (let done = 0; done < bytes.length;) done += await Deno.stdout.write(bytes.subarray(done));
  await new Promise((resolve) => setTimeout(resolve, 0));
}

// Writes "line N <pad>" for N = 0 .. COUNT-1, BURST lines per turn, a turn every
// INTERVAL ms, then stays (idle) until it is stopped. Arguments: COUNT BURST INTERVAL.
const [count, burst, interval] = Deno.args.map(Number);
const encoder = new TextEncoder();
let n = 0;
while (n < count) {
  let text = "";
  for (let i = 0; i < burst && n < count; i++) text += `line ${n++} ${"x".repeat(40)}\n`;
  const bytes = encoder.encode(text);
  for (let done = 0; done < bytes.length;) done += await Deno.stdout.write(bytes.subarray(done));
  await new Promise((resolve) => setTimeout(resolve, interval));
}
setInterval(() => {}, 1 << 30);

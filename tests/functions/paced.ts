// Writes "line N" for N = 0, 1, 2, ... one every INTERVAL_MS (argument 1,
// default 2), after a quiet START_MS (argument 2, default 0), COUNT lines
// (argument 3, default: no end), then stays alive and silent.
const [interval = 2, start = 0, count = Infinity] = Deno.args.map(Number);
await new Promise((resolve) => setTimeout(resolve, start));
for (let n = 0; n < count; n++) {
  console.log(`line ${n}`);
  await new Promise((resolve) => setTimeout(resolve, interval));
}
setInterval(() => {}, 1 << 30);

// Writes "line N" for N = 0, 1, 2, ... in bursts of SIZE lines (argument 1,
// default 20), one every INTERVAL_MS (argument 2, default 1), with GAP_MS of
// silence after each burst (argument 3, default 250), until stopped.
const [size = 20, interval = 1, gap = 250] = Deno.args.map(Number);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
for (let n = 0;;) {
  for (let i = 0; i < size; i++) {
    console.log(`line ${n++}`);
    await sleep(interval);
  }
  await sleep(gap);
}

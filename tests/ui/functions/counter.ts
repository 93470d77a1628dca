// A test function: writes "run=RUN n=N" every MS milliseconds (default 100), where
// RUN names this process, so that the lines of two runs never look alike.
// Usage: counter.ts [MS].
const ms = Number(Deno.args[0] ?? 100);
const run = crypto.randomUUID().slice(0, 8);
let n = 0;
setInterval(() => console.log(`run=${run} n=${n++}`), ms);

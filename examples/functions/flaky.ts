/**
 * The `flaky` function of the example stack: works for a few seconds, then
 * crashes with exit code 1, so that the local runner's restarts show in its
 * logs. Usage: `deno run flaky.ts [MAX_LINES]`.
 *
 * @module
 */

const maxLines = Number(Deno.args[0] ?? 8);
const lines = 2 + Math.floor(Math.random() * Math.max(1, maxLines - 1));
let n = 0;

console.log(`flaky: starting, will crash after ${lines} lines`);
setInterval(() => {
  n++;
  console.log(`flaky: working ${n}/${lines}`);
  if (n >= lines) {
    console.error("flaky: something went wrong, exiting with code 1");
    Deno.exit(1);
  }
}, 1000);

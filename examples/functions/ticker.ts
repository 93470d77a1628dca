/**
 * The `ticker` function of the example stack: each replica writes a tick
 * with its own count twice a second. Usage: `deno run ticker.ts [MS]`.
 *
 * @module
 */

const intervalMs = Number(Deno.args[0] ?? 500);
let tick = 0;

setInterval(() => {
  tick++;
  console.log(`tick ${tick}`);
}, intervalMs);

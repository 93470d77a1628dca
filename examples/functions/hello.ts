/**
 * The `hello` function of the example stack: a numbered line every second
 * on stdout, every fifth on stderr, and every tenth a burst of three lines
 * written at once. Needs no permissions. Usage: `deno run hello.ts [MS]`.
 *
 * @module
 */

const intervalMs = Number(Deno.args[0] ?? 1000);
let n = 0;

setInterval(() => {
  n++;
  if (n % 10 === 0) {
    console.log(
      `hello ${n}: burst line 1 of 3\nhello ${n}: burst line 2 of 3\nhello ${n}: burst line 3 of 3`,
    );
  } else if (n % 5 === 0) {
    console.error(`hello ${n}: to stderr`);
  } else {
    console.log(`hello ${n}`);
  }
}, intervalMs);

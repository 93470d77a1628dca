// Writes RATE lines per second (default 10,000), a mix of plain, logfmt and JSON
// lines with levels, each carrying the moment it was written (t=EPOCH_MS), so a
// reader can tell how far behind it is.
const rate = Number(Deno.env.get("RATE") ?? "10000");
const encoder = new TextEncoder();
const start = performance.now();
let seq = 0;
const line = (n: number, t: number): string => {
  switch (n % 8) {
    case 0:
      return `{"level":"info","msg":"request handled","path":"/api/items/${n}","ms":${
        n % 97
      },"t":${t}}`;
    case 1:
      return `level=debug msg="cache lookup" key=item-${n} hit=${n % 3 === 0} t=${t}`;
    case 2:
      return `ERROR upstream timed out after 2000 ms (request ${n}) t=${t}`;
    case 3:
      return `{"severity":"WARNING","msg":"slow query","rows":${n % 1000},"t":${t}}`;
    default:
      return `INFO worker ${n % 16} processed batch ${n} in ${n % 50} ms t=${t}`;
  }
};
setInterval(() => {
  const due = Math.floor(((performance.now() - start) / 1000) * rate);
  let text = "";
  const t = Math.round(performance.timeOrigin + performance.now());
  while (seq < due) text += line(seq++, t) + "\n";
  const bytes = encoder.encode(text);
  for (let at = 0; at < bytes.length;) {
    at += Deno.stdout.writeSync(bytes.subarray(at));
  }
}, 10);

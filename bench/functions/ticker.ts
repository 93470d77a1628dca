// Writes RATE lines per second, each carrying the moment it was written
// (`t=EPOCH_MICROSECONDS seq=N`), so a reader can measure end-to-end latency.
const rate = Number(Deno.env.get("RATE") ?? "100");
const encoder = new TextEncoder();
const start = performance.now();
let seq = 0;
const tickMs = rate >= 100 ? 10 : 1000 / rate;
setInterval(() => {
  const due = Math.floor(((performance.now() - start) / 1000) * rate);
  let text = "";
  while (seq < due) {
    const micros = Math.round((performance.timeOrigin + performance.now()) * 1000);
    text += `t=${micros} seq=${seq++}\n`;
  }
  if (text !== "") Deno.stdout.writeSync(encoder.encode(text));
}, tickMs);

// Writes LINES JSON lines (default 100,000), every hundredth at level error
// ({"level":"error","n":99,...}), the rest at info, then {"msg":"END"}, then idles.
const lines = Number(Deno.env.get("LINES") ?? "100000");
const encoder = new TextEncoder();
let text = "";
for (let n = 0; n < lines; n++) {
  text += n % 100 === 99
    ? `{"level":"error","n":${n},"msg":"request failed","status":503}\n`
    : `{"level":"info","n":${n},"msg":"request handled","status":200}\n`;
  if (text.length > 65536) {
    Deno.stdout.writeSync(encoder.encode(text));
    text = "";
  }
}
Deno.stdout.writeSync(encoder.encode(text + '{"level":"info","msg":"END"}\n'));
setInterval(() => {}, 1 << 30);

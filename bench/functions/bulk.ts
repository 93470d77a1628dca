// Writes BULK_LINES lines (about 130-byte messages once encoded), then "END", then idles.
const lines = Number(Deno.env.get("BULK_LINES") ?? "1000000");
const encoder = new TextEncoder();
let text = "";
for (let i = 0; i < lines; i++) {
  text += `bulk line ${String(i).padStart(7, "0")} lorem ipsum dolor\n`;
  if (text.length > 65536) {
    Deno.stdout.writeSync(encoder.encode(text));
    text = "";
  }
}
Deno.stdout.writeSync(encoder.encode(text + "END\n"));
setInterval(() => {}, 1 << 30);

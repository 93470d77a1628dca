// Writes lines as fast as the pipe takes them, forever.
const encoder = new TextEncoder();
let n = 0;
for (;;) {
  let text = "";
  for (let i = 0; i < 512; i++) text += `fast line ${n++} ${"x".repeat(60)}\n`;
  await Deno.stdout.write(encoder.encode(text));
}

/**
 * The floor for (4) fan-out: the least work a Deno program can do to send
 * 1,000 lines/s to every connected follower. It answers any request with
 * chunked NDJSON headers and then, every 10 ms, frames the lines due once
 * and hands the same bytes to every socket with `conn.write` (one write in
 * flight per socket, later bytes queued behind it). No history, no
 * per-follower stream, no request parsing: what is left is Deno's write op
 * and the kernel's loopback TCP. The fan-out section runs the same load
 * against it in the same run, so fnlogs' numbers have a floor beside them.
 *
 * Usage: fan_out_floor.ts   (prints its port on stdout; stops on SIGTERM)
 */

const RATE = 1000;
const encoder = new TextEncoder();
const HEAD = encoder.encode(
  "HTTP/1.1 200 OK\r\ncontent-type: application/x-ndjson\r\ntransfer-encoding: chunked\r\n\r\n",
);

interface Follower {
  conn: Deno.TcpConn;
  writing: boolean;
  queued: Uint8Array[];
}
const followers = new Set<Follower>();

function send(f: Follower, bytes: Uint8Array): void {
  if (f.writing) {
    f.queued.push(bytes);
    return;
  }
  f.writing = true;
  f.conn.write(bytes).then((n) => {
    f.writing = false;
    if (n < bytes.length) f.queued.unshift(bytes.subarray(n));
    const next = f.queued.shift();
    if (next !== undefined) send(f, next);
  }, () => followers.delete(f));
}

async function accept(conn: Deno.TcpConn): Promise<void> {
  conn.setNoDelay(true);
  await conn.read(new Uint8Array(4096)); // The request head (one read is enough here).
  const follower: Follower = { conn, writing: false, queued: [] };
  send(follower, HEAD);
  followers.add(follower);
  // The peer closing ends the follower.
  conn.read(new Uint8Array(64)).finally(() => followers.delete(follower)).catch(() => {});
}

const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
console.log(listener.addr.port);
(async () => {
  for await (const conn of listener) accept(conn).catch(() => {});
})();

const start = performance.now();
let seq = 0;
setInterval(() => {
  const due = Math.floor(((performance.now() - start) / 1000) * RATE);
  let text = "";
  while (seq < due) {
    const micros = Math.round((performance.timeOrigin + performance.now()) * 1000);
    text += `{"name":"ticker1000","namespace":"openfaas-fn","instance":"ticker1000-floor",` +
      `"timestamp":"${new Date().toISOString()}","text":"t=${micros} seq=${seq++}"}\n`;
  }
  if (text === "") return;
  const body = encoder.encode(text);
  const size = encoder.encode(body.length.toString(16) + "\r\n");
  const chunk = new Uint8Array(size.length + body.length + 2);
  chunk.set(size);
  chunk.set(body, size.length);
  chunk.set([13, 10], size.length + body.length);
  for (const f of followers) send(f, chunk);
}, 10);
Deno.addSignalListener("SIGTERM", () => Deno.exit(0));

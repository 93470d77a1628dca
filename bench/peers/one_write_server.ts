/**
 * A log server that answers `GET /system/logs` the way faas-provider's Go
 * handler and the OpenFaaS gateway do: headers first, then each message its
 * own HTTP chunk, each chunk its own socket write (TCP_NODELAY, awaited
 * before the next), as fast as its loop runs and never batched. The bench
 * runs it as its own process, so a client that keeps up gets one message per
 * read, as it would from a real gateway.
 *
 * Usage: deno run --allow-net bench/peers/one_write_server.ts LINES
 * Prints `listening PORT` on stdout, then serves until killed. Each request
 * gets LINES messages of about 150 bytes and the terminating chunk.
 */

const lines = Number(Deno.args[0] ?? "1000000");
const encoder = new TextEncoder();
const HEAD = encoder.encode(
  "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nConnection: Keep-Alive\r\n" +
    "Transfer-Encoding: chunked\r\n\r\n",
);
const END = encoder.encode("0\r\n\r\n");

/** Message `i` framed as one chunk: same length for every i (six-digit counter fields). */
function frame(i: number): Uint8Array {
  const n = String(i % 1_000_000).padStart(6, "0");
  const nanos = String(i % 1_000_000_000).padStart(9, "0");
  const json = `{"name":"bulk","namespace":"openfaas-fn","instance":"bulk-7d4b9c8f6-x2x9q",` +
    `"timestamp":"2026-12-04T10:00:00.${nanos}Z","text":"line ${n} lorem ipsum dolor sit amet"}\n`;
  return encoder.encode(json.length.toString(16) + "\r\n" + json + "\r\n");
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let off = 0; off < bytes.length;) off += await conn.write(bytes.subarray(off));
}

async function serve(conn: Deno.TcpConn): Promise<void> {
  conn.setNoDelay(true);
  const buffer = new Uint8Array(16 * 1024);
  let head = "";
  try {
    while (!head.includes("\r\n\r\n")) {
      const n = await conn.read(buffer);
      if (n === null) return;
      head += new TextDecoder().decode(buffer.subarray(0, n));
    }
    await writeAll(conn, HEAD);
    for (let i = 1; i <= lines; i++) await writeAll(conn, frame(i));
    await writeAll(conn, END);
  } catch {
    // The client went away.
  } finally {
    try {
      conn.close();
    } catch { /* closed */ }
  }
}

const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
console.log(`listening ${(listener.addr as Deno.NetAddr).port}`);
for await (const conn of listener) serve(conn);

import { assertEquals } from "@std/assert";
import { END, type PollSource } from "../../lib/streams/poll_source.ts";
import { BufferedSocket } from "./buffered_socket.ts";
import { writeBody } from "./write_body.ts";

/** A connected loopback pair: the server's side as a `BufferedSocket`, and the client's. */
async function socketPair() {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const [server, client] = await Promise.all([
    listener.accept(),
    Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port }),
  ]);
  return {
    socket: new BufferedSocket(server),
    client,
    [Symbol.dispose]() {
      for (const conn of [server, client]) {
        try {
          conn.close();
        } catch {
          // Closed already.
        }
      }
    },
  };
}

/** Everything the client reads until the server closes. */
async function readAll(client: Deno.Conn): Promise<string> {
  let text = "";
  const decoder = new TextDecoder();
  const buffer = new Uint8Array(4096);
  for (let n = await client.read(buffer); n !== null; n = await client.read(buffer)) {
    text += decoder.decode(buffer.subarray(0, n), { stream: true });
  }
  return text;
}

/** A source over `items` (`undefined`: nothing ready, until woken), recording its calls. */
function scriptedSource(items: (string | Error | undefined)[]) {
  const calls: string[] = [];
  let waiter: (() => void) | undefined;
  const source: PollSource<Uint8Array> = {
    poll() {
      calls.push("poll");
      if (items.length === 0) return END;
      const item = items.shift();
      if (item instanceof Error) throw item;
      return item === undefined ? undefined : new TextEncoder().encode(item);
    },
    wait(ready) {
      calls.push("wait");
      waiter = ready;
    },
    cancel(reason) {
      calls.push(`cancel: ${reason}`);
    },
  };
  return { source, calls, wake: () => waiter?.() };
}

Deno.test("writeBody() writes each chunk framed, waits when nothing is ready, and ends at END", async () => {
  using pair = await socketPair();
  const { source, calls, wake } = scriptedSource(["one\n", undefined, "two\n"]);
  const gone = new AbortController();
  const ended = writeBody(pair.socket, source, { chunked: true, gone, maxUnread: 1024 });
  const buffer = new Uint8Array(64);
  const n = await pair.client.read(buffer); // the first chunk, then nothing is ready
  assertEquals(new TextDecoder().decode(buffer.subarray(0, n!)), "4\r\none\n\r\n");
  wake();
  assertEquals(await ended, true);
  pair.socket.close();
  assertEquals(await readAll(pair.client), "4\r\ntwo\n\r\n"); // no terminator: the caller writes it
  assertEquals(calls.includes("wait"), true);
  assertEquals(calls.some((c) => c.startsWith("cancel")), false);
  assertEquals(gone.signal.aborted, false);
});

Deno.test("writeBody() cuts the connection without the terminator when the source fails", async () => {
  using pair = await socketPair();
  const { source, calls } = scriptedSource(["one\n", new Error("upstream broke")]);
  const gone = new AbortController();
  assertEquals(
    await writeBody(pair.socket, source, { chunked: true, gone, maxUnread: 1024 }),
    false,
  );
  assertEquals(await readAll(pair.client), "4\r\none\n\r\n");
  assertEquals(calls.at(-1), "cancel: connection closed");
  assertEquals(gone.signal.aborted, true);
});

Deno.test("writeBody() sees the client go away while the source is idle, and cancels the source", async () => {
  using pair = await socketPair();
  const { source, calls } = scriptedSource([undefined]);
  const gone = new AbortController();
  const ended = writeBody(pair.socket, source, { chunked: false, gone, maxUnread: 1024 });
  pair.client.close();
  assertEquals(await ended, false);
  assertEquals(calls, ["poll", "wait", "cancel: client went away"]);
  assertEquals(String(gone.signal.reason), "Error: client went away");
});

Deno.test("writeBody() drops what comes past maxUnread bytes, says so, and still sees the close", async () => {
  using pair = await socketPair();
  const { source, calls } = scriptedSource([undefined]);
  const gone = new AbortController();
  let overflows = 0;
  const ended = writeBody(pair.socket, source, {
    chunked: false,
    gone,
    maxUnread: 1024,
    onOverflow: () => overflows++,
  });
  // A request body 64 KiB long, on a request that said it would be the last.
  const body = new Uint8Array(65536).fill(0x61);
  for (let at = 0; at < body.length;) at += await pair.client.write(body.subarray(at));
  pair.client.close();
  // (Without dropping them, the writer stopped reading at 1 KiB and never saw
  // the close: that fails here after 5 s instead of hanging the suite.)
  let guard: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<string>((resolve) =>
    guard = setTimeout(resolve, 5000, "no close seen")
  );
  assertEquals(await Promise.race([ended, timedOut]), false);
  clearTimeout(guard);
  assertEquals(calls, ["poll", "wait", "cancel: client went away"]);
  assertEquals(pair.socket.length <= 1024, true);
  assertEquals(overflows > 0, true);
});

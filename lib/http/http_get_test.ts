import { assertEquals, assertRejects } from "@std/assert";
import { httpGet } from "./http_get.ts";

const encoder = new TextEncoder();

function serve(
  handler: (request: Request) => Response | Promise<Response>,
  path?: string,
): Deno.HttpServer {
  return path === undefined
    ? Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, handler)
    : Deno.serve({ path, onListen: () => {} }, handler);
}

Deno.test("httpGet() reads chunked and sized bodies over TCP and unix sockets", async () => {
  const dir = await Deno.makeTempDir();
  const socketPath = `${dir}/api.sock`;
  const handler = (request: Request) => {
    const url = new URL(request.url);
    if (url.pathname === "/sized") return new Response("hello", { headers: { "x-a": "1" } });
    if (url.pathname === "/empty") return new Response(null, { status: 204 });
    if (url.pathname === "/missing") return Response.json({ message: "nope" }, { status: 404 });
    return new Response(
      ReadableStream.from(["one ", "two ", url.search]).pipeThrough(new TextEncoderStream()),
    );
  };
  const tcp = serve(handler);
  const unix = serve(handler, socketPath);
  try {
    const port = (tcp.addr as Deno.NetAddr).port;
    for (
      const target of [{ hostname: "127.0.0.1", port, host: `127.0.0.1:${port}` }, {
        socketPath,
        host: "localhost",
      }]
    ) {
      const sized = await httpGet(target, "/sized");
      assertEquals([sized.status, sized.headers.get("x-a"), await sized.text()], [
        200,
        "1",
        "hello",
      ]);
      const streamed = await httpGet(target, "/stream?x=%7B%7D");
      assertEquals(await streamed.text(), "one two ?x=%7B%7D");
      assertEquals((await httpGet(target, "/empty")).status, 204);
      const missing = await httpGet(target, "/missing");
      assertEquals([missing.status, await missing.json()], [404, { message: "nope" }]);
    }
  } finally {
    await tcp.shutdown();
    await unix.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("httpGet() closes the connection when the body is cancelled or the signal aborts", async () => {
  const ended: string[] = [];
  const server = serve((request) => {
    const name = new URL(request.url).pathname;
    let timer: ReturnType<typeof setInterval>;
    return new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode("first\n"));
          timer = setInterval(() => controller.enqueue(encoder.encode("more\n")), 5);
        },
        cancel() {
          clearInterval(timer);
          ended.push(name);
        },
      }),
    );
  });
  try {
    const port = (server.addr as Deno.NetAddr).port;
    const target = { hostname: "127.0.0.1", port, host: "localhost" };
    const cancelled = await httpGet(target, "/cancel");
    const reader = cancelled.body!.getReader();
    // "first\n" may arrive together with the next "more\n" in one read.
    const firstRead = new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    assertEquals(firstRead.startsWith("first\n"), true, firstRead);
    const abort = new AbortController();
    const aborted = await httpGet(target, "/abort", { signal: abort.signal });
    const reader2 = aborted.body!.getReader();
    await reader2.read();
    abort.abort(new Error("stop"));
    await assertRejects(
      async () => {
        for (;;) if ((await reader2.read()).done) break;
      },
      Error,
      "stop",
    );
    while (ended.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    assertEquals(ended.sort(), ["/abort", "/cancel"]);
    await assertRejects(() => httpGet(target, "/x", { signal: abort.signal }), Error, "stop");
  } finally {
    await server.shutdown();
  }
});

Deno.test("httpGet() fails on a connection that ends early", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  (async () => {
    for await (const conn of listener) {
      await conn.read(new Uint8Array(4096));
      await conn.write(
        encoder.encode("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"),
      );
      conn.close();
    }
  })();
  try {
    const response = await httpGet({ hostname: "127.0.0.1", port, host: "x" }, "/");
    await assertRejects(() => response.text(), Error);
    await assertRejects(() => httpGet({ hostname: "127.0.0.1", port: 1, host: "x" }, "/"));
  } finally {
    listener.close();
  }
});

Deno.test("httpGet() aborted while it connects rejects at once and leaves no connection open", async () => {
  // A listener that accepts but never answers: only a close by the client ends the read.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const target = { hostname: "127.0.0.1", port: (listener.addr as Deno.NetAddr).port, host: "x" };
  const abort = new AbortController();
  const request = httpGet(target, "/", { signal: abort.signal });
  abort.abort(new Error("idle"));
  await assertRejects(() => request, Error, "idle");
  const conn = await listener.accept();
  const buffer = new Uint8Array(1024);
  // The connection that completed after the abort was closed, not used.
  let read: number | null = 0;
  while (read !== null) read = await conn.read(buffer).catch(() => null);
  conn.close();
  listener.close();
});

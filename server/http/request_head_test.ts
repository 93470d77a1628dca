import { assertEquals } from "@std/assert";
import { type HeadResult, parseRequestHead } from "./request_head.ts";

const parse = (text: string, max = 16384): HeadResult => {
  const bytes = new Uint8Array([...text].map((c) => c.charCodeAt(0)));
  return parseRequestHead(bytes, bytes.length, max);
};

Deno.test("parseRequestHead() reads the request line and fields, lower-casing names", () => {
  assertEquals(
    parse("\r\nGET /system/logs?name=a HTTP/1.0\r\nHost: x \r\nX-A:\t1\r\nx-a: 2\r\n\r\nrest"),
    {
      method: "GET",
      target: "/system/logs?name=a",
      minor: 0,
      fields: [["host", "x"], ["x-a", "1"], ["x-a", "2"]],
      length: 2 + 62,
    },
  );
  // Bare LF line ends are read too.
  assertEquals(parse("GET / HTTP/1.1\nHost: x\n\n"), {
    method: "GET",
    target: "/",
    minor: 1,
    fields: [["host", "x"]],
    length: 24,
  });
});

Deno.test("parseRequestHead() waits for more bytes until the blank line, within the limit", () => {
  const full = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  for (let i = 0; i < full.length; i++) assertEquals(parse(full.slice(0, i)), undefined);
  assertEquals(parse("GET / HTTP/1.1\r\nX: " + "a".repeat(100), 64), {
    status: 431,
    message: "request headers too large",
  });
  assertEquals(parse(full, 10), { status: 431, message: "request headers too large" });
});

Deno.test("parseRequestHead() refuses malformed heads with 400, never a 5xx", () => {
  const bad = [
    "GARBAGE\r\n\r\n",
    "GET\r\n\r\n",
    "GET  / HTTP/1.1\r\n\r\n",
    "GET / HTTP/9.9\r\n\r\n",
    "GET / HTTP/2.0\r\n\r\n",
    "GET / http/1.1\r\n\r\n",
    "G(T / HTTP/1.1\r\n\r\n",
    "GET /a\x01b HTTP/1.1\r\n\r\n",
    "GET / HTTP/1.1\r\nHost x\r\n\r\n",
    "GET / HTTP/1.1\r\n: x\r\n\r\n",
    "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
    "GET / HTTP/1.1\r\n folded\r\n\r\n",
    "GET / HTTP/1.1\r\nX: a\x00b\r\n\r\n",
    "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n",
    "GET / HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
    "GET / HTTP/1.1\r\nContent-Length: 1,1\r\n\r\n",
    "\x00\x01\x02\xff\xfe\r\n\r\n",
  ];
  for (const head of bad) {
    const result = parse(head);
    assertEquals(
      result !== undefined && "status" in result && result.status,
      400,
      JSON.stringify(head),
    );
  }
});

import { assertEquals } from "@std/assert";
import { encodeLogMessage } from "./encode_log_message.ts";
import type { LogMessage, LogRecord } from "../types.ts";

/**
 * The reference: JSON.stringify one code point at a time, plus Go's extra
 * escapes (`<` `>` `&` U+2028 U+2029) and U+FFFD for lone surrogates.
 */
function goQuote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    if (c >= 0xd800 && c <= 0xdfff) out += "\\ufffd";
    else if ("<>&\u2028\u2029".includes(ch)) out += "\\u" + c.toString(16).padStart(4, "0");
    else out += JSON.stringify(ch).slice(1, -1);
  }
  return out + '"';
}

function message(text: string, other = ""): LogMessage {
  return { name: other, namespace: other, instance: other, timestamp: other, text };
}

function textOf(line: string): string {
  return line.slice(line.indexOf(',"text":') + 8, -1);
}

Deno.test("encodeLogMessage() writes the five keys in Go's order", () => {
  const record: LogRecord = {
    text: "Listening on port: 8080",
    timestamp: "2023-07-04T16:32:22.223912519Z",
    instance: "env-5b6d68d94c-qqdtj",
    namespace: "openfaas-fn",
    name: "env",
    cursor: "c1",
    missed: 3,
  };
  assertEquals(
    encodeLogMessage(record),
    '{"name":"env","namespace":"openfaas-fn","instance":"env-5b6d68d94c-qqdtj",' +
      '"timestamp":"2023-07-04T16:32:22.223912519Z","text":"Listening on port: 8080"}',
  );
});

Deno.test("encodeLogMessage() keeps empty fields", () => {
  assertEquals(
    encodeLogMessage(message("")),
    '{"name":"","namespace":"","instance":"","timestamp":"","text":""}',
  );
});

Deno.test("encodeLogMessage() escapes each special character as Go does", () => {
  const cases: [string, string][] = [
    ["\u0000", "\\u0000"],
    ["\u0001", "\\u0001"],
    ["\b", "\\b"],
    ["\t", "\\t"],
    ["\n", "\\n"],
    ["\u000b", "\\u000b"],
    ["\f", "\\f"],
    ["\r", "\\r"],
    ["\u001b", "\\u001b"],
    ["\u001f", "\\u001f"],
    ['"', '\\"'],
    ["\\", "\\\\"],
    ["<", "\\u003c"],
    [">", "\\u003e"],
    ["&", "\\u0026"],
    ["'", "'"],
    ["/", "/"],
    ["\u007f", "\u007f"],
    ["\u0080", "\u0080"],
    ["\u00e9", "\u00e9"],
    ["\u2027", "\u2027"],
    ["\u2028", "\\u2028"],
    ["\u2029", "\\u2029"],
    ["\u202a", "\u202a"],
    ["\ufeff", "\ufeff"],
    ["\ufffd", "\ufffd"],
    ["\uffff", "\uffff"],
    ["\ud83d\ude00", "\ud83d\ude00"],
    ["\ud800", "\\ufffd"],
    ["\udbff", "\\ufffd"],
    ["\udc00", "\\ufffd"],
    ["\udfff", "\\ufffd"],
    ["\ude00\ud83d", "\\ufffd\\ufffd"],
    ["a\ud83d", "a\\ufffd"],
    ["\\ud800", "\\\\ud800"],
    ["\\\ud800", "\\\\\\ufffd"],
    ["<a href='x'>&amp;</a>", "\\u003ca href='x'\\u003e\\u0026amp;\\u003c/a\\u003e"],
  ];
  for (const [text, want] of cases) {
    assertEquals(textOf(encodeLogMessage(message(text))), '"' + want + '"', JSON.stringify(text));
  }
});

Deno.test("encodeLogMessage() matches the reference for every UTF-16 code unit", () => {
  for (let c = 0; c <= 0xffff; c++) {
    const ch = String.fromCharCode(c);
    for (const text of [ch, "a" + ch + "b", ch + ch]) {
      const line = encodeLogMessage(message(text, text));
      const want = goQuote(text);
      assertEquals(
        line,
        `{"name":${want},"namespace":${want},"instance":${want},"timestamp":${want},"text":${want}}`,
        `U+${c.toString(16)}`,
      );
    }
  }
});

Deno.test("encodeLogMessage() matches the reference on random strings and round-trips", () => {
  // A small deterministic generator (xorshift32).
  let state = 0x2545f491;
  const next = (n: number): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
  const pool = [
    ..."abcXYZ09 .:/-_='",
    ...'"\\<>&\n\r\t\b\f\u0000\u0007\u001f\u007f',
    "\u00e9",
    "\u2028",
    "\u2029",
    "\ufffd",
    "\uffff",
    "\ud83d\ude00",
    "\ud800",
    "\udc00",
    "\ud83d",
    "\ude00",
  ];
  for (let i = 0; i < 5000; i++) {
    let text = "";
    const length = next(40);
    for (let j = 0; j < length; j++) {
      text += next(4) === 0 ? String.fromCharCode(next(0x10000)) : pool[next(pool.length)];
    }
    const line = encodeLogMessage(message(text, String(i)));
    assertEquals(textOf(line), goQuote(text), JSON.stringify(text));
    assertEquals(JSON.parse(line), { ...message(text.toWellFormed(), String(i)) });
  }
});

Deno.test("encodeLogMessage() writes the timestamp as given", () => {
  const line = encodeLogMessage({ ...message("x"), timestamp: "2023-07-04T17:32:22.5+01:00" });
  assertEquals(
    line,
    '{"name":"","namespace":"","instance":"","timestamp":"2023-07-04T17:32:22.5+01:00","text":"x"}',
  );
});

import { assertEquals } from "@std/assert";
import { DEFAULT_RENDER_OPTIONS, renderMessage, type RenderOptions } from "./render_message.ts";
import type { LogMessage } from "../types.ts";
import { encodeLogMessage } from "../wire/encode_log_message.ts";
import { formatGoTime } from "./format_go_time.ts";
import { formatTimestamp, parseTimestamp } from "../time/timestamp.ts";

// The expected strings were printed by faas-cli's own formatters
// (commands/logs_format.go, each result passed through fmt.Println as
// runLogs does) after decoding the message with Go 1.19.8's encoding/json,
// TZ=UTC. Go 1.19 writes \b and \f as \u0008 and \u000c; they are given here
// as Go 1.22 and later write them.

const BASE: LogMessage = {
  name: "env",
  namespace: "openfaas-fn",
  instance: "env-5b6d68d94c-qqdtj",
  timestamp: "2023-07-04T16:32:22.223912519Z",
  text: "Listening on port: 8080",
};

const COMBINATIONS: [RenderOptions, string][] = [
  [{
    output: "plain",
    timeFormat: "2006-01-02T15:04:05Z07:00",
    showName: false,
    showInstance: false,
  }, "2023-07-04T16:32:22Z Listening on port: 8080\n"],
  [{
    output: "plain",
    timeFormat: "2006-01-02T15:04:05Z07:00",
    showName: false,
    showInstance: true,
  }, "2023-07-04T16:32:22Z (env-5b6d68d94c-qqdtj) Listening on port: 8080\n"],
  [{
    output: "plain",
    timeFormat: "2006-01-02T15:04:05Z07:00",
    showName: true,
    showInstance: false,
  }, "2023-07-04T16:32:22Z env Listening on port: 8080\n"],
  [
    {
      output: "plain",
      timeFormat: "2006-01-02T15:04:05Z07:00",
      showName: true,
      showInstance: true,
    },
    "2023-07-04T16:32:22Z env (env-5b6d68d94c-qqdtj) Listening on port: 8080\n",
  ],
  [
    { output: "plain", timeFormat: "", showName: false, showInstance: false },
    "Listening on port: 8080\n",
  ],
  [
    { output: "plain", timeFormat: "", showName: false, showInstance: true },
    "(env-5b6d68d94c-qqdtj) Listening on port: 8080\n",
  ],
  [
    { output: "plain", timeFormat: "", showName: true, showInstance: false },
    "env Listening on port: 8080\n",
  ],
  [
    { output: "plain", timeFormat: "", showName: true, showInstance: true },
    "env (env-5b6d68d94c-qqdtj) Listening on port: 8080\n",
  ],
  [{
    output: "plain",
    timeFormat: "2006-01-02T15:04:05.999999999Z07:00",
    showName: false,
    showInstance: false,
  }, "2023-07-04T16:32:22.223912519Z Listening on port: 8080\n"],
  [{
    output: "plain",
    timeFormat: "2006-01-02T15:04:05.999999999Z07:00",
    showName: false,
    showInstance: true,
  }, "2023-07-04T16:32:22.223912519Z (env-5b6d68d94c-qqdtj) Listening on port: 8080\n"],
  [{
    output: "plain",
    timeFormat: "2006-01-02T15:04:05.999999999Z07:00",
    showName: true,
    showInstance: false,
  }, "2023-07-04T16:32:22.223912519Z env Listening on port: 8080\n"],
  [{
    output: "plain",
    timeFormat: "2006-01-02T15:04:05.999999999Z07:00",
    showName: true,
    showInstance: true,
  }, "2023-07-04T16:32:22.223912519Z env (env-5b6d68d94c-qqdtj) Listening on port: 8080\n"],
  [{
    output: "keyvalue",
    timeFormat: "2006-01-02T15:04:05Z07:00",
    showName: false,
    showInstance: false,
  }, 'timestamp="2023-07-04T16:32:22Z" text="Listening on port: 8080" \n'],
  [
    {
      output: "keyvalue",
      timeFormat: "2006-01-02T15:04:05Z07:00",
      showName: false,
      showInstance: true,
    },
    'timestamp="2023-07-04T16:32:22Z" instance="env-5b6d68d94c-qqdtj" text="Listening on port: 8080" \n',
  ],
  [{
    output: "keyvalue",
    timeFormat: "2006-01-02T15:04:05Z07:00",
    showName: true,
    showInstance: false,
  }, 'timestamp="2023-07-04T16:32:22Z" name="env" text="Listening on port: 8080" \n'],
  [
    {
      output: "keyvalue",
      timeFormat: "2006-01-02T15:04:05Z07:00",
      showName: true,
      showInstance: true,
    },
    'timestamp="2023-07-04T16:32:22Z" name="env" instance="env-5b6d68d94c-qqdtj" text="Listening on port: 8080" \n',
  ],
  [
    { output: "keyvalue", timeFormat: "", showName: false, showInstance: false },
    'text="Listening on port: 8080" \n',
  ],
  [
    { output: "keyvalue", timeFormat: "", showName: false, showInstance: true },
    'instance="env-5b6d68d94c-qqdtj" text="Listening on port: 8080" \n',
  ],
  [
    { output: "keyvalue", timeFormat: "", showName: true, showInstance: false },
    'name="env" text="Listening on port: 8080" \n',
  ],
  [
    { output: "keyvalue", timeFormat: "", showName: true, showInstance: true },
    'name="env" instance="env-5b6d68d94c-qqdtj" text="Listening on port: 8080" \n',
  ],
];
const TEXTS: [string, string, string, string][] = [
  [
    "a<b>&c",
    "2023-07-04T16:32:22Z env (env-5b6d68d94c-qqdtj) a<b>&c\n",
    'timestamp="2023-07-04T16:32:22Z" name="env" instance="env-5b6d68d94c-qqdtj" text="a<b>&c" \n',
    '{"name":"env","namespace":"openfaas-fn","instance":"env-5b6d68d94c-qqdtj","timestamp":"2023-07-04T16:32:22.223912519Z","text":"a\\u003cb\\u003e\\u0026c"}\n',
  ],
  [
    "two\nlines",
    "2023-07-04T16:32:22Z env (env-5b6d68d94c-qqdtj) two\nlines\n",
    'timestamp="2023-07-04T16:32:22Z" name="env" instance="env-5b6d68d94c-qqdtj" text="two\nlines" \n',
    '{"name":"env","namespace":"openfaas-fn","instance":"env-5b6d68d94c-qqdtj","timestamp":"2023-07-04T16:32:22.223912519Z","text":"two\\nlines"}\n',
  ],
  [
    "ends in newline\n",
    "2023-07-04T16:32:22Z env (env-5b6d68d94c-qqdtj) ends in newline\n",
    'timestamp="2023-07-04T16:32:22Z" name="env" instance="env-5b6d68d94c-qqdtj" text="ends in newline" \n',
    '{"name":"env","namespace":"openfaas-fn","instance":"env-5b6d68d94c-qqdtj","timestamp":"2023-07-04T16:32:22.223912519Z","text":"ends in newline\\n"}\n',
  ],
  [
    "ends in crlf\r\n",
    "2023-07-04T16:32:22Z env (env-5b6d68d94c-qqdtj) ends in crlf\r\n",
    'timestamp="2023-07-04T16:32:22Z" name="env" instance="env-5b6d68d94c-qqdtj" text="ends in crlf\r" \n',
    '{"name":"env","namespace":"openfaas-fn","instance":"env-5b6d68d94c-qqdtj","timestamp":"2023-07-04T16:32:22.223912519Z","text":"ends in crlf\\r\\n"}\n',
  ],
  [
    "newlines\n\n",
    "2023-07-04T16:32:22Z env (env-5b6d68d94c-qqdtj) newlines\n",
    'timestamp="2023-07-04T16:32:22Z" name="env" instance="env-5b6d68d94c-qqdtj" text="newlines" \n',
    '{"name":"env","namespace":"openfaas-fn","instance":"env-5b6d68d94c-qqdtj","timestamp":"2023-07-04T16:32:22.223912519Z","text":"newlines\\n\\n"}\n',
  ],
  [
    "",
    "2023-07-04T16:32:22Z env (env-5b6d68d94c-qqdtj) \n",
    'timestamp="2023-07-04T16:32:22Z" name="env" instance="env-5b6d68d94c-qqdtj" text="" \n',
    '{"name":"env","namespace":"openfaas-fn","instance":"env-5b6d68d94c-qqdtj","timestamp":"2023-07-04T16:32:22.223912519Z","text":""}\n',
  ],
  [
    "line\u2028sep\u2029para",
    "2023-07-04T16:32:22Z env (env-5b6d68d94c-qqdtj) line\u2028sep\u2029para\n",
    'timestamp="2023-07-04T16:32:22Z" name="env" instance="env-5b6d68d94c-qqdtj" text="line\u2028sep\u2029para" \n',
    '{"name":"env","namespace":"openfaas-fn","instance":"env-5b6d68d94c-qqdtj","timestamp":"2023-07-04T16:32:22.223912519Z","text":"line\\u2028sep\\u2029para"}\n',
  ],
  [
    "bad \ufffd byte",
    "2023-07-04T16:32:22Z env (env-5b6d68d94c-qqdtj) bad \ufffd byte\n",
    'timestamp="2023-07-04T16:32:22Z" name="env" instance="env-5b6d68d94c-qqdtj" text="bad \ufffd byte" \n',
    '{"name":"env","namespace":"openfaas-fn","instance":"env-5b6d68d94c-qqdtj","timestamp":"2023-07-04T16:32:22.223912519Z","text":"bad \ufffd byte"}\n',
  ],
  [
    'quote " back\\slash\ttab',
    '2023-07-04T16:32:22Z env (env-5b6d68d94c-qqdtj) quote " back\\slash\ttab\n',
    'timestamp="2023-07-04T16:32:22Z" name="env" instance="env-5b6d68d94c-qqdtj" text="quote " back\\slash\ttab" \n',
    '{"name":"env","namespace":"openfaas-fn","instance":"env-5b6d68d94c-qqdtj","timestamp":"2023-07-04T16:32:22.223912519Z","text":"quote \\" back\\\\slash\\ttab"}\n',
  ],
  [
    "ctl \u0000\u0001\b\f\u001b\u007f",
    "2023-07-04T16:32:22Z env (env-5b6d68d94c-qqdtj) ctl \u0000\u0001\b\f\u001b\u007f\n",
    'timestamp="2023-07-04T16:32:22Z" name="env" instance="env-5b6d68d94c-qqdtj" text="ctl \u0000\u0001\b\f\u001b\u007f" \n',
    '{"name":"env","namespace":"openfaas-fn","instance":"env-5b6d68d94c-qqdtj","timestamp":"2023-07-04T16:32:22.223912519Z","text":"ctl \\u0000\\u0001\\b\\f\\u001b\u007f"}\n',
  ],
  [
    "emoji \ud83d\ude00",
    "2023-07-04T16:32:22Z env (env-5b6d68d94c-qqdtj) emoji \ud83d\ude00\n",
    'timestamp="2023-07-04T16:32:22Z" name="env" instance="env-5b6d68d94c-qqdtj" text="emoji \ud83d\ude00" \n',
    '{"name":"env","namespace":"openfaas-fn","instance":"env-5b6d68d94c-qqdtj","timestamp":"2023-07-04T16:32:22.223912519Z","text":"emoji \ud83d\ude00"}\n',
  ],
  [
    "\r",
    "2023-07-04T16:32:22Z env (env-5b6d68d94c-qqdtj) \r\n",
    'timestamp="2023-07-04T16:32:22Z" name="env" instance="env-5b6d68d94c-qqdtj" text="\r" \n',
    '{"name":"env","namespace":"openfaas-fn","instance":"env-5b6d68d94c-qqdtj","timestamp":"2023-07-04T16:32:22.223912519Z","text":"\\r"}\n',
  ],
];
const ZONES: [LogMessage, string, string, string][] = [
  [
    { name: "", namespace: "", instance: "", timestamp: "2023-07-04T16:32:22Z", text: "" },
    "Tue Jul  4 16:32:22.000 UTC +00:00  () \n",
    'timestamp="Tue Jul  4 16:32:22.000 UTC +00:00" name="" instance="" text="" \n',
    '{"name":"","namespace":"","instance":"","timestamp":"2023-07-04T16:32:22Z","text":""}\n',
  ],
  [
    {
      name: "env",
      namespace: "openfaas-fn",
      instance: "env-5b6d68d94c-qqdtj",
      timestamp: "2023-07-04T17:32:22.500+01:00",
      text: "Listening on port: 8080",
    },
    "Tue Jul  4 17:32:22.500 +0100 +01:00 env (env-5b6d68d94c-qqdtj) Listening on port: 8080\n",
    'timestamp="Tue Jul  4 17:32:22.500 +0100 +01:00" name="env" instance="env-5b6d68d94c-qqdtj" text="Listening on port: 8080" \n',
    '{"name":"env","namespace":"openfaas-fn","instance":"env-5b6d68d94c-qqdtj","timestamp":"2023-07-04T17:32:22.5+01:00","text":"Listening on port: 8080"}\n',
  ],
  [
    {
      name: "env",
      namespace: "openfaas-fn",
      instance: "env-5b6d68d94c-qqdtj",
      timestamp: "2023-07-04T09:02:22.1-07:00",
      text: "Listening on port: 8080",
    },
    "Tue Jul  4 09:02:22.100 -0700 -07:00 env (env-5b6d68d94c-qqdtj) Listening on port: 8080\n",
    'timestamp="Tue Jul  4 09:02:22.100 -0700 -07:00" name="env" instance="env-5b6d68d94c-qqdtj" text="Listening on port: 8080" \n',
    '{"name":"env","namespace":"openfaas-fn","instance":"env-5b6d68d94c-qqdtj","timestamp":"2023-07-04T09:02:22.1-07:00","text":"Listening on port: 8080"}\n',
  ],
  [
    {
      name: "env",
      namespace: "openfaas-fn",
      instance: "env-5b6d68d94c-qqdtj",
      timestamp: "2023-07-04T16:32:22+00:00",
      text: "Listening on port: 8080",
    },
    "Tue Jul  4 16:32:22.000 UTC +00:00 env (env-5b6d68d94c-qqdtj) Listening on port: 8080\n",
    'timestamp="Tue Jul  4 16:32:22.000 UTC +00:00" name="env" instance="env-5b6d68d94c-qqdtj" text="Listening on port: 8080" \n',
    '{"name":"env","namespace":"openfaas-fn","instance":"env-5b6d68d94c-qqdtj","timestamp":"2023-07-04T16:32:22Z","text":"Listening on port: 8080"}\n',
  ],
  [
    {
      name: "env",
      namespace: "openfaas-fn",
      instance: "env-5b6d68d94c-qqdtj",
      timestamp: "2023-07-04T16:32:22.1234567891Z",
      text: "Listening on port: 8080",
    },
    "Tue Jul  4 16:32:22.123 UTC +00:00 env (env-5b6d68d94c-qqdtj) Listening on port: 8080\n",
    'timestamp="Tue Jul  4 16:32:22.123 UTC +00:00" name="env" instance="env-5b6d68d94c-qqdtj" text="Listening on port: 8080" \n',
    '{"name":"env","namespace":"openfaas-fn","instance":"env-5b6d68d94c-qqdtj","timestamp":"2023-07-04T16:32:22.123456789Z","text":"Listening on port: 8080"}\n',
  ],
  [
    {
      name: "a<b",
      namespace: "openfaas-fn",
      instance: "(x) & y",
      timestamp: "2023-07-04T22:02:22+05:30",
      text: "Listening on port: 8080",
    },
    "Tue Jul  4 22:02:22.000 +0530 +05:30 a<b ((x) & y) Listening on port: 8080\n",
    'timestamp="Tue Jul  4 22:02:22.000 +0530 +05:30" name="a<b" instance="(x) & y" text="Listening on port: 8080" \n',
    '{"name":"a\\u003cb","namespace":"openfaas-fn","instance":"(x) \\u0026 y","timestamp":"2023-07-04T22:02:22+05:30","text":"Listening on port: 8080"}\n',
  ],
];

Deno.test("renderMessage() renders every format and flag combination as faas-cli does", () => {
  for (const [options, want] of COMBINATIONS) {
    assertEquals(renderMessage(BASE, options), want, JSON.stringify(options));
  }
});

Deno.test("renderMessage() ignores the time, name and instance options in json", () => {
  const want = '{"name":"env","namespace":"openfaas-fn","instance":"env-5b6d68d94c-qqdtj",' +
    '"timestamp":"2023-07-04T16:32:22.223912519Z","text":"Listening on port: 8080"}\n';
  for (const [options] of COMBINATIONS) {
    assertEquals(renderMessage(BASE, { ...options, output: "json" }), want);
  }
});

Deno.test("renderMessage() handles newlines, escapes and special characters as faas-cli does", () => {
  const flags = {
    timeFormat: DEFAULT_RENDER_OPTIONS.timeFormat,
    showName: true,
    showInstance: true,
  };
  for (const [text, plain, keyvalue, json] of TEXTS) {
    const message = { ...BASE, text };
    assertEquals(
      renderMessage(message, { ...flags, output: "plain" }),
      plain,
      JSON.stringify(text),
    );
    assertEquals(renderMessage(message, { ...flags, output: "keyvalue" }), keyvalue, text);
    assertEquals(renderMessage(message, { ...flags, output: "json" }), json, text);
  }
});

Deno.test("renderMessage() keeps each timestamp's zone and empty fields as faas-cli does", () => {
  const flags = {
    timeFormat: "Mon Jan _2 15:04:05.000 MST -07:00",
    showName: true,
    showInstance: true,
  };
  for (const [message, plain, keyvalue, json] of ZONES) {
    assertEquals(renderMessage(message, { ...flags, output: "plain" }), plain, message.timestamp);
    assertEquals(renderMessage(message, { ...flags, output: "keyvalue" }), keyvalue);
    assertEquals(renderMessage(message, { ...flags, output: "json" }), json);
  }
});

Deno.test("renderMessage() trims only the newlines that end the line", () => {
  // faas-cli trims the whole plain line, but every part before TEXT ends in
  // a space, so only TEXT's own newlines go.
  const message = { ...BASE, name: "fn\n", instance: "i", text: "\n\n" };
  const none: RenderOptions = {
    output: "plain",
    timeFormat: "",
    showName: false,
    showInstance: false,
  };
  assertEquals(renderMessage(message, none), "\n");
  assertEquals(renderMessage(message, { ...none, showName: true }), "fn\n \n");
  assertEquals(renderMessage(message, { ...none, showInstance: true }), "(i) \n");
  assertEquals(renderMessage(message, { ...none, timeFormat: "15h\n" }), "16h\n \n");
  assertEquals(
    renderMessage({ ...message, text: "x \r\n\n" }, {
      ...none,
      output: "keyvalue",
      timeFormat: "15h\n",
      showName: true,
    }),
    'timestamp="16h\n" name="fn\n" text="x \r" \n',
  );
});

Deno.test("renderMessage() keeps a message whose timestamp does not parse", () => {
  const message = { ...BASE, timestamp: "yesterday", text: "kept\n" };
  assertEquals(renderMessage(message, DEFAULT_RENDER_OPTIONS), " kept\n");
  assertEquals(
    renderMessage(message, { ...DEFAULT_RENDER_OPTIONS, output: "keyvalue", showName: true }),
    'timestamp="" name="env" text="kept" \n',
  );
  assertEquals(
    renderMessage(message, { ...DEFAULT_RENDER_OPTIONS, output: "json" }),
    '{"name":"env","namespace":"openfaas-fn","instance":"env-5b6d68d94c-qqdtj",' +
      '"timestamp":"yesterday","text":"kept\\n"}\n',
  );
  assertEquals(
    renderMessage({ ...message, timestamp: "" }, { ...DEFAULT_RENDER_OPTIONS, showName: true }),
    " env kept\n",
  );
});

Deno.test("renderMessage() writes a lone surrogate in json as the U+FFFD faas-cli decoded", () => {
  const message = { ...BASE, name: "a\ud800", text: "x\udc00y" };
  assertEquals(
    renderMessage(message, { ...DEFAULT_RENDER_OPTIONS, output: "json" }),
    '{"name":"a\ufffd","namespace":"openfaas-fn","instance":"env-5b6d68d94c-qqdtj",' +
      '"timestamp":"2023-07-04T16:32:22.223912519Z","text":"x\ufffdy"}\n',
  );
});

Deno.test("DEFAULT_RENDER_OPTIONS are faas-cli's defaults", () => {
  assertEquals(DEFAULT_RENDER_OPTIONS, {
    output: "plain",
    timeFormat: "2006-01-02T15:04:05Z07:00",
    showName: false,
    showInstance: false,
  });
});

Deno.test("renderMessage() fast paths for canonical UTC timestamps equal the full formatting", () => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 5000; i++) {
    const seconds = Math.floor(random() * 4e9) - 1e9;
    const nanos = [0, Math.floor(random() * 1e9), Math.floor(random() * 1000) * 1e6][i % 3];
    const timestamp = formatTimestamp(seconds, nanos);
    const message = { name: "f", namespace: "ns", instance: "f-1", timestamp, text: "t" };
    const parsed = parseTimestamp(timestamp)!;
    assertEquals(
      renderMessage(message, DEFAULT_RENDER_OPTIONS),
      formatGoTime(parsed, "2006-01-02T15:04:05Z07:00") + " t\n",
      timestamp,
    );
    assertEquals(
      renderMessage(message, { ...DEFAULT_RENDER_OPTIONS, output: "json" }),
      encodeLogMessage({ ...message, timestamp: formatTimestamp(parsed.seconds, parsed.nanos) }) +
        "\n",
    );
  }
});

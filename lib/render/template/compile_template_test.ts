import { assert, assertEquals, assertInstanceOf, assertThrows } from "@std/assert";
import { compileTemplate } from "./compile_template.ts";
import { TemplateSyntaxError } from "./template_syntax_error.ts";
import { Fuzz } from "../../../tests/helpers/fuzz.ts";
import type { LogMessage } from "../../types.ts";

const message = (text: string, extra: Partial<LogMessage> = {}): LogMessage => ({
  name: "api",
  namespace: "openfaas-fn",
  instance: "api-7d9f-x2",
  timestamp: "2024-03-05T06:07:08.123456789Z",
  text,
  ...extra,
});

const pino = message(
  '{"level":50,"time":1709618828123,"msg":"db down","err":{"code":"ECONNREFUSED"}}',
);
const zap = message(
  '{"level":"warn","ts":1709618828.5,"caller":"main.go:12","msg":"slow query","ms":812,"tags":["db","sql"]}',
);
const logfmt = message('time=2024-03-05T06:07:08Z level=info msg="user login" user=ann');
const plain = message("ERROR: disk full");

Deno.test("compileTemplate() renders stern-style templates (golden)", () => {
  const cases: [string, LogMessage, string][] = [
    ["{{.Text}}", plain, "ERROR: disk full\n"],
    [
      '{{.Message}} ({{.Namespace}}/{{.PodName}}/{{.ContainerName}}){{"\\n"}}',
      plain,
      "ERROR: disk full (openfaas-fn/api-7d9f-x2/api)\n",
    ],
    [
      "{{.Timestamp}} {{.Name}} {{.Instance}}",
      plain,
      "2024-03-05T06:07:08.123456789Z api api-7d9f-x2\n",
    ],
    ["[{{.Level}}] {{.Text}}", plain, "[error] ERROR: disk full\n"],
    ["[{{.Level}}] {{.msg}}", pino, "[error] db down\n"],
    [
      '{{.err.code}} {{.Fields.err.code}} {{index .Fields "msg"}}',
      pino,
      "ECONNREFUSED ECONNREFUSED db down\n",
    ],
    [
      "{{with $d := .Message | parseJSON}}[{{$d.level}}] {{$d.msg}}{{end}}",
      zap,
      "[warn] slow query\n",
    ],
    [
      '{{with $msg := .Message | tryParseJSON}}{{toTimestamp $msg.ts "01-02 15:04:05" "Asia/Tokyo"}} {{$msg.msg}}{{else}}raw: {{.Message}}{{end}}',
      zap,
      "03-05 15:07:08 slow query\n",
    ],
    [
      "{{with $msg := .Message | tryParseJSON}}{{$msg.msg}}{{else}}raw: {{.Message}}{{end}}",
      plain,
      "raw: ERROR: disk full\n",
    ],
    ['{{toTimestamp .time "2006-01-02T15:04:05.000Z07:00"}}', pino, "2024-03-05T06:07:08.123Z\n"],
    [
      '{{toTimestamp .Timestamp "15:04:05" "UTC"}} {{toRFC3339Nano .ts}}',
      zap,
      "06:07:08 2024-03-05T06:07:08.5Z\n",
    ],
    ["{{.user}} {{.level}} {{.Format}}", logfmt, "ann info logfmt\n"],
    ["{{range .tags}}<{{.}}>{{end}}", zap, "<db><sql>\n"],
    ["{{range $i, $t := .tags}}{{if $i}},{{end}}{{$i}}={{$t}}{{end}}", zap, "0=db,1=sql\n"],
    ["{{range $k, $v := .err}}{{$k}}:{{$v}}{{end}}", pino, "code:ECONNREFUSED\n"],
    ["{{range .missing}}x{{else}}none{{end}}", zap, "none\n"],
    ["{{range 3}}{{.}}{{end}}", zap, "012\n"],
    ['{{range .tags}}{{if eq . "sql"}}{{break}}{{end}}{{.}}{{end}}', zap, "db\n"],
    ['{{range .tags}}{{if eq . "db"}}{{continue}}{{end}}{{.}}{{end}}', zap, "sql\n"],
    ["{{if gt .ms 500.0}}SLOW{{else if gt .ms 100}}ok{{else}}fast{{end}}", zap, "SLOW\n"],
    [
      '{{if and .ms (lt .ms 1000)}}{{printf "%5.1fs" (print .ms)}}{{end}}',
      zap,
      "%!f(string=812)s\n",
    ],
    [
      '{{printf "%-6s|%4d|%.2f|%q|%v" .level .ms .ts .msg .tags}}',
      zap,
      'warn  | 812|1709618828.50|"slow query"|["db","sql"]\n',
    ],
    [
      "{{json .tags}} {{json .msg}} {{len .tags}} {{len .msg}}",
      zap,
      '["db","sql"] "slow query" 2 10\n',
    ],
    ['{{$x := .level}}{{$x = printf "%s!" $x}}{{$x}}', zap, "warn!\n"],
    ["{{- .level -}}  \n  {{- .msg }}", zap, "warnslow query\n"],
    ["{{/* a comment */}}{{.msg}}", zap, "slow query\n"],
    ["{{or .nothing .msg}} {{and .msg .ms}} {{not .nothing}}", zap, "slow query 812 true\n"],
    ['{{eq .level "warn" "error"}} {{ne .ms 812}} {{le 1 2}}', zap, "true false true\n"],
    ['{{print 1 2 "a" 3}} {{println .level}}', zap, "1 2a3 warn\n"],
    ["{{.missing}}|{{.err.nothing.deeper}}|{{.Text.nope}}", pino, "||\n"],
    ["{{(parseJSON .Text).err.code}}", pino, "ECONNREFUSED\n"],
    ['{{levelColor .level}} {{color "red" .msg}} {{colorGreen "ok"}}', zap, "warn slow query ok\n"],
    ['{{if eq .Level "error"}}{{.Text}}{{end}}', zap, ""],
    [
      "{{.}}",
      plain,
      '{"name":"api","namespace":"openfaas-fn","instance":"api-7d9f-x2","timestamp":"2024-03-05T06:07:08.123456789Z","text":"ERROR: disk full","level":"error","fields":null}\n',
    ],
    ["{{'a'}} {{0x1F}} {{1e3}} {{-2}} {{`raw\\n`}}", plain, "97 31 1000 -2 raw\\n\n"],
    ["line\n", plain, "line\n"],
  ];
  for (const [source, input, expected] of cases) {
    assertEquals(compileTemplate(source).render(input), expected, source);
  }
});

Deno.test("compileTemplate() colours only when asked", () => {
  const template = compileTemplate(
    '{{levelColor .level}} {{color "red" .msg}} {{color .Color .PodName}} {{colorBlue "b"}}',
  );
  assertEquals(
    template.render(zap, { color: true, instanceColor: () => "36" }),
    "\x1b[33mwarn\x1b[39m \x1b[31mslow query\x1b[0m \x1b[36mapi-7d9f-x2\x1b[0m \x1b[34mb\x1b[0m\n",
  );
  assertEquals(
    compileTemplate("{{bunyanLevelColor .level}}").render(pino, { color: true }),
    "\x1b[31m50\x1b[39m\n",
  );
});

Deno.test("compileTemplate() points at the column of a mistake", () => {
  const cases: [string, string][] = [
    ["{{.Text", "line 1, column 1: unclosed action"],
    ["ab {{if}}", "line 1, column 6: missing value for if"],
    ["{{.Text}} {{end}}", "line 1, column 13: unexpected {{end}}"],
    ["{{if .A}}x", "line 1, column 11: unexpected end of template: {{if}} has no {{end}}"],
    ["{{nope .Text}}", 'line 1, column 3: function "nope" not defined'],
    ["{{.Text | upper}}", 'line 1, column 11: function "upper" not defined'],
    ["x\n  {{$y}}", 'line 2, column 5: undefined variable "$y"'],
    ["{{printf}}", "line 1, column 3: wrong number of args for printf: want at least 1 got 0"],
    ["{{not 1 2}}", "line 1, column 3: wrong number of args for not: want 1 got 2"],
    ["{{.Text .Name}}", "line 1, column 3: can't give argument to non-function .Text"],
    ["{{.Name | .Text}}", "line 1, column 11: can't give argument to non-function .Text"],
    ['{{"abc}}', "line 1, column 3: unterminated quoted string"],
    ['{{"\\q"}}', "line 1, column 4: unknown escape sequence \\q"],
    ["{{break}}", "line 1, column 3: {{break}} outside {{range}}"],
    ['{{define "x"}}{{end}}', "line 1, column 3: {{define}} is not supported"],
    ["{{.A | }}", 'line 1, column 6: missing command after "|" in command'],
    ["{{(.A}}", "line 1, column 6: unclosed left paren"],
    ["{{.A)}}", "line 1, column 5: unexpected right paren"],
    ["{{/* open", "line 1, column 1: unclosed comment"],
    ["{{#}}", 'line 1, column 3: unexpected "#" in command'],
    ["{{nil}}", "line 1, column 3: nil is not a command"],
    ["{{$a, $b := .A}}", "line 1, column 5: too many declarations in command"],
    ["{{3x}}", 'line 1, column 3: bad number syntax: "3x"'],
    ["{{else}}", "line 1, column 3: unexpected {{else}}"],
    ["{{}}", "line 1, column 3: missing value for command"],
  ];
  for (const [source, message] of cases) {
    const error = assertThrows(() => compileTemplate(source), TemplateSyntaxError);
    assertEquals(error.message, message, source);
  }
});

Deno.test("compileTemplate() prints a line it fails on as its text, and says why", () => {
  const errors: string[] = [];
  const template = compileTemplate("{{parseJSON .Text}}|{{len .nothing}}");
  const options = { onError: (error: Error) => errors.push(error.message) };
  assertEquals(template.render(plain, options), "ERROR: disk full\n");
  assertEquals(template.render(message("{}\n\n"), options), "{}\n");
  assertEquals(errors.length, 2);
  assert(errors[0].startsWith("parseJSON: "));
  assertEquals(errors[1], "len of nil");
  // The next line renders from a clean state.
  const variables = compileTemplate("{{if .x}}{{$v := .x}}{{$v}}{{end}}-");
  assertEquals(variables.render(message('{"x":"a"}')), "a-\n");
  assertEquals(variables.render(message("{}")), "-\n");
});

const PIECES = [
  "{{",
  "}}",
  "{{-",
  " -}}",
  ".Text",
  ".Level",
  ".msg",
  ".a.b",
  "$",
  "$x",
  "$x :=",
  "$x =",
  " ",
  "|",
  "(",
  ")",
  '"s"',
  "`r`",
  "'c'",
  "12",
  "-3",
  "1.5e3",
  "0x1f",
  "if",
  "else",
  "end",
  "with",
  "range",
  "break",
  "continue",
  "and",
  "or",
  "not",
  "len",
  "index",
  "eq",
  "lt",
  "printf",
  '"%d %s"',
  "json",
  "parseJSON",
  "tryParseJSON",
  "toTimestamp",
  '"15:04"',
  "color",
  "levelColor",
  "nil",
  "true",
  ",",
  "/*",
  "*/",
  "text ",
  "\n",
  "{{.}}",
  "{{range .tags}}",
  "{{end}}",
  "{{if .ms}}",
  "\\",
  "{{else}}",
  "{{with .err}}",
  ":=",
  "=",
  "#",
  "\u00e9",
];

Deno.test("compileTemplate() fuzz: errors name a column, rendering never throws (seeded)", () => {
  const fuzz = new Fuzz(20240305);
  const inputs = [pino, zap, logfmt, plain, message("")];
  let compiled = 0, failed = 0;
  for (let i = 0; i < 20_000; i++) {
    const length = fuzz.between(1, 12);
    let source = "";
    for (let j = 0; j < length; j++) source += fuzz.pick(PIECES);
    let template;
    try {
      template = compileTemplate(source);
    } catch (caught) {
      assertInstanceOf(caught, TemplateSyntaxError, JSON.stringify(source));
      const error = caught as TemplateSyntaxError;
      const lines = source.split("\n");
      assert(error.line >= 1 && error.line <= lines.length, JSON.stringify(source));
      assert(
        error.column >= 1 && error.column <= lines[error.line - 1].length + 1,
        `${JSON.stringify(source)}: ${error.message}`,
      );
      assert(/^line \d+, column \d+: ./.test(error.message));
      failed++;
      continue;
    }
    compiled++;
    for (const input of inputs) {
      for (const color of [false, true]) {
        const out = template.render(input, { color });
        assertEquals(typeof out, "string");
        assert(out === "" || out.endsWith("\n"), JSON.stringify(source));
      }
    }
  }
  // Both outcomes were exercised.
  assert(compiled > 1_000 && failed > 1_000, `${compiled} compiled, ${failed} failed`);
});

import { assertEquals, assertRejects, assertThrows } from "@std/assert";
import { InvalidInputError } from "../../errors.ts";
import { loadStackFile, parseStackFile } from "./stack_file.ts";

Deno.test("parseStackFile() reads the OpenFaaS shape and the fnlogs block", () => {
  const stack = parseStackFile(
    `
version: "1.0"
provider:
  name: openfaas
  gateway: http://127.0.0.1:8080
functions:
  hello:
    lang: deno
    handler: ./functions
    image: hello:latest
    namespace: dev
    labels: { com.openfaas.scale.min: "3", team: a }
    annotations: { topic: news }
    environment: { GREETING: hi, COUNT: 3, DEBUG: true }
    secrets: [api-key]
    build_args: { X: y }
    fnlogs:
      command: ["deno", "run", "functions/hello.ts", "two words"]
      replicas: 2
      cwd: ../other
      restart: on-failure
      unknown_key: ignored
`,
    "/srv/app/",
  );
  assertEquals(stack.version, "1.0");
  assertEquals(stack.provider, { name: "openfaas", gateway: "http://127.0.0.1:8080" });
  assertEquals(stack.namespace, "dev");
  assertEquals(stack.baseDir, "/srv/app");
  assertEquals(stack.functions, [{
    name: "hello",
    namespace: "dev",
    lang: "deno",
    handler: "./functions",
    image: "hello:latest",
    labels: { "com.openfaas.scale.min": "3", team: "a" },
    annotations: { topic: "news" },
    environment: { GREETING: "hi", COUNT: "3", DEBUG: "true" },
    command: ["deno", "run", "functions/hello.ts", "two words"],
    commandText: "deno run functions/hello.ts 'two words'",
    replicas: 2,
    cwd: "/srv/other",
    restart: "on-failure",
  }]);
});

Deno.test("parseStackFile() applies defaults", () => {
  const stack = parseStackFile(
    `
functions:
  a:
  b:
    labels: { com.openfaas.scale.min: "0" }
    fnlogs: { command: "echo hi; echo there" }
  c:
    fnlogs: { command: [sleep, "1"], cwd: /abs/dir }
`,
    "/base",
  );
  assertEquals(stack.version, undefined);
  assertEquals(stack.provider, { name: undefined, gateway: undefined });
  assertEquals(stack.namespace, "openfaas-fn");
  const [a, b, c] = stack.functions;
  assertEquals(a, {
    name: "a",
    namespace: "openfaas-fn",
    lang: undefined,
    handler: undefined,
    image: undefined,
    labels: {},
    annotations: {},
    environment: {},
    command: undefined,
    commandText: undefined,
    replicas: 1,
    cwd: "/base",
    restart: "always",
  });
  assertEquals([b.command, b.commandText, b.replicas], [
    ["sh", "-c", "echo hi; echo there"],
    "echo hi; echo there",
    0,
  ]);
  assertEquals([c.command, c.cwd, c.replicas], [["sleep", "1"], "/abs/dir", 1]);
});

Deno.test("parseStackFile() takes the namespace from fnlogs.namespace or the functions", () => {
  const top = parseStackFile(
    "fnlogs: { namespace: team }\nfunctions: { a: {}, b: { namespace: other } }",
    "/",
  );
  assertEquals(top.namespace, "team");
  assertEquals(top.functions.map((f) => f.namespace), ["team", "other"]);
  const shared = parseStackFile("functions: { a: { namespace: x }, b: {} }", "/");
  assertEquals(shared.functions.map((f) => f.namespace), ["x", "x"]);
  const mixed = parseStackFile("functions: { a: { namespace: x }, b: { namespace: y } }", "/");
  assertEquals(mixed.namespace, "openfaas-fn");
  assertEquals(parseStackFile("version: 1.0\nfunctions: {}", "/").version, "1.0");
});

Deno.test("parseStackFile() names the function and field of each error", () => {
  const cases: [string, string][] = [
    ["functions: [", "not valid YAML"],
    ["- a\n- b", "the document must be a mapping"],
    ["version: 1.0", "functions must be a mapping"],
    ["functions: { Hello: {} }", `function "Hello": name must be lowercase`],
    ["functions: { a: [1] }", `function "a": its definition must be a mapping`],
    ["functions: { a: { labels: [x] } }", `function "a": labels must be a mapping`],
    ["functions: { a: { environment: { X: [1] } } }", `function "a": environment.X must be`],
    ["functions: { a: { fnlogs: 3 } }", `function "a": fnlogs must be a mapping`],
    ["functions: { a: { fnlogs: { command: [] } } }", `function "a": fnlogs.command must be`],
    ["functions: { a: { fnlogs: { command: '  ' } } }", `function "a": fnlogs.command must not`],
    ["functions: { a: { fnlogs: { command: [1, {}] } } }", `function "a": fnlogs.command[1]`],
    ["functions: { a: { fnlogs: { command: [''] } } }", `function "a": fnlogs.command[0]`],
    ["functions: { a: { fnlogs: { replicas: -1 } } }", `function "a": fnlogs.replicas must`],
    ["functions: { a: { fnlogs: { replicas: 1.5 } } }", `function "a": fnlogs.replicas must`],
    [
      "functions: { a: { labels: { com.openfaas.scale.min: many } } }",
      `function "a": labels.com.openfaas.scale.min must be a whole number`,
    ],
    [
      "functions: { a: { fnlogs: { replicas: 1000000000 } } }",
      `fnlogs.replicas must be at most 1000`,
    ],
    [
      'functions: { a: { labels: { com.openfaas.scale.min: "99999999999999999999" } } }',
      `function "a": labels.com.openfaas.scale.min must be at most 1000`,
    ],
    ['functions: { a: { environment: { "A=B": x } } }', `environment.A=B is not a variable name`],
    ['functions: { a: { environment: { A: "x\\0y" } } }', `environment.A must not hold a NUL`],
    ["functions: { a: { fnlogs: { restart: sometimes } } }", `fnlogs.restart must be one of`],
    ["functions: { a: { fnlogs: { cwd: [x] } } }", `function "a": fnlogs.cwd must be a string`],
    ["functions: { a: { namespace: Bad_NS } }", `function "a": namespace "Bad_NS" must be`],
    [
      "fnlogs: { namespace: 'a b' }\nfunctions: {}",
      `fnlogs.namespace "a b" is not a valid namespace`,
    ],
  ];
  for (const [text, message] of cases) {
    assertThrows(() => parseStackFile(text, "/"), InvalidInputError, message, text);
  }
});

Deno.test("loadStackFile() resolves paths against the file's directory", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/stack.yml`, "functions: { a: { fnlogs: { cwd: sub } } }");
    const stack = await loadStackFile(`${dir}/stack.yml`);
    assertEquals(stack.baseDir, dir);
    assertEquals(stack.functions[0].cwd, `${dir}/sub`);
    await assertRejects(() => loadStackFile(`${dir}/missing.yml`), InvalidInputError, "missing");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadStackFile() reads the example stack", async () => {
  const stack = await loadStackFile(
    new URL("../../../examples/stack.yml", import.meta.url).pathname,
  );
  assertEquals(stack.functions[0].name, "hello");
  assertEquals(stack.functions[0].command?.[0], "deno");
  assertEquals(stack.functions.map((f) => [f.name, f.replicas]), [
    ["hello", 1],
    ["ticker", 2],
    ["flaky", 1],
  ]);
});

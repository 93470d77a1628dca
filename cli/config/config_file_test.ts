import { assertEquals, assertRejects } from "@std/assert";
import { InvalidInputError, UsageError } from "../../lib/errors.ts";
import { ConfigFile } from "./config_file.ts";

const lower = (url: string) => url.toLowerCase().replace(/\/+$/, "");

async function withConfig(
  text: string,
  test: (file: ConfigFile, dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/config.yaml`, text);
    await test(new ConfigFile(`${dir}/config.yaml`), dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("ConfigFile.locate() follows FNLOGS_CONFIG, then XDG_CONFIG_HOME, then HOME", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  assertEquals(ConfigFile.locate(env({ FNLOGS_CONFIG: "/c.yaml", HOME: "/h" })).path, "/c.yaml");
  assertEquals(
    ConfigFile.locate(env({ XDG_CONFIG_HOME: "/x", HOME: "/h" })).path,
    "/x/fnlogs/config.yaml",
  );
  assertEquals(ConfigFile.locate(env({ HOME: "/h" })).path, "/h/.config/fnlogs/config.yaml");
  assertEquals(ConfigFile.locate(env({})).path, undefined);
});

Deno.test("ConfigFile.context() reads gateways with their labels, tokens, passwords and certificates", async () => {
  const config = `
contexts:
  prod:
    namespace: openfaas-fn
    gateways:
      - url: https://EU.example.com/
        label: eu
        token-file: eu.token
      - url: https://us.example.com
        username: admin
        password-file: /PW
        cacert: ca.pem
      - url: gw3:8080
        token: inline
  local:
    gateway: http://127.0.0.1:8080
`;
  await withConfig(config, async (file, dir) => {
    await Deno.writeTextFile(`${dir}/eu.token`, "secret\n");
    await Deno.writeTextFile(`${dir}/ca.pem`, "-----BEGIN CERTIFICATE-----\n");
    const pw = `${dir}/pw`;
    await Deno.writeTextFile(pw, "hunter2\n");
    await Deno.writeTextFile(
      `${dir}/config.yaml`,
      config.replace("/PW", pw),
    );
    assertEquals(await file.contextNames(), ["local", "prod"]);
    assertEquals(await file.context("prod", lower), {
      namespace: "openfaas-fn",
      gateways: [
        { url: "https://eu.example.com", label: "eu", auth: { kind: "bearer", token: "secret" } },
        {
          url: "https://us.example.com",
          auth: { kind: "basic", username: "admin", password: "hunter2" },
          caCerts: ["-----BEGIN CERTIFICATE-----\n"],
        },
        { url: "gw3:8080", auth: { kind: "bearer", token: "inline" } },
      ],
    });
    assertEquals(await file.context("local", lower), {
      gateways: [{ url: "http://127.0.0.1:8080" }],
    });
  });
});

Deno.test("ConfigFile.context() says what is missing or wrong, and where", async () => {
  await withConfig("contexts:\n  a:\n    gateway: http://a\n", async (file, dir) => {
    await assertRejects(
      () => file.context("b", lower),
      UsageError,
      `--context b: ${dir}/config.yaml has no such context (contexts: a)`,
    );
    // A name that an object's method happens to have is still only a name.
    for (const name of ["toString", "constructor", "__proto__"]) {
      await assertRejects(
        () => file.context(name, lower),
        UsageError,
        `--context ${name}: ${dir}/config.yaml has no such context (contexts: a)`,
      );
    }
    await assertRejects(
      () => new ConfigFile(`${dir}/none.yaml`).context("a", lower),
      UsageError,
      `--context a: there is no config file ${dir}/none.yaml`,
    );
    assertEquals(await new ConfigFile(`${dir}/none.yaml`).contextNames(), []);
  });
  const cases: [string, string][] = [
    ["contexts: [1]", "contexts is not a map of named contexts"],
    ["contexts:\n  a: {}", "contexts.a names no gateway"],
    ["contexts:\n  a:\n    gateways:\n      - label: x", "contexts.a.gateways[0].url is missing"],
    [
      "contexts:\n  a:\n    gateways:\n      - url: http://a\n        token-file: nope",
      "contexts.a.gateways[0].token-file names a file that cannot be read",
    ],
    [
      "contexts:\n  a:\n    gateways:\n      - url: http://a\n        token: t\n        username: u",
      "contexts.a.gateways[0] has both a token and a username",
    ],
    ["contexts: {a: [", "the file is not YAML"],
  ];
  for (const [text, message] of cases) {
    await withConfig(text, async (file) => {
      await assertRejects(() => file.context("a", lower), InvalidInputError, message);
    });
  }
});

import { assertEquals } from "@std/assert";
import { readFaasCliAuth } from "./read_faas_cli_auth.ts";

const CONFIG = `auths:
- gateway: http://127.0.0.1:8080
  auth: basic
  token: YWRtaW46cDpzcw==
- gateway: https://gw.example.com
  auth: oauth2
  token: eyJhbGciOi.x.y
`;

function files(map: Record<string, string>): (path: string) => Promise<string> {
  return (path) =>
    path in map ? Promise.resolve(map[path]) : Promise.reject(new Deno.errors.NotFound(path));
}

Deno.test("readFaasCliAuth() finds basic and bearer entries in ~/.openfaas/config.yml", async () => {
  const options = {
    env: (name: string) => name === "HOME" ? "/home/me" : undefined,
    readTextFile: files({ "/home/me/.openfaas/config.yml": CONFIG }),
  };
  assertEquals(await readFaasCliAuth("http://127.0.0.1:8080", options), {
    kind: "basic",
    username: "admin",
    password: "p:ss",
  });
  assertEquals(await readFaasCliAuth("https://gw.example.com", options), {
    kind: "bearer",
    token: "eyJhbGciOi.x.y",
  });
  assertEquals(await readFaasCliAuth("http://other:8080", options), undefined);
});

Deno.test("readFaasCliAuth() honours OPENFAAS_CONFIG and CI as faas-cli does", async () => {
  const readTextFile = files({ "/etc/of/config.yml": CONFIG, ".openfaas/config.yml": CONFIG });
  const withOverride = (name: string) =>
    ({ OPENFAAS_CONFIG: "/etc/of/", CI: "true", HOME: "/nope" } as Record<string, string>)[name];
  assertEquals(
    (await readFaasCliAuth("https://gw.example.com", { env: withOverride, readTextFile }))?.kind,
    "bearer",
  );
  const ci = (name: string) => ({ CI: "1", HOME: "/nope" } as Record<string, string>)[name];
  assertEquals(
    (await readFaasCliAuth("https://gw.example.com", { env: ci, readTextFile }))?.kind,
    "bearer",
  );
});

Deno.test("readFaasCliAuth() gives undefined for a missing or broken file", async () => {
  const env = (name: string) => name === "HOME" ? "/home/me" : undefined;
  assertEquals(
    await readFaasCliAuth("http://127.0.0.1:8080", { env, readTextFile: files({}) }),
    undefined,
  );
  for (
    const text of [
      "auths: {",
      "just text",
      "auths:\n- gateway: http://127.0.0.1:8080\n  auth: basic\n  token: '!!'\n",
    ]
  ) {
    const readTextFile = files({ "/home/me/.openfaas/config.yml": text });
    assertEquals(await readFaasCliAuth("http://127.0.0.1:8080", { env, readTextFile }), undefined);
  }
});

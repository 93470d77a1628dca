import { assertEquals } from "@std/assert";
import { createAuthorizer } from "./authorizer.ts";

const request = (authorization?: string) =>
  new Request("http://fnlogs.test/system/logs?name=fn", {
    headers: authorization === undefined ? {} : { authorization },
  });
const basic = (user: string, password: string) =>
  "Basic " + btoa(String.fromCharCode(...new TextEncoder().encode(`${user}:${password}`)));

async function outcome(response: Response | undefined): Promise<string> {
  if (response === undefined) return "allowed";
  return `${response.status} ${response.headers.get("www-authenticate")} ${await response.text()}`;
}

Deno.test("createAuthorizer() without credentials lets everyone in, faas-cli's empty bearer too", async () => {
  const authorize = createAuthorizer(undefined);
  for (const header of [undefined, "Bearer", "Bearer ", "Basic Zm9vOmJhcg==", "nonsense"]) {
    assertEquals(await outcome(await authorize(request(header))), "allowed", String(header));
  }
  assertEquals(await authorize(request()), undefined);
  assertEquals(await outcome(await createAuthorizer({ tokens: [""] })(request())), "allowed");
});

Deno.test("createAuthorizer() checks basic auth the OpenFaaS way", async () => {
  const authorize = createAuthorizer({ basic: { user: "admin", password: "p:ss wörd" } });
  assertEquals(await outcome(await authorize(request(basic("admin", "p:ss wörd")))), "allowed");
  const denied = '401 Basic realm="Restricted" invalid credentials\n';
  assertEquals(await outcome(await authorize(request(basic("admin", "wrong")))), denied);
  assertEquals(
    await outcome(await authorize(request(basic("root", "p:ss wörd".replace("ö", "o"))))),
    denied,
  );
  assertEquals(await outcome(await authorize(request("Basic !!!not-base64"))), denied);
  assertEquals(await outcome(await authorize(request("Bearer something"))), denied);
  const required = '401 Basic realm="Restricted" credentials required\n';
  assertEquals(await outcome(await authorize(request())), required);
  assertEquals(await outcome(await authorize(request("Bearer"))), required);
  assertEquals(await outcome(await authorize(request("Bearer "))), required);
});

Deno.test("createAuthorizer() accepts any of the configured bearer tokens and nothing else", async () => {
  const authorize = createAuthorizer({ tokens: ["one", "two"] });
  assertEquals(await outcome(await authorize(request("Bearer one"))), "allowed");
  assertEquals(await outcome(await authorize(request("bearer two"))), "allowed");
  assertEquals(
    await outcome(await authorize(request("Bearer three"))),
    '401 Basic realm="Restricted" invalid credentials\n',
  );
  assertEquals(
    await outcome(await authorize(request(basic("one", "")))),
    '401 Basic realm="Restricted" invalid credentials\n',
  );
});

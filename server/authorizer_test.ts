import { assertEquals } from "@std/assert";
import { createAuthorizer } from "./authorizer.ts";
import { createSessionCookies, SESSION_COOKIE, SESSION_SECONDS } from "./ui/session_cookie.ts";

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
  // Tokens only: the challenge names Bearer, so a browser shows no password prompt.
  assertEquals(
    await outcome(await authorize(request("Bearer three"))),
    '401 Bearer realm="Restricted" invalid credentials\n',
  );
  assertEquals(
    await outcome(await authorize(request(basic("one", "")))),
    '401 Bearer realm="Restricted" invalid credentials\n',
  );
  // With basic auth configured as well, the challenge stays OpenFaaS' Basic one.
  const both = createAuthorizer({ basic: { user: "u", password: "p" }, tokens: ["one"] });
  assertEquals(await outcome(await both(request("Bearer one"))), "allowed");
  assertEquals(
    await outcome(await both(request("Bearer three"))),
    '401 Basic realm="Restricted" invalid credentials\n',
  );
});

Deno.test("createAuthorizer() takes a valid session cookie in place of a token, and nothing forged", async () => {
  const tokens = ["one", "two"];
  const authorize = createAuthorizer({ tokens });
  const cookies = createSessionCookies(tokens);
  const withCookie = (value: string, authorization?: string) =>
    new Request("http://fnlogs.test/system/logs?name=fn", {
      headers: { cookie: `theme=dark; ${value}`, ...(authorization ? { authorization } : {}) },
    });
  const issued = (await cookies.issue(false)).split(";")[0];
  assertEquals(await outcome(await authorize(withCookie(issued))), "allowed");
  // faas-cli's empty bearer does not hide the cookie; a wrong token is still wrong.
  assertEquals(await outcome(await authorize(withCookie(issued, "Bearer"))), "allowed");
  assertEquals(
    await outcome(await authorize(withCookie(issued, "Bearer three"))),
    '401 Bearer realm="Restricted" invalid credentials\n',
  );
  const [expires, signature] = issued.slice(`${SESSION_COOKIE}=`.length).split(".");
  const forged = [
    `${SESSION_COOKIE}=${Number(expires) + 3600}.${signature}`,
    `${SESSION_COOKIE}=${expires}.${"A".repeat(43)}`,
    `${SESSION_COOKIE}=${expires}`,
    `${SESSION_COOKIE}=`,
    (await createSessionCookies(["other"]).issue(false)).split(";")[0],
  ];
  for (const cookie of forged) {
    assertEquals(
      await outcome(await authorize(withCookie(cookie))),
      '401 Bearer realm="Restricted" credentials required\n',
      cookie,
    );
  }
  // An expired cookie is refused.
  const old = (await cookies.issue(false, Date.now() - (SESSION_SECONDS + 5) * 1000)).split(";")[0];
  assertEquals((await authorize(withCookie(old)))?.status, 401);
  // Basic auth alone accepts no cookie.
  const basicOnly = createAuthorizer({ basic: { user: "u", password: "p" } });
  assertEquals((await basicOnly(withCookie(issued)))?.status, 401);
});

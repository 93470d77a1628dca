import { assert, assertEquals, assertMatch } from "@std/assert";
import { MemoryProvider, record } from "../../tests/helpers/memory_provider.ts";
import { createHandler, type HandlerOptions } from "../handler.ts";
import { APP_BUNDLE } from "./build_app.ts";

const url = (path: string) => `http://fnlogs.test${path}`;
const ROOT = new URL("../../", import.meta.url);

function handlerWith(options: Partial<HandlerOptions> = {}) {
  const provider = new MemoryProvider(["fn"]);
  return { provider, handler: createHandler({ provider, ...options }) };
}

Deno.test("ui route: / and /ui redirect to ui/ (relative, query kept)", async () => {
  const { handler } = handlerWith();
  for (const [path, location] of [["/", "ui/"], ["/?fn=a&q=b", "ui/?fn=a&q=b"], ["/ui", "ui/"]]) {
    const response = await handler(new Request(url(path)));
    assertEquals([response.status, response.headers.get("location")], [302, location], path);
  }
});

Deno.test("ui route: the page, its script and style, with a strict CSP and no inline script", async () => {
  const { handler } = handlerWith();
  const page = await handler(new Request(url("/ui/")));
  assertEquals(page.status, 200);
  assertEquals(page.headers.get("content-type"), "text/html; charset=utf-8");
  assertEquals(page.headers.get("x-content-type-options"), "nosniff");
  assertEquals(page.headers.get("x-frame-options"), "DENY");
  const csp = page.headers.get("content-security-policy")!;
  for (
    const directive of [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "require-trusted-types-for 'script'",
    ]
  ) {
    assert(csp.split("; ").includes(directive), `${directive} in ${csp}`);
  }
  assert(!csp.includes("unsafe"), csp);
  const html = await page.text();
  assertEquals(html, await Deno.readTextFile(new URL("server/ui/assets/index.html", ROOT)));
  // Nothing inline that a CSP without 'unsafe-inline' would have to allow.
  assertEquals(html.match(/<script\b[^>]*>/g), ['<script type="module" src="app.js">']);
  assertEquals(html.match(/\s(style|on[a-z]+)=/gi), null);

  const script = await handler(new Request(url("/ui/app.js")));
  assertEquals(script.headers.get("content-type"), "text/javascript; charset=utf-8");
  assertEquals(await script.text(), await Deno.readTextFile(APP_BUNDLE));
  assertEquals(script.headers.get("content-security-policy"), csp);
  const style = await handler(new Request(url("/ui/app.css")));
  assertEquals(style.headers.get("content-type"), "text/css; charset=utf-8");
  await style.body?.cancel();
});

Deno.test("ui route: ETag and 304, HEAD without a body, 404 and 405", async () => {
  const { handler } = handlerWith();
  const first = await handler(new Request(url("/ui/app.css")));
  const etag = first.headers.get("etag")!;
  assertMatch(etag, /^"[0-9a-f]{24}"$/);
  await first.body?.cancel();
  const again = await handler(
    new Request(url("/ui/app.css"), { headers: { "if-none-match": etag } }),
  );
  assertEquals([again.status, again.body], [304, null]);
  const head = await handler(new Request(url("/ui/"), { method: "HEAD" }));
  assertEquals([head.status, head.body, head.headers.get("content-length") !== null], [
    200,
    null,
    true,
  ]);
  const missing = await handler(new Request(url("/ui/secrets.txt")));
  assertEquals([missing.status, await missing.text()], [404, "no route for /ui/secrets.txt\n"]);
  const post = await handler(new Request(url("/ui/app.js"), { method: "POST" }));
  assertEquals([post.status, post.headers.get("allow")], [405, "GET, HEAD"]);
  await post.body?.cancel();
});

Deno.test("ui route: --no-ui (ui: false) serves neither the page nor the redirect", async () => {
  const { handler } = handlerWith({ ui: false });
  for (const path of ["/", "/ui", "/ui/", "/ui/app.js", "/ui/session"]) {
    const response = await handler(new Request(url(path)));
    assertEquals([response.status, await response.text()], [404, `no route for ${path}\n`]);
  }
});

Deno.test("ui route: with basic auth the page asks for it (its body still the page); script and style are open", async () => {
  const { handler } = handlerWith({ auth: { basic: { user: "u", password: "p" } } });
  const denied = await handler(new Request(url("/ui/")));
  assertEquals(denied.status, 401);
  assertEquals(denied.headers.get("www-authenticate"), 'Basic realm="Restricted"');
  assertEquals(denied.headers.get("cache-control"), "no-store");
  assert((await denied.text()).includes("<title>fnlogs</title>"));
  const allowed = await handler(
    new Request(url("/ui/"), { headers: { authorization: `Basic ${btoa("u:p")}` } }),
  );
  assertEquals(allowed.status, 200);
  await allowed.body?.cancel();
  const script = await handler(new Request(url("/ui/app.js")));
  assertEquals(script.status, 200);
  await script.body?.cancel();
});

Deno.test("ui session: a token for a cookie, which then opens the log API; sign-out clears it", async () => {
  const { handler, provider } = handlerWith({
    auth: { tokens: ["s3cret"] },
    namespaces: ["openfaas-fn"],
  });
  provider.history.set("fn", [record("behind the cookie")]);
  const session = async (init: RequestInit = {}, path = "/ui/session") => {
    const response = await handler(new Request(url(path), init));
    return { response, body: await response.text() };
  };
  assertEquals(
    JSON.parse((await session()).body),
    { methods: ["token"], signedIn: false, cookie: false, namespaces: null },
  );
  const wrong = await session({ method: "POST", headers: { authorization: "Bearer nope" } });
  assertEquals([wrong.response.status, wrong.body], [401, "wrong token\n"]);
  assertEquals(wrong.response.headers.get("www-authenticate"), null);
  assertEquals(wrong.response.headers.get("set-cookie"), null);
  const crossSite = await session({
    method: "POST",
    headers: { authorization: "Bearer s3cret", origin: "http://evil.test" },
  });
  assertEquals(crossSite.response.status, 403);
  const fromPage = await session({
    method: "POST",
    headers: {
      authorization: "Bearer s3cret",
      origin: "http://fnlogs.test",
      "sec-fetch-site": "same-origin",
    },
  });
  assertEquals(fromPage.response.status, 204);
  const setCookie = fromPage.response.headers.get("set-cookie")!;
  assertMatch(
    setCookie,
    /^fnlogs_session=\d+\.[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/,
  );
  assert(!setCookie.includes("s3cret"));
  const cookie = setCookie.split(";")[0];
  assertEquals(
    JSON.parse((await session({ headers: { cookie } })).body),
    { methods: ["token"], signedIn: true, cookie: true, namespaces: ["openfaas-fn"] },
  );
  // The log API takes the cookie (the page's EventSource sends nothing else).
  const logs = await session({ headers: { cookie } }, "/system/logs?name=fn");
  assertEquals(logs.response.status, 200);
  assert(logs.body.includes("behind the cookie"), logs.body);
  const functions = await handler(new Request(url("/system/functions"), { headers: { cookie } }));
  assertEquals(functions.status, 200);
  await functions.body?.cancel();
  // Over HTTPS the cookie is Secure; signing out sends an expired one.
  const secure = await handler(
    new Request("https://fnlogs.test/ui/session", {
      method: "POST",
      headers: { authorization: "Bearer s3cret" },
    }),
  );
  assert(secure.headers.get("set-cookie")!.endsWith("; Secure"));
  // Behind a proxy that ends TLS: the page is https, the request reaching the
  // server http. Same site by the browser's word, or by host without it;
  // the cookie is Secure because the page is.
  for (
    const headers of <Record<string, string>[]> [
      { origin: "https://fnlogs.test", "sec-fetch-site": "same-origin" },
      { origin: "https://fnlogs.test" },
    ]
  ) {
    const proxied = await session({
      method: "POST",
      headers: { authorization: "Bearer s3cret", ...headers },
    });
    assertEquals(proxied.response.status, 204, JSON.stringify(headers));
    assert(proxied.response.headers.get("set-cookie")!.endsWith("; Secure"));
  }
  const forwarded = await session({
    method: "POST",
    headers: { authorization: "Bearer s3cret", "x-forwarded-proto": "https" },
  });
  assert(forwarded.response.headers.get("set-cookie")!.endsWith("; Secure"));
  // Another site stays refused, whatever the scheme or the browser's word.
  for (
    const headers of <Record<string, string>[]> [
      { origin: "https://evil.test" },
      { origin: "https://fnlogs.test", "sec-fetch-site": "cross-site" },
      { origin: "https://fnlogs.test", "sec-fetch-site": "same-site" },
      { origin: "null" },
    ]
  ) {
    const refused = await session({
      method: "POST",
      headers: { authorization: "Bearer s3cret", ...headers },
    });
    assertEquals(refused.response.status, 403, JSON.stringify(headers));
  }
  const out = await session({ method: "DELETE" });
  assertEquals(
    [out.response.status, out.response.headers.get("set-cookie")],
    [204, "fnlogs_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"],
  );
});

Deno.test("ui session: without auth everyone is signed in; basic alone has no token sign-in", async () => {
  const open = handlerWith().handler;
  const info = await open(new Request(url("/ui/session")));
  assertEquals(await info.json(), { methods: [], signedIn: true, cookie: false, namespaces: null });
  const basic = handlerWith({ auth: { basic: { user: "u", password: "p" } } }).handler;
  const post = await basic(
    new Request(url("/ui/session"), { method: "POST", headers: { authorization: "Bearer p" } }),
  );
  assertEquals([post.status, await post.text()], [
    404,
    "this server has no tokens to sign in with\n",
  ]);
  const put = await basic(new Request(url("/ui/session"), { method: "PUT" }));
  assertEquals([put.status, put.headers.get("allow")], [405, "GET, POST, DELETE"]);
  await put.body?.cancel();
});

import { assertEquals } from "@std/assert";
import { completeWords } from "./complete_words.ts";

/** A gateway whose function list depends on the host asked, recording each request. */
function gateways(lists: Record<string, string[]>) {
  const asked: { url: string; authorization: string | null }[] = [];
  const fetchFn: typeof fetch = (input, init) => {
    const url = new URL(String(input));
    asked.push({ url: url.href, authorization: new Headers(init?.headers).get("authorization") });
    const names = lists[url.host];
    return Promise.resolve(
      names === undefined
        ? new Response("nope", { status: 500 })
        : Response.json(names.map((name) => ({ name }))),
    );
  };
  return { fetch: fetchFn, asked };
}

const env = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("completeWords(functions) lists the functions of every gateway the line names, sorted, once", async () => {
  const { fetch, asked } = gateways({ "a:1": ["world", "hello"], "b:2": ["hello", "extra"] });
  const words = [
    "functions",
    "--tail",
    "5",
    "-g",
    "a:1",
    "--gateway=http://b:2",
    "-n",
    "dev",
    "-k",
    "tok",
    "he",
  ];
  assertEquals(
    await completeWords(words, { env: env({ HOME: "/nowhere" }), fetch }),
    "extra\nhello\nworld\n",
  );
  assertEquals(asked, [
    { url: "http://a:1/system/functions?namespace=dev", authorization: "Bearer tok" },
    { url: "http://b:2/system/functions?namespace=dev", authorization: "Bearer tok" },
  ]);
});

Deno.test("completeWords(functions) uses OPENFAAS_URL, skips gateways that fail, and offers nothing for a provider", async () => {
  const { fetch } = gateways({ "a:1": ["hello"] });
  const io = { env: env({ OPENFAAS_URL: "http://a:1", HOME: "/nowhere" }), fetch };
  assertEquals(await completeWords(["functions"], io), "hello\n");
  assertEquals(await completeWords(["functions", "-g", "a:1", "-g", "broken:9"], io), "hello\n");
  assertEquals(await completeWords(["functions", "--provider", "docker"], io), "");
  assertEquals(await completeWords(["functions", "--context", "missing"], io), "");
});

Deno.test("completeWords(functions) offers only names a function can have (nothing a shell would split or expand)", async () => {
  const { fetch } = gateways({ "a:1": ["hello", "a b", "it's", "$HOME", "ok.ns"] });
  const io = { env: env({ HOME: "/nowhere" }), fetch };
  assertEquals(await completeWords(["functions", "-g", "a:1"], io), "hello\nok.ns\n");
});

import { assertEquals } from "@std/assert";
import {
  DEFAULT_VIEW,
  formatViewState,
  parseFunctionRef,
  parseViewState,
  type ViewState,
} from "../../../ui/view_state.ts";

Deno.test("parseViewState() reads a shared URL; formatViewState() writes it back the same", () => {
  const search = "?fn=hello&fn=ticker.team-a&q=error&x=%2Fdebug%2F&level=error,warn" +
    "&inst=ticker-1&tail=1000&ts=0&utc=1&wrap=0&theme=dark";
  const state = parseViewState(search);
  assertEquals(state, {
    functions: [{ name: "hello" }, { name: "ticker", namespace: "team-a" }],
    query: "error",
    exclude: "/debug/",
    levels: ["error", "warn"],
    instances: ["ticker-1"],
    history: { tail: 1000 },
    timestamps: false,
    utc: true,
    wrap: false,
    theme: "dark",
  });
  assertEquals(formatViewState(state), search.replace("level=error,warn", "level=error%2Cwarn"));
});

Deno.test("formatViewState() writes nothing for the defaults, and parseViewState('') gives them", () => {
  assertEquals(formatViewState(DEFAULT_VIEW), "");
  assertEquals(parseViewState(""), DEFAULT_VIEW);
  const since: ViewState = { ...DEFAULT_VIEW, history: { since: "1h30m" } };
  assertEquals(formatViewState(since), "?since=1h30m");
  assertEquals(parseViewState("?since=1h30m").history, { since: "1h30m" });
  assertEquals(parseViewState("?tail=all").history, { tail: "all" });
});

Deno.test("parseViewState() drops what is not valid: bad names, levels, tails, durations, repeats", () => {
  const state = parseViewState(
    "?fn=ok&fn=ok&fn=%3Cscript%3E&fn=a.b.c&fn=&level=error,nope,ERROR&tail=-5&since=5&theme=x&ts=maybe",
  );
  assertEquals(state.functions, [{ name: "ok" }]);
  assertEquals(state.levels, ["error"]);
  assertEquals(state.history, { tail: 100 });
  assertEquals(state.theme, "auto");
  assertEquals(state.timestamps, true);
  assertEquals(parseViewState("?tail=0").history, { tail: 100 });
  assertEquals(parseViewState("?since=5m&tail=10").history, { since: "5m" });
});

Deno.test("parseFunctionRef() takes NAME or NAME.NAMESPACE", () => {
  assertEquals(parseFunctionRef("hello"), { name: "hello" });
  assertEquals(parseFunctionRef("hello.openfaas-fn"), { name: "hello", namespace: "openfaas-fn" });
  assertEquals(parseFunctionRef(".ns"), undefined);
  assertEquals(parseFunctionRef("a b"), undefined);
});

import { assertEquals } from "@std/assert";
import { LogStore } from "../../../ui/log_store.ts";

interface Item {
  key: string;
  seq: number;
  size: number;
}
let seq = 0;
const item = (key: string, size = 1): Item => ({ key, seq: seq++, size });
const keys = (store: LogStore<Item>) => [...store].map((i) => i.key);

Deno.test("LogStore keeps time order: appends in order, puts a late item in its place", () => {
  const store = new LogStore<Item>({ maxItems: 10, maxChars: 1e9 });
  for (const key of ["b", "d", "f"]) store.insert(item(key));
  store.insert(item("c"));
  store.insert(item("a"));
  store.insert(item("d")); // the same instant: after the first "d" (arrival order)
  assertEquals(keys(store), ["a", "b", "c", "d", "d", "f"]);
  const [d1, d2] = [...store].filter((i) => i.key === "d");
  assertEquals(d1.seq < d2.seq, true);
  assertEquals(store.last?.key, "f");
});

Deno.test("LogStore drops the oldest past maxItems or maxChars, and counts them", () => {
  const store = new LogStore<Item>({ maxItems: 3, maxChars: 10 });
  const dropped: string[] = [];
  for (const key of ["a", "b", "c", "d"]) {
    dropped.push(...store.insert(item(key)).map((i) => i.key));
  }
  assertEquals([keys(store), dropped, store.dropped], [["b", "c", "d"], ["a"], 1]);
  // A heavy item pushes out as many as needed; an item older than all that stays goes at once.
  dropped.push(...store.insert(item("e", 9)).map((i) => i.key));
  assertEquals([keys(store), store.dropped], [["d", "e"], 3]);
  assertEquals(store.insert(item("0", 5)).map((i) => i.key), ["0"]);
  assertEquals(keys(store), ["d", "e"]);
  store.clear();
  assertEquals([store.size, store.dropped, store.last], [0, 0, undefined]);
});

Deno.test("LogStore holds its bound through 100,000 inserts and finds the next item wanted", () => {
  const store = new LogStore<Item>({ maxItems: 1000, maxChars: 1e9 });
  for (let i = 0; i < 100_000; i++) store.insert(item(String(i).padStart(6, "0")));
  assertEquals([store.size, store.dropped, store.last?.key], [1000, 99_000, "099999"]);
  const all = [...store];
  assertEquals(all[0].key, "099000");
  const next = store.nextAfter(all[10], (i) => Number(i.key) % 7 === 0);
  assertEquals(next?.key, "099015");
  assertEquals(store.nextAfter(all[999], () => true), undefined);
});

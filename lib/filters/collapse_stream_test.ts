import { assertEquals } from "@std/assert";
import { CollapseStream } from "./collapse_stream.ts";
import { drive, line } from "../../tests/helpers/batch_stage.ts";
import { ManualTimers } from "../../tests/helpers/manual_timers.ts";

Deno.test("CollapseStream folds masked repeats per instance", async () => {
  const stage = drive(new CollapseStream());
  assertEquals(
    await stage.write([
      line("GET /a 200 in 3ms", 0, "f-1"),
      line("GET /a 200 in 5ms", 0, "f-1"),
      line("tick", 0, "f-2"),
      line("GET /a 200 in 4ms", 0, "f-1"),
      line("tick", 0, "f-2"),
      line("GET /b 200 in 4ms", 0, "f-1"),
      line("req 9f3a2b1c7d8e ok", 0, "f-1"),
      line("req 0a1b2c3d4e5f ok", 0, "f-1"),
    ]),
    [
      "GET /a 200 in 3ms",
      "tick",
      "GET /a 200 in 4ms (x2)",
      "GET /b 200 in 4ms",
      "req 9f3a2b1c7d8e ok",
    ],
  );
  // At the end, each instance's pending repeats, instance by instance.
  assertEquals(await stage.close(), ["req 0a1b2c3d4e5f ok", "tick"]);
});

Deno.test("CollapseStream compares exactly when asked", async () => {
  const stage = drive(new CollapseStream({ mode: "exact" }));
  const out = await stage.write(["n=1", "n=2", "n=2", "n=2", "n=3"].map((t) => line(t)));
  assertEquals(out, ["n=1", "n=2", "n=2 (x2)", "n=3"]);
  await stage.close();
});

Deno.test("CollapseStream reports a long run every reportMs", async () => {
  const timers = new ManualTimers();
  const stage = drive(new CollapseStream({ setTimer: timers.set, reportMs: 1000 }));
  assertEquals(await stage.write([line("retry 1"), line("retry 2"), line("retry 3")]), ["retry 1"]);
  assertEquals(timers.delays, [1000]);
  timers.fireAll();
  assertEquals(await stage.released(), ["retry 3 (x2)"]);
  assertEquals(await stage.write([line("retry 4")]), []);
  timers.fireAll();
  assertEquals(await stage.released(), ["retry 4"]);
  assertEquals(await stage.write([line("done")]), ["done"]);
  assertEquals(await stage.close(), []);
});

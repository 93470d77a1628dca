import { assertEquals } from "@std/assert";
import { MultilineStream } from "./multiline_stream.ts";
import { drive, line } from "../../tests/helpers/batch_stage.ts";
import { ManualTimers } from "../../tests/helpers/manual_timers.ts";

async function join(texts: string[]): Promise<string[]> {
  const stage = drive(new MultilineStream());
  const written = await stage.write(texts.map((t, i) => line(t, i)));
  return [...written, ...await stage.close()];
}

Deno.test("MultilineStream joins a Java stack trace with its causes", async () => {
  assertEquals(
    await join([
      "2024-01-01 ERROR request failed",
      "java.lang.IllegalStateException: boom",
      "\tat com.example.Service.run(Service.java:42)",
      "\tat com.example.Main.main(Main.java:7)",
      "Caused by: java.io.IOException: disk",
      "\tat com.example.Disk.write(Disk.java:9)",
      "\t... 2 more",
      "INFO next",
    ]),
    [
      "2024-01-01 ERROR request failed\n" +
      "java.lang.IllegalStateException: boom\n\tat com.example.Service.run(Service.java:42)\n" +
      "\tat com.example.Main.main(Main.java:7)\nCaused by: java.io.IOException: disk\n" +
      "\tat com.example.Disk.write(Disk.java:9)\n\t... 2 more",
      "INFO next",
    ],
  );
});

Deno.test("MultilineStream joins a Python traceback to the log line before it, with its exception line", async () => {
  assertEquals(
    await join([
      "ERROR:root:division failed",
      "Traceback (most recent call last):",
      '  File "app.py", line 3, in <module>',
      "    1 / 0",
      "ZeroDivisionError: division by zero",
      "",
      "During handling of the above exception, another exception occurred:",
      "",
      "Traceback (most recent call last):",
      '  File "app.py", line 5, in <module>',
      "ValueError: again",
      "INFO:root:next",
    ]),
    [
      "ERROR:root:division failed\nTraceback (most recent call last):\n" +
      '  File "app.py", line 3, in <module>\n    1 / 0\nZeroDivisionError: division by zero\n\n' +
      "During handling of the above exception, another exception occurred:\n\n" +
      "Traceback (most recent call last):\n" +
      '  File "app.py", line 5, in <module>\nValueError: again',
      "INFO:root:next",
    ],
  );
});

Deno.test("MultilineStream joins a Go panic and its goroutine dumps, blank lines inside", async () => {
  assertEquals(
    await join([
      "panic: runtime error: index out of range [3] with length 3",
      "",
      "goroutine 1 [running]:",
      "main.main()",
      "\t/app/main.go:8 +0x1d",
      "",
      "goroutine 6 [chan receive]:",
      "net/http.(*conn).serve(0xc0000a6000, {0x6e0f38, 0xc0000b8000})",
      "\t/usr/local/go/src/net/http/server.go:2009 +0x5f4",
      "created by net/http.(*Server).Serve in goroutine 1",
      "exit status 2",
      "",
      "listening on :8080",
    ]),
    [
      "panic: runtime error: index out of range [3] with length 3\n\ngoroutine 1 [running]:\n" +
      "main.main()\n\t/app/main.go:8 +0x1d\n\ngoroutine 6 [chan receive]:\n" +
      "net/http.(*conn).serve(0xc0000a6000, {0x6e0f38, 0xc0000b8000})\n" +
      "\t/usr/local/go/src/net/http/server.go:2009 +0x5f4\n" +
      "created by net/http.(*Server).Serve in goroutine 1\nexit status 2",
      "",
      "listening on :8080",
    ],
  );
});

Deno.test("MultilineStream keeps instances apart and lines written far apart apart", async () => {
  const stage = drive(new MultilineStream({ gapMs: 1000 }));
  const out = await stage.write([
    line("Error: a", 0, "f-1"),
    line("Error: b", 0, "f-2"),
    line("    at a (a.js:1:1)", 1, "f-1"),
    line("    at b (b.js:1:1)", 2, "f-2"),
    line("    late indented line", 5000, "f-1"),
    line("INFO f-2 goes on", 6, "f-2"),
  ]);
  assertEquals(out, ["Error: a\n    at a (a.js:1:1)", "Error: b\n    at b (b.js:1:1)"]);
  // Held in the order they arrived; the late line starts a record of its own.
  assertEquals(await stage.close(), ["    late indented line", "INFO f-2 goes on"]);
});

Deno.test("MultilineStream releases a held record after the idle window, with its last cursor", async () => {
  const timers = new ManualTimers();
  const stage = drive(new MultilineStream({ setTimer: timers.set, idleMs: 100 }));
  assertEquals(
    await stage.write([
      { ...line("ERROR x", 0), cursor: "c1" },
      { ...line("  detail", 1), cursor: "c2" },
    ]),
    [],
  );
  assertEquals(timers.delays, [100]);
  // More of the same trace re-arms the timer; nothing goes out yet.
  assertEquals(await stage.write([{ ...line("  more", 2), cursor: "c3" }]), []);
  timers.fireAll();
  assertEquals(await stage.released(), ["ERROR x\n  detail\n  more"]);
  const writer = new MultilineStream({ setTimer: timers.set });
  const out = await Array.fromAsync(
    ReadableStream.from([[{ ...line("ERROR y"), cursor: "a" }, { ...line(" z"), cursor: "b" }]])
      .pipeThrough(writer),
  );
  assertEquals(out.flat().map((r) => r.cursor), ["b"]);
  assertEquals(await stage.close(), []);
});

Deno.test("MultilineStream bounds a record and lets notices through at once", async () => {
  const stage = drive(new MultilineStream({ maxLines: 3 }));
  const out = await stage.write([
    line("ERROR head"),
    line(" 1"),
    { ...line("[fnlogs] 2 lines missed"), instance: "", missed: 2 },
    line(" 2"),
    line(" 3"),
    line(" 4"),
  ]);
  assertEquals(out, ["[fnlogs] 2 lines missed", "ERROR head\n 1\n 2"]);
  assertEquals(await stage.close(), [" 3\n 4"]);
});

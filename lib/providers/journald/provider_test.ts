// Unit tests with a stand-in journalctl (a shell script), so that they run on
// any machine with /bin/sh. tests/journald_provider_test.ts runs the real one.
import { assert, assertEquals, assertRejects } from "@std/assert";
import { JournaldProvider } from "./provider.ts";
import { FunctionNotFoundError, InvalidInputError, UpstreamError } from "../../errors.ts";
import type { LogQuery, LogRecord } from "../../types.ts";

const noShell = Deno.build.os === "windows" ? "skipped: needs /bin/sh" : undefined;
const CURSOR = "s=0123456789abcdef0123456789abcdef;i=2;b=0123456789abcdef0123456789abcdef;" +
  "m=3ea;t=60a24181e4002;x=eacedb6ccbcd7a7c";

/**
 * A fake journalctl: prints one entry whose MESSAGE is its arguments and whose
 * _PID is its own pid, then runs `body` (shell), then exits with `code`.
 */
const scripts = Deno.makeTempDirSync({ prefix: "fnlogs-fake-journalctl-" });
globalThis.addEventListener("unload", () => Deno.removeSync(scripts, { recursive: true }));
let scriptCount = 0;

async function fakeJournalctl(body = "", code = 0): Promise<string> {
  const path = `${scripts}/journalctl-${++scriptCount}`;
  await Deno.writeTextFile(
    path,
    `#!/bin/sh
printf '{"MESSAGE":"%s","SYSLOG_IDENTIFIER":"openfaas-fn:env","_PID":"%s","__REALTIME_TIMESTAMP":"1700000000000000"}\\n' "$*" "$$"
${body}
exit ${code}
`,
  );
  await Deno.chmod(path, 0o755);
  return path;
}

async function records(
  provider: JournaldProvider,
  query: Omit<LogQuery, "follow"> & {
    follow?: boolean;
  },
): Promise<LogRecord[]> {
  const { stream } = await provider.openLogs({ follow: false, ...query });
  return (await Array.fromAsync(stream)).flat();
}

async function argsFor(
  query: Omit<LogQuery, "follow"> & { follow?: boolean },
  directory?: string,
): Promise<string> {
  const journalctl = await fakeJournalctl();
  const provider = new JournaldProvider({ journalctl, directory });
  const [first] = await records(provider, query);
  await provider.close();
  return first.text;
}

const BASE = "--no-pager --utc --output=json --all --output-fields=MESSAGE,SYSLOG_IDENTIFIER,_PID";

Deno.test("JournaldProvider has faasd's defaults", () => {
  const provider = new JournaldProvider();
  assertEquals(provider.kind, "journald");
  assertEquals(provider.defaultNamespace, "openfaas-fn");
  assertEquals(provider.resumesByCursor, true);
});

Deno.test({
  name: "JournaldProvider.openLogs() runs journalctl with faasd's arguments, without a window",
  ignore: noShell !== undefined,
  fn: async () => {
    assertEquals(await argsFor({ name: "env" }), `${BASE} --identifier=openfaas-fn:env`);
    assertEquals(
      await argsFor({ name: "env", namespace: "team" }, "/var/log/j"),
      `--no-pager --directory=/var/log/j ${BASE.slice(11)} --identifier=team:env`,
    );
    assertEquals(
      await argsFor({ name: "env", tail: 5, follow: true, instance: "77" }),
      `${BASE} --identifier=openfaas-fn:env --lines=5 --follow _PID=77`,
    );
    assertEquals(
      await argsFor({ name: "env", follow: true }),
      `${BASE} --identifier=openfaas-fn:env --lines=all --follow`,
    );
  },
});

Deno.test({
  name: "JournaldProvider.openLogs() passes since to the microsecond, in UTC",
  ignore: noShell !== undefined,
  fn: async () => {
    assertEquals(
      await argsFor({ name: "env", since: "2023-07-04T16:27:23.0000005+01:00" }),
      `${BASE} --identifier=openfaas-fn:env --since=2023-07-04 15:27:23.000001 UTC`,
    );
    // With a tail, journalctl would keep the first N after since: since is applied here.
    assertEquals(
      await argsFor({ name: "env", since: "2023-07-04T16:27:23Z", tail: 3 }),
      `${BASE} --identifier=openfaas-fn:env --lines=3`,
    );
    await assertRejects(
      () => argsFor({ name: "env", since: "yesterday" }),
      InvalidInputError,
      'Cannot parse since "yesterday"',
    );
  },
});

Deno.test({
  name: "JournaldProvider.openLogs() resumes after a journalctl cursor and ignores others",
  ignore: noShell !== undefined,
  fn: async () => {
    const journalctl = await fakeJournalctl();
    const provider = new JournaldProvider({ journalctl });
    const resumed = await provider.openLogs({
      name: "env",
      follow: true,
      tail: 3,
      since: "2024-01-01T00:00:00Z",
      cursor: CURSOR,
    });
    assertEquals(resumed.fromCursor, true);
    const reader = resumed.stream.getReader();
    assertEquals(
      (await reader.read()).value?.[0].text,
      `${BASE} --identifier=openfaas-fn:env --cursor=${CURSOR} --lines=all --follow`,
    );
    await reader.cancel();
    const foreign = await provider.openLogs({ name: "env", follow: false, tail: 3, cursor: "42" });
    assertEquals(foreign.fromCursor, false);
    assertEquals(
      (await Array.fromAsync(foreign.stream))[0][0].text,
      `${BASE} --identifier=openfaas-fn:env --lines=3`,
    );
    await provider.close();
  },
});

Deno.test({
  name: "JournaldProvider.openLogs() rejects with journalctl's stderr when it fails",
  ignore: noShell !== undefined,
  fn: async () => {
    const provider = new JournaldProvider({
      journalctl: await fakeJournalctl("echo 'Failed to open /nope' >&2", 1),
    });
    await assertRejects(
      () => records(provider, { name: "env", tail: 1 }),
      UpstreamError,
      "journalctl failed (exit code 1): Failed to open /nope",
    );
    const missing = new JournaldProvider({ journalctl: "/nonexistent/journalctl" });
    await assertRejects(() => records(missing, { name: "env" }), UpstreamError, "Cannot run");
  },
});

Deno.test({
  name: "JournaldProvider.openLogs() errors a follow stream when journalctl fails later",
  ignore: noShell !== undefined,
  fn: async () => {
    const provider = new JournaldProvider({
      journalctl: await fakeJournalctl("echo 'Journal file corrupted' >&2", 1),
    });
    const { stream } = await provider.openLogs({ name: "env", follow: true });
    const reader = stream.getReader();
    assertEquals((await reader.read()).value?.length, 1);
    await assertRejects(() => reader.read(), UpstreamError, "Journal file corrupted");
  },
});

Deno.test({
  name: "JournaldProvider.openLogs() tells an unknown function from a quiet one",
  ignore: noShell !== undefined,
  fn: async () => {
    // Prints nothing, except for the existence check (--lines=1) when EXISTS is set.
    const journalctl = `${scripts}/journalctl-quiet`;
    await Deno.writeTextFile(
      journalctl,
      `#!/bin/sh
case "$*" in *--lines=1*) [ -n "$EXISTS" ] && echo '{"_PID":"1"}';; esac
exit 0
`,
    );
    await Deno.chmod(journalctl, 0o755);
    const provider = new JournaldProvider({ journalctl });
    await assertRejects(
      () => records(provider, { name: "nope", namespace: "ns" }),
      FunctionNotFoundError,
      'Function "nope" not found in namespace "ns"',
    );
    await assertRejects(
      () => records(provider, { name: "nope", instance: "1" }),
      FunctionNotFoundError,
    );
    Deno.env.set("EXISTS", "1");
    try {
      assertEquals(await records(provider, { name: "quiet", instance: "1" }), []);
      assertEquals(await records(provider, { name: "quiet", since: "2030-01-01T00:00:00Z" }), []);
    } finally {
      Deno.env.delete("EXISTS");
    }
    // Following never rejects: a function just deployed has not logged yet.
    const { stream } = await provider.openLogs({ name: "nope", follow: true });
    assertEquals(await Array.fromAsync(stream), []);
  },
});

function alive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

Deno.test({
  name: "JournaldProvider.openLogs() kills journalctl on cancel, abort and close",
  ignore: noShell !== undefined || Deno.build.os !== "linux",
  fn: async () => {
    const provider = new JournaldProvider({ journalctl: await fakeJournalctl("exec sleep 1000") });
    const open = async (signal?: AbortSignal) => {
      const { stream } = await provider.openLogs({ name: "env", follow: true }, { signal });
      const reader = stream.getReader();
      const pid = Number((await reader.read()).value?.[0].instance);
      assert(alive(pid));
      return { reader, pid };
    };
    const cancelled = await open();
    await cancelled.reader.cancel();
    assert(!alive(cancelled.pid), "cancel left journalctl running");

    const controller = new AbortController();
    const aborted = await open(controller.signal);
    const reason = new Error("client went away");
    controller.abort(reason);
    await assertRejects(() => aborted.reader.read(), Error, "client went away");
    assert(!alive(aborted.pid), "abort left journalctl running");
    await provider.close();

    const other = new JournaldProvider({ journalctl: await fakeJournalctl("exec sleep 1000") });
    const { stream } = await other.openLogs({ name: "env", follow: true });
    const reader = stream.getReader();
    const pid = Number((await reader.read()).value?.[0].instance);
    await other.close();
    assert(!alive(pid), "close left journalctl running");
    await assertRejects(() => reader.read(), UpstreamError, "closed");
    await assertRejects(() => other.openLogs({ name: "env", follow: true }), UpstreamError);
  },
});

Deno.test({
  name:
    "JournaldProvider.openLogs() skips journalctl lines that are not entries, and says how many",
  ignore: noShell !== undefined,
  fn: async () => {
    const notices: string[] = [];
    const provider = new JournaldProvider({
      journalctl: await fakeJournalctl("echo 'not json'; echo '[1,2]'"),
      onNotice: (message) => notices.push(message),
    });
    const got = await records(provider, { name: "env" });
    assertEquals(got.length, 1);
    assertEquals(notices, [
      'journald: skipped 2 journalctl line(s) for "env" that were not entries',
    ]);
    await provider.close();
  },
});

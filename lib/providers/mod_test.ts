import { assert, assertEquals, assertInstanceOf, assertThrows } from "@std/assert";
import { UsageError } from "../errors.ts";
import {
  createProvider,
  DEFAULT_PROVIDER_KIND,
  isProviderKind,
  providerDefinition,
  providerFlags,
  type ProviderOptions,
  PROVIDERS,
} from "./mod.ts";
import { DockerProvider } from "./docker/provider.ts";
import { JournaldProvider } from "./journald/provider.ts";
import { LocalProvider } from "./local/provider.ts";
import { OpenFaasProvider } from "./openfaas/provider.ts";
import { isGone } from "../../tests/helpers/process_state.ts";
import type { LogBatch } from "../types.ts";

Deno.test("PROVIDERS holds each kind once, local first", () => {
  const kinds = PROVIDERS.map((definition) => definition.kind);
  assertEquals(kinds, ["local", "kubernetes", "docker", "journald", "openfaas", "nats"]);
  assertEquals(DEFAULT_PROVIDER_KIND, "local");
  assertEquals(kinds.map(isProviderKind), kinds.map(() => true));
  assertEquals(isProviderKind("nomad"), false);
  assertEquals(providerDefinition("journald"), PROVIDERS[3]);
  for (const definition of PROVIDERS) assert(definition.summary.length > 0, definition.kind);
});

Deno.test("provider flags: one object per name, help that points within its provider", () => {
  const flags = providerFlags();
  assertEquals(new Set(flags.map((flag) => flag.name)).size, flags.length);
  for (const definition of PROVIDERS) {
    for (const flag of definition.flags) {
      if (typeof flag.help === "string") continue;
      const other = "listedWith" in flag.help ? flag.help.listedWith : flag.help.describedBy;
      assert(definition.flags.includes(other), `--${flag.name} points outside ${definition.kind}`);
      assertEquals(typeof other.help, "string");
      if ("describedBy" in flag.help) {
        assert((other.help as string).includes(`--${flag.name}`), `--${other.name} names it`);
      }
    }
  }
});

Deno.test("each provider's options() fills its defaults from no flags at all", () => {
  const none = () => undefined;
  assertEquals(providerDefinition("local").options(none).stack, "stack.yml");
  assertEquals(providerDefinition("kubernetes").options(none), {
    kubeconfig: undefined,
    context: undefined,
    reorderWindowMs: undefined,
  });
  assertThrows(() => providerDefinition("openfaas").options(none), UsageError);
});

Deno.test("ProviderOptions takes each kind's own options only (checked by deno check)", () => {
  const options: ProviderOptions[] = [
    { kind: "docker", dockerHost: "unix:///d.sock", namespace: "ns", onNotice: () => {} },
    // @ts-expect-error another kind's option
    { kind: "docker", stack: "stack.yml" },
    // @ts-expect-error the local provider needs its stack file
    { kind: "local" },
    // @ts-expect-error the openfaas provider needs its upstream
    { kind: "openfaas" },
    // @ts-expect-error no such kind
    { kind: "nomad" },
  ];
  // Any kind's option can be read without narrowing: undefined for another kind.
  assertEquals(options.map((o) => o.stack), [
    undefined,
    "stack.yml",
    undefined,
    undefined,
    undefined,
  ]);
});

Deno.test("createProvider() creates the provider its options name", async () => {
  await using docker = await createProvider({
    kind: "docker",
    dockerHost: "tcp://127.0.0.1:1",
    namespace: "team",
  });
  assertInstanceOf(docker, DockerProvider);
  assertEquals([docker.kind, docker.defaultNamespace], ["docker", "team"]);
  assertEquals((docker as DockerProvider).host, "tcp://127.0.0.1:1");
  await using journald = await createProvider({ kind: "journald", journalDir: "/nowhere" });
  assertInstanceOf(journald, JournaldProvider);
  assertEquals(journald.defaultNamespace, "openfaas-fn");
  await using relay = await createProvider({
    kind: "openfaas",
    upstream: "http://127.0.0.1:1",
    namespace: "fns",
  });
  assertInstanceOf(relay, OpenFaasProvider);
  assertEquals([relay.kind, relay.defaultNamespace], ["openfaas", "fns"]);
});

Deno.test("await using closes a provider: the local runner's processes are gone after", async () => {
  const dir = await Deno.makeTempDir();
  const stack = `${dir}/stack.yml`;
  await Deno.writeTextFile(
    stack,
    `
functions:
  calm:
    fnlogs: { command: "echo ready; exec sleep 300", replicas: 2 }
`,
  );
  let pids: number[];
  let reader: ReadableStreamDefaultReader<LogBatch>;
  {
    await using provider = await createProvider({ kind: "local", stack });
    assertInstanceOf(provider, LocalProvider);
    reader = (await provider.openLogs({ name: "calm", follow: true })).stream.getReader();
    let ready = 0;
    while (ready < 2) {
      const { value } = await reader.read();
      ready += value?.filter((r) => r.text === "ready").length ?? 0;
    }
    pids = (provider as LocalProvider).pids("calm");
    assertEquals(pids.length, 2);
    for (const pid of pids) assert(!isGone(pid), `${pid} is not running`);
  }
  for (const pid of pids) assert(isGone(pid), `${pid} still runs`);
  await reader.cancel();
  await Deno.remove(dir, { recursive: true });
});

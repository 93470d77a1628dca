import { assert, assertEquals, assertInstanceOf, assertThrows } from "@std/assert";
import { UsageError } from "../errors.ts";
import {
  createProvider,
  DEFAULT_PROVIDER_KIND,
  isProviderKind,
  providerDefinition,
  providerFlags,
  PROVIDERS,
} from "./mod.ts";
import { DockerProvider } from "./docker/provider.ts";
import { JournaldProvider } from "./journald/provider.ts";
import { OpenFaasProvider } from "./openfaas/provider.ts";

Deno.test("PROVIDERS holds each kind once, local first", () => {
  const kinds = PROVIDERS.map((definition) => definition.kind);
  assertEquals(kinds, ["local", "kubernetes", "docker", "journald", "openfaas"]);
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

Deno.test("createProvider() creates the provider its options name", async () => {
  const docker = await createProvider({
    kind: "docker",
    dockerHost: "tcp://127.0.0.1:1",
    namespace: "team",
  });
  const journald = await createProvider({ kind: "journald", journalDir: "/nowhere" });
  const relay = await createProvider({
    kind: "openfaas",
    upstream: "http://127.0.0.1:1",
    namespace: "fns",
  });
  try {
    assertInstanceOf(docker, DockerProvider);
    assertEquals([docker.kind, docker.defaultNamespace], ["docker", "team"]);
    assertEquals((docker as DockerProvider).host, "tcp://127.0.0.1:1");
    assertInstanceOf(journald, JournaldProvider);
    assertEquals(journald.defaultNamespace, "openfaas-fn");
    assertInstanceOf(relay, OpenFaasProvider);
    assertEquals([relay.kind, relay.defaultNamespace], ["openfaas", "fns"]);
  } finally {
    await Promise.all([docker.close(), journald.close(), relay.close()]);
  }
});

import { assertEquals, assertThrows } from "@std/assert";
import { UsageError } from "../lib/errors.ts";
import {
  integerFlag,
  parseProviderFlags,
  PROVIDER_FLAGS,
  PROVIDER_FLAGS_HELP,
} from "./provider_flags.ts";

function parse(flags: Record<string, string>, env: Record<string, string> = {}) {
  return parseProviderFlags((f) => flags[f], (name) => env[name], "local")!;
}

Deno.test("parseProviderFlags() reads the data directory flags of the local provider", () => {
  const off = parse({});
  assertEquals([off.dataDir, off.dataMaxBytes, off.dataSegmentBytes], [
    undefined,
    undefined,
    undefined,
  ]);
  const on = parse({
    "data-dir": "/var/lib/fnlogs",
    "data-max-bytes": "1048576",
    "data-segment-bytes": "65536",
  });
  assertEquals([on.dataDir, on.dataMaxBytes, on.dataSegmentBytes], [
    "/var/lib/fnlogs",
    1_048_576,
    65_536,
  ]);
  assertEquals(parse({}, { FNLOGS_DATA_DIR: "/data" }).dataDir, "/data");
  assertEquals(parse({ "data-dir": "/flag" }, { FNLOGS_DATA_DIR: "/env" }).dataDir, "/flag");
  assertEquals(parse({ "data-dir": "" }).dataDir, undefined);
  assertEquals(parse({ provider: "docker", "data-dir": "/data" }).dataDir, undefined);
  assertThrows(
    () => parse({ "data-max-bytes": "10" }),
    UsageError,
    `--data-max-bytes must be an integer of at least 4096, got "10"`,
  );
  assertThrows(() => parse({ "data-segment-bytes": "64M" }), UsageError);
});

Deno.test("PROVIDER_FLAGS_HELP lists every provider's flags from the registry", () => {
  assertEquals(
    PROVIDER_FLAGS_HELP,
    `PROVIDERS
      --provider KIND          where logs come from: local, kubernetes, docker, journald, openfaas, nats
                               (default: local; --stack implies local, --upstream openfaas, --nats nats)
  local       --stack FILE     stack file whose functions run as local processes
              --history-lines N, --history-bytes N
                               history kept per function (default 10000 lines, 16 MiB)
              --data-dir DIR   also keep each function's history in files there: a restart
                               keeps it and cursors resume (env FNLOGS_DATA_DIR; default off)
              --data-max-bytes N, --data-segment-bytes N
                               disk kept per function (oldest file deleted first), and per
                               file (default 256 MiB, and a quarter of that up to 64 MiB)
  kubernetes  --kubeconfig PATH  (default $KUBECONFIG, ~/.kube/config, else in-cluster)
              --context NAME   kubeconfig context (default: the current one)
              --reorder-window MS  merge pods in timestamp order within MS (default 100)
  docker      --docker-host URL  unix://PATH or tcp://HOST:PORT (default $DOCKER_HOST,
                               else unix:///var/run/docker.sock); Podman's API works too
  journald    --journal-dir DIR  read journal files there (default: the system journal)
              --journalctl PATH  the journalctl program
  openfaas    --upstream URL   another gateway to relay (credentials as http://user:pw@host
                               or --upstream-token TOKEN, env FNLOGS_UPSTREAM_TOKEN)
  nats        --nats URL       NATS servers, comma-separated (nats://[USER:PW@]HOST:PORT)
              --nats-stream NAME  JetStream stream (default FNLOGS)
              --nats-subject-prefix PREFIX  subjects PREFIX.NS.FN.INSTANCE (default fnlogs)
              --nats-token TOKEN  NATS token
      --max-line-length N      longer lines are cut with a marker (default 65536)
`,
  );
  assertEquals([...PROVIDER_FLAGS].sort(), [
    "context",
    "data-dir",
    "data-max-bytes",
    "data-segment-bytes",
    "docker-host",
    "history-bytes",
    "history-lines",
    "journal-dir",
    "journalctl",
    "kubeconfig",
    "max-line-length",
    "nats",
    "nats-stream",
    "nats-subject-prefix",
    "nats-token",
    "provider",
    "reorder-window",
    "stack",
    "upstream",
    "upstream-token",
  ]);
});

Deno.test("parseProviderFlags() chooses the kind: --provider, an implying flag, the fallback", () => {
  const none = (flags: Record<string, string>, fallback?: "local") =>
    parseProviderFlags((f) => flags[f], () => undefined, fallback);
  assertEquals(none({}), undefined);
  assertEquals(none({}, "local")?.kind, "local");
  assertEquals(none({ stack: "s.yml" })?.kind, "local");
  assertEquals(none({ upstream: "http://gw" })?.kind, "openfaas");
  assertEquals(none({ stack: "s.yml", upstream: "http://gw" })?.kind, "local");
  // An explicit kind wins, and another kind's flags do not reach its options.
  const docker = none({ provider: "docker", stack: "s.yml", "docker-host": "tcp://h:2375" });
  assertEquals(docker, {
    kind: "docker",
    dockerHost: "tcp://h:2375",
    reorderWindowMs: undefined,
    maxLineLength: undefined,
  });
  assertThrows(
    () => none({ provider: "nomad" }),
    UsageError,
    'Unknown provider "nomad": choose one of local, kubernetes, docker, journald, openfaas',
  );
  assertThrows(() => none({ provider: "" }), UsageError, 'Unknown provider ""');
});

Deno.test("parseProviderFlags() falls back to the chosen provider's environment variables", () => {
  const env = {
    FNLOGS_STACK: "/env/stack.yml",
    DOCKER_HOST: "unix:///env.sock",
    FNLOGS_UPSTREAM_TOKEN: "env-token",
  };
  assertEquals(parse({}).stack, "stack.yml");
  assertEquals(parse({}, env).stack, "/env/stack.yml");
  assertEquals(parse({ stack: "flag.yml" }, env).stack, "flag.yml");
  assertEquals(parse({ stack: "" }, env).stack, "");
  assertEquals(parse({ provider: "docker" }, env).dockerHost, "unix:///env.sock");
  assertEquals(
    parse({ provider: "docker", "docker-host": "tcp://h:1" }, env).dockerHost,
    "tcp://h:1",
  );
  // Another kind's variables are not read.
  assertEquals(parse({}, env).dockerHost, undefined);
  assertEquals(parse({ upstream: "http://gw" }, env).upstreamAuth, {
    kind: "bearer",
    token: "env-token",
  });
  assertEquals(parse({ upstream: "http://gw", "upstream-token": "" }, env).upstreamAuth, {
    kind: "bearer",
    token: "",
  });
});

Deno.test("parseProviderFlags() reads the openfaas upstream, its credentials and its errors", () => {
  const o = parse({ upstream: "https://ad%40min:p%3Aw@gw.example:8443/base//" });
  assertEquals([o.upstream, o.upstreamAuth], [
    "https://gw.example:8443/base",
    { kind: "basic", username: "ad@min", password: "p:w" },
  ]);
  // A token wins over the URL's credentials.
  assertEquals(parse({ upstream: "http://u:p@gw", "upstream-token": "t" }).upstreamAuth, {
    kind: "bearer",
    token: "t",
  });
  assertEquals(parse({ upstream: "http://gw" }).upstreamAuth, undefined);
  assertThrows(
    () => parse({ provider: "openfaas" }),
    UsageError,
    "--provider openfaas needs --upstream URL",
  );
  assertThrows(
    () => parse({ upstream: "gw:8080" }),
    UsageError,
    `--upstream must be an http(s) URL, got "gw:8080"`,
  );
  assertThrows(
    () => parse({ upstream: "not a url" }),
    UsageError,
    `--upstream must be an http(s) URL, got "not a url"`,
  );
  assertThrows(
    () => parse({ upstream: "ftp://me:s3cret@gw" }),
    UsageError,
    `--upstream must be an http(s) URL, got "ftp://***@gw"`,
  );
  assertThrows(
    () => parse({ upstream: "http://me:50%@gw" }),
    UsageError,
    "--upstream: the URL's user or password has a bad % escape",
  );
  // Only the openfaas provider checks the URL.
  assertEquals(parse({ provider: "local", upstream: "not a url" }).upstream, undefined);
});

Deno.test("parseProviderFlags() validates every provider flag given, whatever the kind", () => {
  assertEquals(parse({ "reorder-window": "0" }).reorderWindowMs, undefined);
  assertEquals(parse({ provider: "kubernetes", "reorder-window": "0" }).reorderWindowMs, 0);
  assertThrows(
    () => parse({ provider: "docker", "history-lines": "0" }),
    UsageError,
    `--history-lines must be an integer of at least 1, got "0"`,
  );
  assertThrows(
    () => parse({ "reorder-window": "-1" }),
    UsageError,
    `--reorder-window must be an integer of at least 0, got "-1"`,
  );
  assertThrows(
    () => parse({ "max-line-length": "15" }),
    UsageError,
    `--max-line-length must be an integer of at least 16, got "15"`,
  );
  assertEquals(parse({ "history-bytes": "1024", "max-line-length": "16" }), {
    kind: "local",
    stack: "stack.yml",
    historyLines: undefined,
    historyBytes: 1024,
    dataDir: undefined,
    dataMaxBytes: undefined,
    dataSegmentBytes: undefined,
    maxLineLength: 16,
  });
});

Deno.test("integerFlag() reads whole numbers of at least the minimum", () => {
  assertEquals(integerFlag("port", undefined, 0), undefined);
  assertEquals(integerFlag("port", "0", 0), 0);
  assertThrows(() => integerFlag("port", "80x", 0), UsageError, `--port must be an integer`);
  assertThrows(() => integerFlag("port", "+1", 0), UsageError);
});

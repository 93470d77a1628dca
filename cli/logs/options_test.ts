import { assertEquals, assertThrows } from "@std/assert";
import { UsageError } from "../../lib/errors.ts";
import { DEFAULT_GATEWAY, parseLogsOptions } from "./options.ts";

const noEnv = (_: string) => undefined;
const parse = (...args: string[]) => parseLogsOptions(args, noEnv);
const RFC3339 = "2006-01-02T15:04:05Z07:00";

function usage(args: string[], message: string | RegExp, env = noEnv): void {
  const error = assertThrows(() => parseLogsOptions(args, env), UsageError);
  if (typeof message === "string") assertEquals(error.message, message);
  else if (!message.test(error.message)) throw new Error(`unexpected message: ${error.message}`);
}

Deno.test("parseLogsOptions() has faas-cli's defaults", () => {
  const o = parse("hello");
  assertEquals(o.names, ["hello"]);
  assertEquals(o.gateway, DEFAULT_GATEWAY);
  assertEquals(o.namespace, "");
  assertEquals(o.follow, true);
  assertEquals(o.lines, -1);
  assertEquals(o.noHistory, false);
  assertEquals(o.sinceMs, undefined);
  assertEquals(o.sinceTime, undefined);
  assertEquals(o.output, "plain");
  assertEquals(o.timeFormat, RFC3339);
  assertEquals([o.showName, o.showInstance, o.tlsNoVerify, o.all, o.events], [
    false,
    false,
    false,
    false,
    false,
  ]);
  assertEquals(o.reconnect, true);
  assertEquals(o.color, "auto");
  assertEquals(o.idleTimeoutMs, undefined);
});

Deno.test("parseLogsOptions() reads the gateway from -g, else OPENFAAS_URL, and normalizes it", () => {
  const env = (name: string) => name === "OPENFAAS_URL" ? "https://GW.example.com/" : undefined;
  assertEquals(parseLogsOptions(["f"], env).gateway, "https://gw.example.com");
  assertEquals(parseLogsOptions(["f", "-g", "gw:8080"], env).gateway, "http://gw:8080");
  assertEquals(parseLogsOptions(["f", "--gateway=http://x:1//"], env).gateway, "http://x:1");
  // An explicit flag wins even when it names the default gateway.
  assertEquals(parseLogsOptions(["f", "-g", DEFAULT_GATEWAY], env).gateway, DEFAULT_GATEWAY);
});

Deno.test("parseLogsOptions() takes pflag's value forms", () => {
  for (
    const args of [["-n", "ns"], ["-nns"], ["-n=ns"], ["--namespace", "ns"], ["--namespace=ns"]]
  ) {
    assertEquals(parse("f", ...args).namespace, "ns", args.join(" "));
  }
  assertEquals(parse("f", "--lines", "-1").lines, -1);
  assertEquals(parse("f", "--lines=5").lines, 5);
  assertEquals(parse("f", "-ojson").output, "json");
  assertEquals(parse("f", "-o", "KeyValue").output, "keyvalue");
  assertEquals(parse("f", "-k", "tok").token, "tok");
  assertEquals(parse("f", "--grep", "-x").grep.map(String), ["/-x/"]);
});

Deno.test("parseLogsOptions() tells --tail's line count from its follow switch", () => {
  const cases: [string[], boolean, number, boolean][] = [
    // args, follow, lines, noHistory
    [["--tail=false"], false, -1, false],
    [["--tail=true"], true, -1, false],
    [["--tail=f"], false, -1, false],
    [["--tail=FALSE"], false, -1, false],
    [["--tail", "false"], false, -1, false],
    [["--tail", "True"], true, -1, false],
    [["--tail"], true, -1, false],
    [["--tail", "--name"], true, -1, false],
    [["--tail", "20"], true, 20, false],
    [["--tail=20"], true, 20, false],
    [["--tail", "-1"], true, -1, false],
    [["--tail", "1"], true, 1, false],
    [["--tail=1"], true, 1, false],
    [["--tail", "0"], true, 0, true],
    [["--tail=0", "--tail=false"], false, 0, true],
    [["-t=false"], false, -1, false],
    [["-t=0"], false, -1, false],
    [["-t"], true, -1, false],
    [["-f"], true, -1, false],
    [["--follow=false"], false, -1, false],
    [["--tail=false", "-f"], true, -1, false],
    [["-f", "--tail=false"], false, -1, false],
  ];
  for (const [args, follow, lines, noHistory] of cases) {
    const o = parse("hello", ...args);
    assertEquals([o.follow, o.lines, o.noHistory], [follow, lines, noHistory], args.join(" "));
    assertEquals(o.names, ["hello"], args.join(" "));
  }
  // A bare --tail before the name leaves the name a name.
  assertEquals(parse("--tail", "hello").names, ["hello"]);
  // With a space, single letters are names, not bools.
  assertEquals(parse("--tail", "f").names, ["f"]);
  usage(["f", "--tail=yes"], /invalid argument "yes" for "--tail"/);
  usage(["f", "--lines", "3", "--tail", "4"], "Give the line count once: --lines N or --tail N");
});

Deno.test("parseLogsOptions() takes bool clusters and Go bool spellings", () => {
  const o = parse("f", "-jf", "--name", "--instance=1", "--tls-no-verify=T");
  assertEquals([o.output, o.follow, o.showName, o.showInstance, o.tlsNoVerify], [
    "json",
    true,
    true,
    true,
    true,
  ]);
  assertEquals(parse("f", "--json=false").output, "plain");
  assertEquals(parse("f", "--no-reconnect").reconnect, false);
  assertEquals(parse("f", "--no-reconnect=false").reconnect, true);
  usage(["f", "--name=yes"], 'invalid argument "yes" for "--name": expected true or false');
});

Deno.test("parseLogsOptions() parses --since, --since-time and --time-format like faas-cli", () => {
  assertEquals(parse("f", "--since", "1h30m").sinceMs, 5_400_000);
  assertEquals(parse("f", "--since=0s").sinceMs, undefined);
  assertEquals(
    parse("f", "--since-time", "2019-01-01T00:55:00Z").sinceTime,
    "2019-01-01T00:55:00Z",
  );
  assertEquals(
    parse("f", "--time-format", "rfc3339nano").timeFormat,
    "2006-01-02T15:04:05.999999999Z07:00",
  );
  assertEquals(parse("f", "--time-format", "").timeFormat, "");
  assertEquals(parse("f", "--time-format=15:04").timeFormat, "15:04");
  usage(
    ["f", "--since", "10 minutes"],
    /invalid argument "10 minutes" for "--since": time: unknown unit/,
  );
  usage(["f", "--since-time", "yesterday"], /invalid argument "yesterday" for "--since-time"/);
});

Deno.test("parseLogsOptions() parses fnlogs' own flags", () => {
  const o = parse(
    "a",
    "b",
    "--instance-filter",
    "a-1",
    "--grep",
    "ERR",
    "--grep=WARN",
    "--exclude",
    "health",
    "--until-match",
    "ready",
    "--for",
    "30s",
    "--max-lines",
    "10",
    "--max-reconnects",
    "3",
    "-o",
    "json",
    "--events",
    "--color",
    "never",
    "--idle-timeout",
    "2s",
  );
  assertEquals(o.names, ["a", "b"]);
  assertEquals(o.instanceFilter, "a-1");
  assertEquals(o.grep.map((r) => r.source), ["ERR", "WARN"]);
  assertEquals(o.exclude.map((r) => r.source), ["health"]);
  assertEquals(o.untilMatch?.source, "ready");
  assertEquals([o.forMs, o.maxLines, o.maxReconnects, o.idleTimeoutMs], [30_000, 10, 3, 2000]);
  assertEquals([o.events, o.color], [true, "never"]);
  assertEquals(parse("f", "--idle-timeout=0").idleTimeoutMs, 0);
  assertEquals(parse("--all", "-n", "openfaas-fn").all, true);
});

Deno.test("parseLogsOptions() takes --provider and --stack for direct mode", () => {
  assertEquals(parse("f", "--stack", "stack.yml").provider?.kind, "local");
  const o = parse("f", "--provider", "local", "--stack=s.yml");
  assertEquals([o.provider?.kind, o.provider?.stack], ["local", "s.yml"]);
  assertEquals(parse("f", "--upstream", "http://gw:8080/").provider?.upstream, "http://gw:8080");
  usage(
    ["f", "--provider", "nomad"],
    'Unknown provider "nomad": choose one of local, kubernetes, docker, journald, openfaas, nats',
  );
  usage(["f", "--provider", "local", "-g", "http://x"], "Give --gateway or --provider, not both");
});

Deno.test("parseLogsOptions() keeps names after -- and numeric names as text", () => {
  assertEquals(parse("--", "-odd", "--tail").names, ["-odd", "--tail"]);
  assertEquals(parse("123").names, ["123"]);
});

Deno.test("parseLogsOptions() rejects bad usage with clear messages", () => {
  usage([], "function name is required");
  usage(["f", "--all"], "Give function names or --all, not both");
  usage(["f", "--bogus"], "unknown flag: --bogus");
  usage(["f", "-x"], "unknown shorthand flag: 'x' in -x");
  usage(["f", "--since"], "flag needs an argument: --since");
  usage(["f", "-n"], "flag needs an argument: 'n' in -n");
  usage(["f", "-o", "yaml"], 'invalid argument "yaml" for "--output": unknown log format');
  usage(["f", "--lines", "x"], 'invalid argument "x" for "--lines": expected an integer');
  usage(
    ["f", "--max-lines", "0"],
    'invalid argument "0" for "--max-lines": expected an integer of at least 1',
  );
  usage(["f", "--max-reconnects", "-1"], /--max-reconnects/);
  usage(["f", "--for", "0s"], 'invalid argument "0s" for "--for": must be positive');
  usage(["f", "--grep", "("], /invalid argument "\(" for "--grep"/);
  usage(["f", "--color", "sometimes"], /expected auto, always or never/);
  usage(["f", "--events"], "--events needs JSON output (-o json or --json)");
  usage(["f", "--idle-timeout", "-1s"], /must not be negative/);
});

Deno.test("parseLogsOptions() lets --help through without a name", () => {
  assertEquals(parse("--help").help, true);
  assertEquals(parse("-h").help, true);
});

Deno.test("parseLogsOptions() takes -g more than once: several gateways, in order, each once", () => {
  const o = parse("f", "-g", "eu:8080", "--gateway", "https://US.example.com/", "-g", "eu:8080");
  assertEquals(o.gateways, ["http://eu:8080", "https://us.example.com"]);
  assertEquals(o.gateway, "http://eu:8080");
  assertEquals(parse("f").gateways, [DEFAULT_GATEWAY]);
});

Deno.test("parseLogsOptions() reads --context as fnlogs' context, or the kubeconfig's with --provider", () => {
  assertEquals(parse("f", "--context", "prod").context, "prod");
  const kube = parse("f", "--provider", "kubernetes", "--context", "kind-kind");
  assertEquals([kube.context, kube.provider?.context], [undefined, "kind-kind"]);
  usage(["f", "--context", "prod", "-g", "http://x"], "Give --gateway or --context, not both");
});

Deno.test("parseLogsOptions() reads --resume-file and --reorder-window", () => {
  const o = parse("f", "--resume-file", "pos.json", "--reorder-window", "250");
  assertEquals([o.resumeFile, o.reorderWindowMs], ["pos.json", 250]);
  assertEquals([parse("f").resumeFile, parse("f").reorderWindowMs], [undefined, undefined]);
});

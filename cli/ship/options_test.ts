import { assertEquals, assertThrows } from "@std/assert";
import { UsageError } from "../../lib/errors.ts";
import { parseShipOptions } from "./options.ts";

const env = (vars: Record<string, string> = {}) => (name: string) => vars[name];

Deno.test("parseShipOptions() reads the provider, the servers and the stream settings", () => {
  const options = parseShipOptions([
    "--from",
    "journald",
    "--journal-dir",
    "/j",
    "--to",
    "nats://a:4222,nats://b:4222",
    "--to",
    "c:4222",
    "--replicas",
    "3",
    "--max-age",
    "72h",
    "--max-bytes",
    "1000000",
    "--stream",
    "LOGS",
    "--subject-prefix",
    "logs.prod",
    "--duplicate-window",
    "5m",
    "--max-in-flight",
    "100",
    "--stats-interval",
    "0",
  ], env());
  assertEquals(options.provider.kind, "journald");
  assertEquals(options.provider.journalDir, "/j");
  assertEquals(options.servers, ["nats://a:4222,nats://b:4222", "c:4222"]);
  assertEquals(options.stream, {
    name: "LOGS",
    subjectPrefix: "logs.prod",
    replicas: 3,
    maxAgeMs: 72 * 3600_000,
    maxBytes: 1_000_000,
    duplicateWindowMs: 300_000,
  });
  assertEquals(options.maxInFlight, 100);
  assertEquals(options.statsIntervalMs, 0);
});

Deno.test("parseShipOptions() takes the servers and token from the environment", () => {
  const options = parseShipOptions(
    ["--from", "docker"],
    env({ FNLOGS_NATS_URL: "nats://n:4222", FNLOGS_NATS_TOKEN: "t" }),
  );
  assertEquals(options.servers, ["nats://n:4222"]);
  assertEquals(options.token, "t");
  assertEquals(options.stream.maxBytes, -1);
  assertEquals(options.stream.duplicateWindowMs, 120_000);
});

Deno.test("parseShipOptions() refuses what cannot work, with the reason", () => {
  const cases: [string[], RegExp][] = [
    [["--to", "nats://a:1"], /needs --from KIND/],
    [["--from", "local"], /needs --to nats/],
    [["--from", "nats", "--to", "nats://a:1"], /reads an orchestrator/],
    [["--from", "podman", "--to", "nats://a:1"], /Unknown provider "podman"/],
    [["--from", "docker", "--to", "http://a:1"], /--to: Cannot use NATS URL "http:\/\/a:1"/],
    [["--from", "docker", "--to", "nats://a:1", "--replicas", "7"], /at most 5/],
    [["--from", "docker", "--to", "nats://a:1", "--subject-prefix", "a.*"], /dotted plain/],
    [["--from", "docker", "--to", "nats://a:1", "--stream", "a.b"], /--stream must be/],
    [["--from", "docker", "--to", "nats://a:1", "--max-age", "soon"], /--max-age/],
    [["--from", "docker", "--to", "nats://a:1", "--bogus"], /Unknown option --bogus/],
    // Zero would resend or list without a pause, for ever.
    [["--from", "docker", "--to", "nats://a:1", "--ack-timeout", "0s"], /--ack-timeout must be/],
    [["--from", "docker", "--to", "nats://a:1", "--discover-interval", "0"], /--discover-interval/],
    [["--from", "docker", "--to", "nats://a:1", "--drain-timeout=-1s"], /--drain-timeout/],
    // Credentials never shown back, and a bad escape is a usage error, not a crash.
    [
      ["--from", "docker", "--to", "http://me:s3cret@a:1"],
      /^--to: Cannot use NATS URL "http:\/\/\*\*\*@a:1"/,
    ],
    [
      ["--from", "docker", "--to", "nats://me:50%@a:1"],
      /^--to: Cannot use NATS URL "nats:\/\/\*\*\*@a:1": a user or password has a bad % escape$/,
    ],
    [
      ["--from", "docker", "--to", "nats://t0ken@a b"],
      /^--to: Cannot parse NATS URL "nats:\/\/\*\*\*@a b"/,
    ],
  ];
  for (const [args, message] of cases) {
    const error = assertThrows(() => parseShipOptions(args, env()), UsageError);
    assertEquals(message.test(error.message), true, `${args.join(" ")}: ${error.message}`);
    assertEquals(/s3cret|t0ken|\/\/me:/.test(error.message), false, error.message);
  }
});

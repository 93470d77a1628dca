/**
 * Auth end to end: `fnlogs serve` with OpenFaaS-style secrets and a bearer
 * token, `fnlogs logs` with and without credentials, as users run both.
 */
import { assert, assertEquals } from "@std/assert";
import { followUntil, runLogs, startServeProcess } from "./helpers/serve_process.ts";

const STACK = `
version: 1.0
functions:
  fn:
    fnlogs:
      command: "echo ready; sleep 60"
`;

const logs = (args: string[]) => runLogs(args, { OPENFAAS_CONFIG: "/nonexistent" });

Deno.test("fnlogs serve with credentials lets in only who belongs, and never logs them", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/stack.yml`, STACK);
  await Deno.writeTextFile(`${dir}/basic-auth-user`, "admin\n");
  await Deno.writeTextFile(`${dir}/basic-auth-password`, "pa55word\n");
  await using server = await startServeProcess([
    "--stack",
    `${dir}/stack.yml`,
    "--secrets-dir",
    dir,
    "--token",
    "t0ken-for-readers",
  ]);
  try {
    await server.waitForLog(/auth on/);
    const url = `${server.url}/system/logs?name=fn&tail=1`;
    const basic = "Basic " + btoa("admin:pa55word");
    // Until the function has written its line.
    await followUntil(`${url}&follow=true`, '"text":"ready"', {
      headers: { authorization: basic },
    });
    const anonymous = await fetch(url);
    assertEquals([anonymous.status, await anonymous.text()], [401, "credentials required\n"]);

    const withToken = await logs([
      "fn",
      "-g",
      server.url,
      "--tail=false",
      "--time-format=",
      "-k",
      "t0ken-for-readers",
    ]);
    assertEquals([withToken.code, withToken.stdout], [0, "ready\n"]);

    const without = await logs(["fn", "-g", server.url, "--tail=false"]);
    assertEquals(without.code, 1);
    assert(
      without.stderr.includes(
        'error: Unauthorized access, run "faas-cli login" to setup authentication for this server',
      ),
      without.stderr,
    );
    const log = server.log.map((l) => l.line).join("\n");
    for (const secret of ["pa55word", "t0ken-for-readers", btoa("admin:pa55word")]) {
      assertEquals(log.includes(secret), false, `the server log shows ${secret}`);
    }
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * SIGTERM while `fnlogs serve` streams a function writing as fast as it can
 * to many followers: every open stream ends cleanly (the terminating chunk:
 * readers see an end, not an error), the server exits 0, and no child
 * process is left behind (checked in /proc).
 */
import { assert, assertEquals } from "@std/assert";
import { childrenOf, isGone } from "./helpers/process_state.ts";
import { startServeProcess } from "./helpers/serve_process.ts";

const FOLLOWERS = 20;
const FAST = new URL("../bench/functions/fast.ts", import.meta.url).pathname;

Deno.test(`SIGTERM under load: ${FOLLOWERS} busy streams end cleanly, exit 0, no orphans`, async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/stack.yml`,
    `version: 1.0\nfunctions:\n  fast:\n    fnlogs:\n      command: ["deno", "run", "${FAST}"]\n      replicas: 2\n`,
  );
  const server = await startServeProcess(["--stack", `${dir}/stack.yml`, "--quiet"]);
  try {
    const readers = await Promise.all(
      Array.from({ length: FOLLOWERS }, async () => {
        const response = await fetch(`${server.url}/system/logs?name=fast&follow=true&tail=1`);
        assertEquals(response.status, 200);
        return response.body!.getReader();
      }),
    );
    // Every follower is receiving before the signal.
    await Promise.all(readers.map((r) => r.read()));
    const replicas = childrenOf(server.pid);
    assertEquals(replicas.length, 2);

    server.child.kill("SIGTERM");
    const endings = await Promise.all(readers.map(async (reader) => {
      let bytes = 0;
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return `ended after ${bytes} more bytes`;
          bytes += value.length;
        }
      } catch (error) {
        return `cut: ${error}`;
      }
    }));
    for (const ending of endings) assert(ending.startsWith("ended"), endings.join("\n"));
    assertEquals((await server.child.status).code, 0);
    for (const pid of replicas) assert(isGone(pid), `replica ${pid} outlived the server`);
    await server.waitForLog(/stopped/);
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

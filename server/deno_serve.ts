/**
 * The server as a `deno serve` module:
 * `deno serve --allow-read --allow-net --allow-env --allow-run server/deno_serve.ts`
 * serves the local runner on the stack file named by `FNLOGS_STACK`
 * (default `examples/stack.yml`), with the same handler `fnlogs serve` uses.
 *
 * @module
 */
import { createProvider } from "../lib/providers/mod.ts";
import { createHandler } from "./handler.ts";

const provider = await createProvider({
  kind: "local",
  stack: Deno.env.get("FNLOGS_STACK") ?? new URL("../examples/stack.yml", import.meta.url).pathname,
  onNotice: (message) => console.error(`fnlogs: ${message}`),
});
const handler = createHandler({
  provider,
  log: (message) => console.error(`fnlogs: ${message}`),
});

export default { fetch: handler } satisfies Deno.ServeDefaultExport;

/**
 * A Deno script built on fnlogs' library: follow a function and print every
 * line that mentions an error, with a running count. Stop with Ctrl-C.
 *
 *   deno run --allow-net --allow-env examples/count_errors.ts hello [GATEWAY]
 */
import { followLogs } from "../lib/mod.ts";

const [name = "hello", gateway = Deno.env.get("OPENFAAS_URL") ?? "http://127.0.0.1:8080"] =
  Deno.args;
const controller = new AbortController();
Deno.addSignalListener("SIGINT", () => controller.abort());

let errors = 0;
for await (
  const message of followLogs({
    gateway,
    name,
    tail: 100,
    signal: controller.signal,
    onEvent: (event) => console.error(`(${event.event})`),
  })
) {
  if (/error|fail/i.test(message.text)) {
    errors++;
    console.log(`#${errors} ${message.timestamp} ${message.instance}: ${message.text}`);
  }
}
console.error(`${errors} error lines`);

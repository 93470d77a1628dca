/**
 * `fnlogs serve` for the page's tests: a stack of small functions written to
 * a temporary directory, run by the local runner, on a loopback port.
 */
import { type ServeProcess, startServeProcess } from "../../helpers/serve_process.ts";

const FUNCTIONS = new URL("../functions/", import.meta.url).pathname;

/** How the local runner runs one test function. */
export interface TestFunction {
  /** The program's argv (`deno` runs this Deno). */
  readonly command: readonly string[];
  readonly replicas?: number;
}

/** `print_file.ts`: prints `lines`, `delayMs` apart, then stays up (in `replicas` processes). */
export async function printing(
  dir: string,
  name: string,
  lines: readonly string[],
  delayMs = 0,
  replicas = 1,
): Promise<TestFunction> {
  const file = `${dir}/${name}.lines.json`;
  await Deno.writeTextFile(file, JSON.stringify(lines));
  return {
    command: ["deno", "run", "--allow-read", `${FUNCTIONS}print_file.ts`, file, String(delayMs)],
    replicas,
  };
}

/** `counter.ts`: `run=RUN n=N` every `ms`. */
export function counting(ms = 100, replicas = 1): TestFunction {
  return { command: ["deno", "run", `${FUNCTIONS}counter.ts`, String(ms)], replicas };
}

/** A running server and the directory of its stack. */
export interface UiServer extends AsyncDisposable {
  readonly server: ServeProcess;
  readonly dir: string;
  readonly stack: string;
  /** Stops the server and removes the directory. */
  stop(): Promise<void>;
}

/** Writes the stack file of `functions` in `dir`. */
export async function writeStack(
  dir: string,
  functions: Readonly<Record<string, TestFunction>>,
  namespace?: string,
): Promise<string> {
  const stack = `${dir}/stack.yml`;
  let yaml = namespace === undefined ? "" : `fnlogs:\n  namespace: ${namespace}\n`;
  yaml += "functions:\n";
  for (const [name, fn] of Object.entries(functions)) {
    yaml += `  ${name}:\n    fnlogs:\n      command: ${JSON.stringify(fn.command)}\n`;
    if (fn.replicas !== undefined) yaml += `      replicas: ${fn.replicas}\n`;
  }
  await Deno.writeTextFile(stack, yaml);
  return stack;
}

/**
 * Starts `fnlogs serve --stack STACK ARGS` for `functions`; `make` gets the
 * directory first, to write what the functions read.
 */
export async function startUiServer(
  make: (dir: string) => Promise<Readonly<Record<string, TestFunction>>>,
  args: readonly string[] = [],
  options: { namespace?: string; env?: Record<string, string> } = {},
): Promise<UiServer> {
  const dir = await Deno.makeTempDir({ prefix: "fnlogs-ui-test-" });
  const stack = await writeStack(dir, await make(dir), options.namespace);
  const server = await startServeProcess(["--stack", stack, ...args], options.env);
  const stop = async () => {
    await server.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  return { server, dir, stack, stop, [Symbol.asyncDispose]: stop };
}

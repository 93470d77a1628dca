/**
 * Real `nats-server` processes on loopback for the tests and benchmarks: one
 * JetStream node, or a three-node JetStream cluster, each with its own store
 * directory and fixed ports so that a node can be killed and started again.
 * Tests that need it skip (with one line saying why) where it is missing.
 */

import { connect } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";

/** The nats-server executable (`FNLOGS_NATS_SERVER` overrides). */
export const NATS_SERVER = Deno.env.get("FNLOGS_NATS_SERVER") ?? "nats-server";

let available: boolean | undefined;
let told = false;

/** Whether nats-server runs here; prints once why the tests that need it skip. */
export function natsServerAvailable(): boolean {
  if (available === undefined) {
    try {
      available =
        new Deno.Command(NATS_SERVER, { args: ["--version"], stdout: "null", stderr: "null" })
          .outputSync().success;
    } catch {
      available = false;
    }
  }
  if (!available && !told) {
    told = true;
    console.error(
      `skipping the NATS tests: ${NATS_SERVER} is not installed (apt-get install nats-server)`,
    );
  }
  return available;
}

/** A free TCP port on loopback (closed again at once, so a server can take it). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** One running (or stopped) nats-server node. */
export class NatsNode {
  readonly port: number;
  readonly url: string;
  readonly storeDir: string;
  readonly #args: string[];
  #child?: Deno.ChildProcess;
  #log = "";

  constructor(port: number, storeDir: string, args: string[]) {
    this.port = port;
    this.url = `nats://127.0.0.1:${port}`;
    this.storeDir = storeDir;
    this.#args = args;
  }

  /** What it printed so far. */
  get log(): string {
    return this.#log;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** Starts it and resolves once it accepts clients (rejects after 20 s). */
  async start(readyPattern = /Server is ready/): Promise<void> {
    const child = new Deno.Command(NATS_SERVER, {
      args: [
        "-a",
        "127.0.0.1",
        "-p",
        String(this.port),
        "-js",
        "-sd",
        this.storeDir,
        ...this.#args,
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    this.#child = child;
    this.#log = "";
    const decoder = new TextDecoder();
    let resolveReady!: () => void, rejectReady!: (e: Error) => void;
    const ready = new Promise<void>((res, rej) => {
      resolveReady = res;
      rejectReady = rej;
    });
    (async () => {
      for await (const chunk of child.stderr) {
        this.#log += decoder.decode(chunk, { stream: true });
        if (readyPattern.test(this.#log)) resolveReady();
      }
      rejectReady(new Error(`nats-server on ${this.port} exited:\n${this.#log.slice(-2000)}`));
    })();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      ready,
      new Promise((_, reject) =>
        timer = setTimeout(
          () =>
            reject(new Error(`nats-server on ${this.port} not ready:\n${this.#log.slice(-2000)}`)),
          20_000,
        )
      ),
    ]).finally(() => clearTimeout(timer));
  }

  /** Sends `signal` and waits for the exit. */
  async stop(signal: Deno.Signal = "SIGTERM"): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    this.#child = undefined;
    try {
      child.kill(signal);
    } catch {
      // Gone already.
    }
    await child.status;
  }
}

/** A set of nodes that share a temporary directory, stopped and removed together. */
export class NatsFixture implements AsyncDisposable {
  readonly nodes: NatsNode[];
  readonly dir: string;

  private constructor(dir: string, nodes: NatsNode[]) {
    this.dir = dir;
    this.nodes = nodes;
  }

  /** Every node's client URL. */
  get urls(): string[] {
    return this.nodes.map((n) => n.url);
  }

  /** One JetStream node. */
  static async single(extraArgs: string[] = []): Promise<NatsFixture> {
    const dir = await Deno.makeTempDir({ prefix: "fnlogs-nats-" });
    const node = new NatsNode(freePort(), `${dir}/n0`, extraArgs);
    const fixture = new NatsFixture(dir, [node]);
    await node.start();
    return fixture;
  }

  /** Three JetStream nodes in one cluster on loopback. */
  static async cluster(): Promise<NatsFixture> {
    const dir = await Deno.makeTempDir({ prefix: "fnlogs-nats-" });
    const routePorts = [freePort(), freePort(), freePort()];
    const routes = routePorts.map((p) => `nats-route://127.0.0.1:${p}`).join(",");
    const nodes = routePorts.map((routePort, i) =>
      new NatsNode(freePort(), `${dir}/n${i}`, [
        "--name",
        `n${i}`,
        "--cluster_name",
        "fnlogs",
        "--cluster",
        `nats://127.0.0.1:${routePort}`,
        "--routes",
        routes,
      ])
    );
    const fixture = new NatsFixture(dir, nodes);
    try {
      await Promise.all(nodes.map((n) => n.start()));
      await fixture.#jetStreamReady();
    } catch (error) {
      await fixture[Symbol.asyncDispose]();
      throw error;
    }
    return fixture;
  }

  /** Resolves once the cluster has a JetStream meta leader (asked every 100 ms, for 20 s at most). */
  async #jetStreamReady(): Promise<void> {
    const nc = await connect({ servers: this.urls, timeout: 2000 });
    try {
      const jsm = await jetstreamManager(nc, { checkAPI: false, timeout: 1000 });
      for (let tries = 0;; tries++) {
        try {
          await jsm.getAccountInfo();
          return;
        } catch (error) {
          if (tries >= 200) throw new Error(`JetStream not ready after 20 s: ${error}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    } finally {
      await nc.close();
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop("SIGKILL")));
    await Deno.remove(this.dir, { recursive: true }).catch(() => {});
  }
}

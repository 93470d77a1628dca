/**
 * Test helpers for a real Podman API service (see setup.sh): where it is,
 * and containers created, started and removed through its Docker API.
 */

const SETUP = new URL("./setup.sh", import.meta.url).pathname;

/** The test image setup.sh imports: busybox and nothing else. */
export const TEST_IMAGE = "localhost/fnlogs-busybox:latest";

function podmanInstalled(): boolean {
  try {
    return new Deno.Command("podman", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

/**
 * The Docker host of the test service: `FNLOGS_TEST_DOCKER_HOST` when set,
 * else whatever setup.sh prints when podman is installed (it starts the
 * service if needed). `reason` says why there is none.
 */
export async function findTestDockerHost(): Promise<{ host?: string; reason?: string }> {
  const given = Deno.env.get("FNLOGS_TEST_DOCKER_HOST");
  if (given) return { host: given };
  if (!podmanInstalled()) {
    return {
      reason: "podman is not installed (run tests/podman/setup.sh or set FNLOGS_TEST_DOCKER_HOST)",
    };
  }
  const out = await new Deno.Command("bash", { args: [SETUP], stdout: "piped", stderr: "piped" })
    .output();
  const host = new TextDecoder().decode(out.stdout).trim().split("\n").pop();
  if (!out.success || !host) {
    return { reason: `tests/podman/setup.sh failed: ${new TextDecoder().decode(out.stderr)}` };
  }
  return { host };
}

/** What {@linkcode PodmanApi.create} makes. */
export interface ContainerSpec {
  readonly name: string;
  /** The `com.openfaas.function` label, if any. */
  readonly fn?: string;
  readonly labels?: Record<string, string>;
  /** A busybox `sh -c` script. */
  readonly script: string;
  readonly tty?: boolean;
}

/** A little Docker API client for setting up test containers. */
export class PodmanApi implements AsyncDisposable {
  readonly #client: Deno.HttpClient;
  readonly #base: string;
  readonly socketPath?: string;
  readonly #created: string[] = [];

  constructor(host: string) {
    if (host.startsWith("unix://")) {
      this.socketPath = host.slice("unix://".length);
      this.#client = Deno.createHttpClient({
        proxy: { transport: "unix", path: this.socketPath },
      });
      this.#base = "http://localhost";
    } else {
      this.#client = Deno.createHttpClient({});
      this.#base = host.replace(/^tcp:/, "http:");
    }
  }

  async request(method: string, path: string, body?: unknown): Promise<Response> {
    const response = await fetch(this.#base + path, {
      method,
      client: this.#client,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    }
    return response;
  }

  /** Creates (but does not start) a container; it is removed on dispose. */
  async create(spec: ContainerSpec): Promise<string> {
    const labels = { ...spec.labels };
    if (spec.fn !== undefined) labels["com.openfaas.function"] = spec.fn;
    const response = await this.request(
      "POST",
      `/containers/create?name=${encodeURIComponent(spec.name)}`,
      {
        Image: TEST_IMAGE,
        Cmd: ["sh", "-c", spec.script],
        Labels: labels,
        Tty: spec.tty ?? false,
        HostConfig: { NetworkMode: "none" },
      },
    );
    const { Id } = await response.json() as { Id: string };
    this.#created.push(Id);
    return Id;
  }

  async start(id: string): Promise<void> {
    await (await this.request("POST", `/containers/${id}/start`)).body?.cancel();
  }

  async stop(id: string): Promise<void> {
    await (await this.request("POST", `/containers/${id}/stop?t=0`)).body?.cancel();
  }

  /**
   * Returns as soon as the container has exited, with the Docker API's own
   * wait (`POST /containers/{id}/wait`, an event from the service, not a
   * poll): what a restart policy reacts to. Returns the exit code.
   */
  async waitExited(id: string): Promise<number> {
    const { StatusCode } = await (await this.request("POST", `/containers/${id}/wait`)).json() as {
      StatusCode: number;
    };
    return StatusCode;
  }

  /**
   * Blocks until the container has stopped: {@linkcode waitExited}, then
   * until inspecting it says it is no longer running, which Podman reports a
   * little later, once it has finished with the exited process (an inspect
   * that races the exit, a 500 "no such process" seen in CI, is asked
   * again). Tests that restart a container use it to restart at a human
   * pace; the test of instant restarts uses {@linkcode waitExited}.
   */
  async waitStopped(id: string): Promise<number> {
    const code = await this.waitExited(id);
    for (let i = 0; i < 400; i++) {
      const response = await fetch(`${this.#base}/containers/${id}/json`, { client: this.#client });
      if (response.ok) {
        const { State } = await response.json() as { State: { Running: boolean } };
        if (!State.Running) return code;
      } else {
        await response.body?.cancel();
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`Container ${id} never stopped`);
  }

  /** Connections open to the service's socket (server side), from /proc/net/unix. */
  async connectionCount(): Promise<number> {
    if (this.socketPath === undefined) return NaN;
    const table = await Deno.readTextFile("/proc/net/unix");
    // The listening socket has state 01 (flag 00010000); accepted ones state 03.
    return table.split("\n").filter((line) =>
      line.endsWith(" " + this.socketPath) && line.trim().split(/\s+/)[5] === "03"
    ).length;
  }

  async remove(id: string): Promise<void> {
    await (await this.request("DELETE", `/containers/${id}?force=true&v=true`)).body?.cancel();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    for (const id of this.#created.splice(0)) {
      await this.remove(id).catch(() => {});
    }
    this.#client.close();
  }
}

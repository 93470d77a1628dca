/**
 * A fake Docker Engine API on a loopback port, for the Docker provider's unit
 * tests: they script its containers, their logs bodies and the events body,
 * and watch the requests. The real daemon (Podman) is exercised in
 * tests/docker_provider_test.ts.
 *
 * @module
 */

const encoder = new TextEncoder();

/** One frame of a multiplexed logs body: stream `type` (1 stdout, 2 stderr, 3 system). */
export function frame(type: number, text: string): Uint8Array {
  const payload = encoder.encode(text);
  const out = new Uint8Array(8 + payload.length);
  out[0] = type;
  new DataView(out.buffer).setUint32(4, payload.length);
  out.set(payload, 8);
  return out;
}

/** A container as `GET /containers/json` lists it. */
export interface Container {
  Id: string;
  Names: string[];
  Labels: Record<string, string>;
  State: string;
  Created: number;
  Image?: string;
}

/** A body the test writes to while the provider reads it. */
export class Body {
  controller!: ReadableStreamDefaultController<Uint8Array>;
  pulls = 0;
  readonly cancelled: Promise<void>;
  #cancel!: () => void;
  readonly stream: ReadableStream<Uint8Array>;
  constructor(chunks: Uint8Array[] = [], close = false) {
    this.cancelled = new Promise((resolve) => this.#cancel = resolve);
    this.stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.controller = controller;
        for (const chunk of chunks) controller.enqueue(chunk);
        if (close) controller.close();
      },
      pull: () => {
        this.pulls++;
      },
      cancel: () => this.#cancel(),
    }, { highWaterMark: 0 });
  }
}

/** Answers one request for a container. */
export type Route = (url: URL, request: Request) => Response | Promise<Response>;

/**
 * The Docker Engine API's container list, container state, events and logs,
 * as the test scripts them; it records every request.
 */
export class FakeDocker implements AsyncDisposable {
  containers: Container[] = [];
  running = new Map<string, boolean>();
  logs = new Map<string, Route>();
  events?: Body;
  /** Makes the body of each `/events` request (instead of the one `events`). */
  eventsEach?: (url: URL) => Body;
  podman = false;
  requests: URL[] = [];
  readonly #server: Deno.HttpServer<Deno.NetAddr>;

  constructor() {
    this.#server = Deno.serve(
      { port: 0, hostname: "127.0.0.1", onListen: () => {} },
      (request) => this.#handle(request),
    );
  }

  get host(): string {
    return `tcp://127.0.0.1:${this.#server.addr.port}`;
  }

  add(name: string, fn: string, state = "exited", labels: Record<string, string> = {}): string {
    const id = (name + "0".repeat(64)).replace(/[^0-9a-z]/g, "0").slice(0, 64);
    this.containers.push({
      Id: id,
      Names: ["/" + name],
      Labels: { "com.openfaas.function": fn, ...labels },
      State: state,
      Created: 1700000000 + this.containers.length,
      Image: "busybox",
    });
    this.running.set(id, state === "running");
    return id;
  }

  /** Resolves with the first request (already made, or to come) that `test` accepts. */
  waitForRequest(test: (url: URL) => boolean): Promise<URL> {
    const made = this.requests.find(test);
    if (made !== undefined) return Promise.resolve(made);
    return new Promise((resolve) => this.#waiters.push({ test, resolve }));
  }

  readonly #waiters: { test: (url: URL) => boolean; resolve: (url: URL) => void }[] = [];

  #handle(request: Request): Response | Promise<Response> {
    const url = new URL(request.url);
    this.requests.push(new URL(url));
    for (const waiter of this.#waiters.splice(0)) {
      if (waiter.test(url)) waiter.resolve(new URL(url));
      else this.#waiters.push(waiter);
    }
    url.pathname = url.pathname.replace(/^\/v1\.\d+\//, "/");
    const headers: Record<string, string> = this.podman ? { "Libpod-Api-Version": "4.3.1" } : {};
    const json = (value: unknown) => Response.json(value, { headers });
    if (url.pathname === "/containers/json") {
      const filters = JSON.parse(url.searchParams.get("filters") ?? "{}") as { label?: string[] };
      return json(this.containers.filter((c) =>
        (filters.label ?? []).every((l) => {
          const [key, value] = l.split("=");
          return value === undefined ? key in c.Labels : c.Labels[key] === value;
        })
      ));
    }
    if (url.pathname === "/events" && this.eventsEach !== undefined) {
      return new Response(this.eventsEach(url).stream, { headers });
    }
    if (url.pathname === "/events" && this.events !== undefined) {
      return new Response(this.events.stream, { headers });
    }
    const m = /^\/containers\/([^/]+)\/(logs|json)$/.exec(url.pathname);
    if (m !== null && m[2] === "json" && this.running.has(m[1])) {
      return json({ State: { Running: this.running.get(m[1]) } });
    }
    const route = m === null ? undefined : this.logs.get(m[1]);
    if (route !== undefined) return route(url, request);
    return Response.json({ message: `no such container: ${url.pathname}` }, { status: 404 });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    try {
      this.events?.controller.close();
    } catch {
      // Cancelled by the client already.
    }
    await this.#server.shutdown();
  }
}

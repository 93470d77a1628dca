/**
 * A real TCP proxy on loopback that breaks connections at random points of
 * the server-to-client bytes (inside headers, chunk sizes, JSON, events), a
 * bounded number of times, then passes everything through. Each broken
 * connection gets one fault, drawn at random:
 *
 * - `cut`: the proxy closes its side cleanly (FIN after the bytes let
 *   through), as a server or load balancer that gives up does.
 * - `reset`: the proxy aborts the connection with a TCP RST, as a crashed
 *   peer or a firewall does; the client's reads fail with `ECONNRESET`.
 * - `stall`: the proxy stops forwarding and keeps the connection open, as a
 *   dead network path does; only an idle timeout on the client gets it out.
 *
 * A segment may also end in a `delay` (a short pause, then a new segment),
 * which a client must ride out without reconnecting.
 *
 * Why `node:net`: a `Deno.Conn` cannot send a RST (it has no `SO_LINGER`,
 * and its `close()` shuts the write side down first, so closing with unread
 * data still sends a FIN). `node:net`'s `resetAndDestroy()` sets
 * `SO_LINGER` to 0 and closes, which makes the kernel send a RST (checked
 * with `strace`: `setsockopt(SO_LINGER, {l_onoff=1, l_linger=0})`).
 */
import net from "node:net";

const latin1 = new TextDecoder("latin1");

/** How a connection is broken. */
export type FaultKind = "cut" | "reset" | "stall";

/** Options for {@linkcode startCuttingProxy}. */
export interface CuttingProxyOptions {
  /** Where to forward to. */
  readonly target: { readonly hostname: string; readonly port: number };
  /** A seeded source of numbers in [0, 1). */
  readonly random: () => number;
  /** Break at most this many connections. */
  readonly maxFaults: number;
  /** Relative weights of the fault kinds (default `{ cut: 1 }`: cuts only). */
  readonly weights?: Partial<Readonly<Record<FaultKind, number>>>;
  /** The chance that a segment ends in a pause rather than a fault (default 0). */
  readonly delayChance?: number;
  /** The longest pause, in ms (default 10). */
  readonly maxDelayMs?: number;
  /** A segment ends after between `minBytes` and `maxBytes` bytes downstream. */
  readonly minBytes?: number;
  readonly maxBytes?: number;
  /**
   * Connections are let through for at least this many bytes (and never
   * reset) until one of them has been.
   */
  readonly firstMinBytes?: number;
}

/** A running proxy. */
export interface CuttingProxy extends AsyncDisposable {
  readonly url: string;
  /** Connections broken so far. */
  readonly faults: number;
  /** Faults by kind, and pauses (`delay`) ridden out. */
  readonly tally: Readonly<Record<FaultKind | "delay", number>>;
  /** Faults by kind that hit inside a line (the last byte let through was not `\n`). */
  readonly midLine: Readonly<Record<FaultKind, number>>;
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

const KINDS: readonly FaultKind[] = ["cut", "reset", "stall"];

/** Starts the proxy on `127.0.0.1`, port chosen by the system. */
export async function startCuttingProxy(options: CuttingProxyOptions): Promise<CuttingProxy> {
  const random = options.random;
  const minBytes = options.minBytes ?? 1;
  const maxBytes = options.maxBytes ?? 64 * 1024;
  const weights = KINDS.map((kind) => options.weights?.[kind] ?? (kind === "cut" ? 1 : 0));
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const delayChance = options.delayChance ?? 0;
  const maxDelayMs = options.maxDelayMs ?? 10;
  const tally = { cut: 0, reset: 0, stall: 0, delay: 0 };
  const midLine = { cut: 0, reset: 0, stall: 0 };
  let faults = 0;
  /**
   * Whether the client has had an answer: it asks to resume (`since=` or
   * `Last-Event-ID`) only after it read one. Until then a fault could come
   * before the answer that the client is waiting for (its first try may
   * also time out under load), and a client that never had an answer
   * rightly gives up: so until then every connection passes its response
   * head and `firstMinBytes` more before any fault, and is never reset.
   */
  let answered = false;
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const pickKind = (): FaultKind | "delay" => {
    if (random() < delayChance) return "delay";
    let r = random() * totalWeight;
    for (let i = 0; i < KINDS.length; i++) {
      r -= weights[i];
      if (r < 0) return KINDS[i];
    }
    return "cut";
  };

  const relay = (client: net.Socket) => {
    connections++;
    const upstream = net.connect({ host: options.target.hostname, port: options.target.port });
    sockets.add(client);
    sockets.add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);

    const faulting = faults < options.maxFaults;
    let state: "flowing" | "paused" | "broken" = "flowing";
    let budget = Infinity;
    let kind: FaultKind | "delay" = "cut";
    let lastByte = -1;
    let early = false;
    let head = "";
    const pending: Uint8Array[] = [];
    const plan = (first: boolean) => {
      if (!faulting) return;
      early = first && !answered;
      const low = early ? Math.max(minBytes, options.firstMinBytes ?? 0) : minBytes;
      budget = low + Math.floor(random() * Math.max(1, maxBytes - low));
      kind = pickKind();
      // A reset can take the response head with it, and a client that never
      // got one answer gives up: no reset before some connection answered.
      if (early && kind === "reset") kind = "cut";
    };
    plan(true);

    const destroyBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    const onError = () => destroyBoth();
    client.on("error", onError);
    upstream.on("error", onError);
    client.on("close", () => {
      sockets.delete(client);
      upstream.destroy();
    });
    upstream.on("close", () => {
      sockets.delete(upstream);
      // A cut lets the client read what was sent before the FIN; otherwise go too.
      if (state !== "broken") client.destroy();
    });
    // The request (and anything else the client sends) goes up unchanged.
    client.on("data", (bytes: Uint8Array) => {
      if (!answered && /since=|last-event-id:/i.test(latin1.decode(bytes))) answered = true;
      upstream.write(bytes);
    });
    // The server ended its answer: pass the end on once what came before is out.
    upstream.on("end", () => {
      if (state === "flowing" && pending.length === 0) client.end();
    });

    const fault = () => {
      if (kind === "delay") {
        tally.delay++;
        state = "paused";
        upstream.pause();
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (state !== "paused") return;
          state = "flowing";
          plan(false);
          upstream.resume();
          pump();
        }, 1 + Math.floor(random() * maxDelayMs));
        timers.add(timer);
        return;
      }
      faults++;
      tally[kind]++;
      if (lastByte !== 10) midLine[kind]++;
      state = "broken";
      pending.length = 0;
      if (kind === "cut") {
        client.end();
        upstream.destroy();
      } else if (kind === "reset") {
        client.resetAndDestroy();
        upstream.destroy();
      } else {
        // A stall: nothing more goes down; both connections stay open until
        // the client gives up (its close destroys the upstream).
        upstream.pause();
      }
    };

    const pump = () => {
      while (state === "flowing" && pending.length > 0) {
        const chunk = pending[0];
        let free = 0; // Bytes of the response head, let through before the budget counts.
        if (early && !head.endsWith("\r\n\r\n")) {
          const text = latin1.decode(chunk);
          const end = (head + text).indexOf("\r\n\r\n");
          free = end === -1 ? chunk.length : Math.min(chunk.length, end + 4 - head.length);
          head += text.slice(0, free);
        }
        const take = Math.min(chunk.length, free + budget);
        if (take === chunk.length) pending.shift();
        else pending[0] = chunk.subarray(take);
        budget -= take - free;
        let drained = true;
        if (take > 0) {
          lastByte = chunk[take - 1];
          drained = client.write(chunk.subarray(0, take));
        }
        if (budget <= 0) {
          fault();
          continue;
        }
        if (!drained) {
          // Backpressure: read no more from the server until the client caught up.
          upstream.pause();
          client.once("drain", () => {
            if (state !== "flowing") return;
            upstream.resume();
            pump();
          });
          return;
        }
      }
      if (state === "flowing" && upstream.readableEnded && pending.length === 0) client.end();
    };
    upstream.on("data", (bytes: Uint8Array) => {
      if (state === "broken") return;
      pending.push(bytes);
      pump();
    });
  };

  const server = net.createServer(relay);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;

  let closing: Promise<void> | undefined;
  const close = () =>
    closing ??= new Promise<void>((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  return {
    url: `http://127.0.0.1:${port}`,
    get faults() {
      return faults;
    },
    tally,
    midLine,
    get connections() {
      return connections;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

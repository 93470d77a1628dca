/**
 * `fnlogs ship`: reads a provider and publishes every line to JetStream
 * until the stop signal, then waits for the last acknowledgements.
 *
 * @module
 */
import { createProvider } from "../../lib/providers/mod.ts";
import { connectNats } from "../../lib/providers/nats/connection.ts";
import { ship, type ShipSummary } from "../../lib/ship/shipper.ts";
import { SHIP_HELP } from "./help.ts";
import { parseShipOptions } from "./options.ts";

/** What `runShip` needs from its surroundings. */
export interface ShipIO {
  readonly stdout: (text: string) => void;
  /** Status lines: connection, functions, rate and lag. */
  readonly stderr: (line: string) => void;
  readonly env: (name: string) => string | undefined;
  /** Aborted on SIGINT/SIGTERM: stop reading, drain, return. */
  readonly signal: AbortSignal;
}

/**
 * Runs `fnlogs ship ARGS` until `io.signal` aborts; `undefined` after help,
 * or when stopped before the broker could be reached.
 */
export async function runShip(args: string[], io: ShipIO): Promise<ShipSummary | undefined> {
  const options = parseShipOptions(args, io.env);
  if (options.help) {
    io.stdout(SHIP_HELP);
    return undefined;
  }
  const log = (message: string) => io.stderr(`${new Date().toISOString()} fnlogs ship: ${message}`);
  let nc;
  try {
    nc = await connectNats({
      servers: options.servers,
      token: options.token,
      name: "fnlogs ship",
      onNotice: log,
      signal: io.signal,
    });
  } catch (error) {
    // Told to stop while the broker was still unreachable: a stop, not a failure.
    if (io.signal.aborted) {
      log("stopped before NATS could be reached: nothing shipped");
      return undefined;
    }
    throw error;
  }
  log(`connected to NATS at ${nc.getServer()}`);
  const provider = await createProvider({
    ...options.provider,
    namespace: options.namespace ?? options.provider.namespace,
    onNotice: log,
  });
  try {
    return await ship({
      provider,
      nc,
      stream: options.stream,
      namespace: options.namespace,
      maxInFlight: options.maxInFlight,
      ackTimeoutMs: options.ackTimeoutMs,
      statsIntervalMs: options.statsIntervalMs,
      discoverIntervalMs: options.discoverIntervalMs,
      drainTimeoutMs: options.drainTimeoutMs,
      onNotice: log,
      signal: io.signal,
    });
  } finally {
    await provider.close();
    await nc.close().catch(() => {});
  }
}

import { PROVIDER_FLAGS_HELP } from "../provider_flags.ts";

/** Help text of `fnlogs ship`. */
export const SHIP_HELP =
  `fnlogs ship: publish function logs from a provider to a NATS JetStream stream

USAGE
  fnlogs ship --from KIND [PROVIDER OPTIONS] --to nats://HOST:PORT [--to ...] [OPTIONS]

Follows every function the provider lists (and those that appear later) and publishes
each line to the subject PREFIX.NAMESPACE.FUNCTION.INSTANCE as its NDJSON object, with a
Nats-Msg-Id naming the line, so a restarted shipper neither loses nor repeats one: it
resumes after what the stream already holds. Rate and lag go to stderr. SIGINT/SIGTERM:
stop reading, wait until every accepted line is acknowledged, exit 0.

OPTIONS
      --from KIND              the provider to read: local, kubernetes, docker, journald, openfaas
      --to URL                 a NATS server (repeat, or comma-separate, for a cluster;
                               env FNLOGS_NATS_URL; nats://user:password@host:port allowed)
      --nats-token TOKEN       NATS token (env FNLOGS_NATS_TOKEN)
      --stream NAME            the JetStream stream (default FNLOGS; made if missing)
      --subject-prefix P       subjects are P.NS.FN.INSTANCE (default fnlogs)
      --replicas N             copies of a new stream in a cluster (default 1)
      --max-age DURATION       a new stream drops lines older than this (default: never)
      --max-bytes N            a new stream drops its oldest lines past N bytes (default: no cap)
      --duplicate-window D     how long the broker remembers message ids (default 2m)
      --namespace NS           the namespace whose functions are shipped (default: provider's)
      --max-in-flight N        most lines awaiting an acknowledgement (default 4096)
      --ack-timeout D          send a line again when not acknowledged in D (default 5s)
      --stats-interval D       how often rate and lag are told on stderr (default 10s; 0 = off)
      --discover-interval D    how often new functions are looked for (default 5s)
      --drain-timeout D        on stop, the longest wait for acknowledgements (default 30s)
  -h, --help                   this help

${PROVIDER_FLAGS_HELP}
EXAMPLES
  fnlogs ship --from local --stack examples/stack.yml --to nats://127.0.0.1:4222
  fnlogs ship --from kubernetes --to nats://n1:4222 --to nats://n2:4222 --replicas 3 --max-age 72h
  fnlogs ship --from journald --to nats://127.0.0.1:4222 --max-bytes 10000000000
`;

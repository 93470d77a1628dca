import { assertEquals, assertMatch, assertRejects } from "@std/assert";
import { jetstreamManager } from "@nats-io/jetstream";
import { NatsFixture, natsServerAvailable } from "../../tests/helpers/nats_server.ts";
import { connectNats } from "../providers/nats/connection.ts";
import { UpstreamError } from "../errors.ts";
import { ensureStream } from "./stream_setup.ts";

const ignore = !natsServerAvailable();

Deno.test({
  name:
    "ensureStream(): more replicas than a cluster has servers is asked again for a while (a cluster forming), then refused with the reason",
  ignore,
  async fn() {
    await using nats = await NatsFixture.cluster();
    const nc = await connectNats({ servers: nats.urls, name: "test" });
    try {
      const jsm = await jetstreamManager(nc, { checkAPI: false });
      const notices: string[] = [];
      const settings = {
        name: "FNLOGS",
        subjectPrefix: "fnlogs",
        replicas: 5,
        maxAgeMs: 0,
        maxBytes: -1,
        duplicateWindowMs: 60_000,
      };
      const error = await assertRejects(
        () => ensureStream(jsm, settings, (m) => notices.push(m), undefined, 600),
        UpstreamError,
      );
      assertMatch(
        error.message,
        /^Cannot make NATS stream FNLOGS: .*no suitable peers.* \(--replicas 5 needs at least 5 JetStream servers in the cluster\)$/,
      );
      assertEquals(notices.length >= 1, true);
      assertMatch(
        notices[0],
        /no suitable peers.* \(a cluster still forming\?\); asking again in \d+ ms$/,
      );
      // With as many replicas as servers it is made.
      await ensureStream(jsm, { ...settings, replicas: 3 }, (m) => notices.push(m));
      assertEquals(notices.at(-1), "made stream FNLOGS (fnlogs.>, 3 replica(s))");
    } finally {
      await nc.close();
    }
  },
});

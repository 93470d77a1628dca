import { assertEquals, assertRejects } from "@std/assert";
import { jetstreamManager } from "@nats-io/jetstream";
import { NatsFixture, natsServerAvailable } from "../../../tests/helpers/nats_server.ts";
import { connectNats } from "./connection.ts";
import { NatsProvider } from "./provider.ts";
import { ensureStream } from "../../ship/stream_setup.ts";
import { JetStreamPublisher } from "../../ship/jetstream_publisher.ts";
import { encodeRecordPayload, messageId } from "./record_codec.ts";
import { logSubject } from "./subject.ts";
import { FunctionNotFoundError } from "../../errors.ts";
import type { LogBatch, LogRecord } from "../../types.ts";

const ignore = !natsServerAvailable();

/** A stream holding `lines` lines of `fn` (instances a and b in turn) and 50 of `other`. */
async function fill(urls: string[], lines: number) {
  const nc = await connectNats({ servers: urls, name: "test" });
  const jsm = await jetstreamManager(nc, { checkAPI: false });
  await ensureStream(jsm, {
    name: "FNLOGS",
    subjectPrefix: "fnlogs",
    replicas: 1,
    maxAgeMs: 0,
    maxBytes: -1,
    duplicateWindowMs: 60_000,
  }, () => {});
  const publisher = new JetStreamPublisher(nc);
  const put = (name: string, instance: string, i: number) => {
    const record = {
      name,
      namespace: "openfaas-fn",
      instance,
      timestamp: new Date(Date.UTC(2024, 0, 1, 0, 0, 0, i)).toISOString(),
      text: `${name} ${i}`,
    };
    const subject = logSubject("fnlogs", record);
    publisher.publish({
      subject,
      payload: encodeRecordPayload(record),
      msgId: messageId(subject, record.timestamp, 0),
      timestamp: record.timestamp,
    });
  };
  for (let i = 0; i < lines; i++) {
    put("fn", i % 2 === 0 ? "a" : "b.1", i);
    if (i % 20 === 0 && i / 20 < 50) put("other", "x", i);
    if (!publisher.hasRoom) await publisher.waitForRoom();
  }
  await publisher.flush();
  publisher.close();
  await nc.close();
}

async function texts(stream: ReadableStream<LogBatch>, until?: number): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  const reader = stream.getReader();
  while (until === undefined || out.length < until) {
    const next = await reader.read();
    if (next.done) break;
    out.push(...next.value);
  }
  if (until !== undefined) await reader.cancel();
  return out;
}

Deno.test({
  name: "NatsProvider: history, tail, since, instance, cursor, follow and release",
  ignore,
  async fn() {
    await using nats = await NatsFixture.single();
    await fill(nats.urls, 3000);
    const provider = await NatsProvider.connect({ servers: nats.urls });
    try {
      const all = (i: number) => `fn ${i}`;
      const expected = Array.from({ length: 3000 }, (_, i) => all(i));

      const history = await provider.openLogs({ name: "fn", follow: false });
      const records = await texts(history.stream);
      assertEquals(records.map((r) => r.text), expected);
      assertEquals(records[1].instance, "b.1");

      for (const tail of [1, 7, 1500, 2999, 3000, 5000]) {
        const { stream } = await provider.openLogs({ name: "fn", tail, follow: false });
        assertEquals(
          (await texts(stream)).map((r) => r.text),
          expected.slice(-tail),
          `tail ${tail}`,
        );
      }

      const since = await provider.openLogs({
        name: "fn",
        since: new Date(Date.UTC(2024, 0, 1, 0, 0, 2, 500)).toISOString(),
        follow: false,
      });
      assertEquals((await texts(since.stream)).map((r) => r.text), expected.slice(2500));
      // A since after the last stored line answers nothing (it used to wait
      // for a line that never came).
      const later = await provider.openLogs({
        name: "fn",
        since: new Date(Date.now() + 3_600_000).toISOString(),
        follow: false,
      });
      assertEquals(await texts(later.stream), []);

      const instance = await provider.openLogs({
        name: "fn",
        instance: "b.1",
        tail: 3,
        follow: false,
      });
      assertEquals((await texts(instance.stream)).map((r) => r.text), [
        "fn 2995",
        "fn 2997",
        "fn 2999",
      ]);

      // A cursor resumes exactly after its record, also with a follow.
      const cursor = records[1233].cursor!;
      const resumed = await provider.openLogs({ name: "fn", cursor, tail: 1, follow: true });
      assertEquals(resumed.fromCursor, true);
      const checker = await connectNats({ servers: nats.urls, name: "check" });
      const jsm = await jetstreamManager(checker, { checkAPI: false });
      assertEquals((await jsm.streams.info("FNLOGS")).state.consumer_count, 1);
      assertEquals(
        (await texts(resumed.stream, 3000 - 1234)).map((r) => r.text),
        expected.slice(1234),
      );
      // Cancelling deleted the consumer at once.
      assertEquals((await jsm.streams.info("FNLOGS")).state.consumer_count, 0);

      // An aborted follow releases its consumer too.
      const controller = new AbortController();
      const followed = await provider.openLogs({ name: "other", follow: true }, {
        signal: controller.signal,
      });
      assertEquals((await texts(followed.stream, 50)).length, 50);
      const again = await provider.openLogs({ name: "other", follow: true }, {
        signal: controller.signal,
      });
      assertEquals((await jsm.streams.info("FNLOGS")).state.consumer_count, 1);
      const aborted = again.stream.getReader();
      await aborted.read();
      controller.abort();
      await assertRejects(async () => {
        while (!(await aborted.read()).done);
      });
      assertEquals((await jsm.streams.info("FNLOGS")).state.consumer_count, 0);

      assertEquals((await provider.listFunctions(undefined)).map((f) => [f.name, f.instances]), [
        ["fn", ["a", "b.1"]],
        ["other", ["x"]],
      ]);
      await assertRejects(
        () => provider.openLogs({ name: "missing", follow: false }),
        FunctionNotFoundError,
      );
      await checker.close();
    } finally {
      await provider.close();
    }
  },
});

Deno.test({
  name:
    "NatsProvider: a follower behind a stream whose retention dropped lines gets a gap, then the rest",
  ignore,
  async fn() {
    await using nats = await NatsFixture.single();
    const nc = await connectNats({ servers: nats.urls, name: "test" });
    const jsm = await jetstreamManager(nc, { checkAPI: false });
    await jsm.streams.add({ name: "TINY", subjects: ["tiny.>"], max_msgs: 300 });
    const publisher = new JetStreamPublisher(nc);
    const big = "y".repeat(8000);
    const put = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const record = {
          name: "fn",
          namespace: "openfaas-fn",
          instance: "a",
          timestamp: new Date(Date.UTC(2024, 0, 1, 0, 0, 0, i)).toISOString(),
          text: `${i} ${big}`,
        };
        const subject = logSubject("tiny", record);
        publisher.publish({
          subject,
          payload: encodeRecordPayload(record),
          msgId: messageId(subject, record.timestamp, 0),
          timestamp: record.timestamp,
        });
        if (!publisher.hasRoom) await publisher.waitForRoom();
      }
      await publisher.flush();
    };
    await put(0, 100);
    const provider = await NatsProvider.connect({
      servers: nats.urls,
      stream: "TINY",
      subjectPrefix: "tiny",
      maxQueued: 5,
    });
    try {
      const { stream } = await provider.openLogs({ name: "fn", follow: true });
      const reader = stream.getReader();
      const records: LogRecord[] = [];
      while (records.length < 50) records.push(...(await reader.read()).value!);
      // The reader stops taking; 2000 more lines go in, and retention keeps the last 300.
      await put(100, 2100);
      while (!records.some((r) => r.text.startsWith("2099 "))) {
        records.push(...(await reader.read()).value!);
      }
      await reader.cancel();
      const numbers = records.filter((r) => r.missed === undefined).map((r) =>
        Number(r.text.split(" ")[0])
      );
      const gaps = records.filter((r) => r.missed !== undefined);
      assertEquals(gaps.length, 1);
      // Every line is either read once, in order, or counted in the gap.
      assertEquals(new Set(numbers).size, numbers.length);
      assertEquals(numbers.length + gaps[0].missed!, 2100);
      assertEquals(numbers.slice(-300), Array.from({ length: 300 }, (_, i) => 1800 + i));
      assertEquals(
        gaps[0].text,
        `[fnlogs] up to ${
          gaps[0].missed
        } lines missed: the stream's retention dropped them before they were read`,
      );
    } finally {
      await provider.close();
      publisher.close();
      await nc.close();
    }
  },
});

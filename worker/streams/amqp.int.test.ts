/** Against the real RabbitMQ on 127.0.0.1:5672 (guest/guest). */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { randomBytes } from "node:crypto";
import pino from "pino";
import amqp, { type Channel, type ChannelModel } from "amqplib";
import { withTestDatabase } from "@/test/test-database";
import { waitFor } from "@/test/wait-for";
import { killHard, pointStats, startConsumerProcess, stopConsumerProcesses } from "@/test/stream-consumers";
import { getPrisma } from "@/lib/server/db";
import { createSource } from "@/lib/server/queries/sources";
import { testSourceConfig } from "@/lib/connectors/test-source";
import { StreamManager } from "@/worker/streams/manager";
import { MESSAGE_TIME_DAYS, pruneMessageTimes } from "@/lib/connectors/message-times";

const db = withTestDatabase();
vi.mock("@/lib/pipeline/schedule", () => ({ scheduleDetection: async () => undefined }));

const URL = "amqp://guest:guest@127.0.0.1:5672";
const SHOWN = "amqp://guest:***@127.0.0.1:5672";
const tag = randomBytes(4).toString("hex");
const EXCHANGE = `vigil-test-${tag}`;
let conn: ChannelModel;
let ch: Channel;
const queues: string[] = [];
const managers: StreamManager[] = [];

function startManager(): Promise<StreamManager> {
  const m = new StreamManager(pino({ level: "silent" }), { flushMs: 100, maxBuffer: 200, syncMs: 60_000 }, ["AMQP"]);
  managers.push(m);
  return m.start().then(() => m);
}

async function queue(name: string): Promise<string> {
  const q = `vigil-test-${tag}-${name}`;
  await ch.assertQueue(q, { durable: false });
  queues.push(q);
  return q;
}

const queueDepth = async (q: string) => (await ch.checkQueue(q)).messageCount;

/** On a channel of its own: a failed check closes the channel it ran on. */
async function queueExists(q: string): Promise<boolean> {
  const probe = await conn.createChannel();
  probe.on("error", () => undefined);
  return probe.checkQueue(q).then(
    () => probe.close().then(() => true),
    () => false,
  );
}

beforeAll(async () => {
  conn = await amqp.connect(URL);
  ch = await conn.createChannel();
  await ch.assertExchange(EXCHANGE, "topic", { durable: false, autoDelete: false });
});
afterAll(async () => {
  await stopConsumerProcesses();
  await Promise.all(managers.map((m) => m.stop()));
  for (const q of queues) await ch.deleteQueue(q).catch(() => undefined);
  await ch.deleteExchange(EXCHANGE).catch(() => undefined);
  await conn.close();
});

describe("AMQP sources", () => {
  it("declares and binds its queue on an exchange, maps routing keys to labels, acks after storing, rejects bad messages", async () => {
    const q = `vigil-test-${tag}-bound`;
    queues.push(q);
    const s = await createSource(
      { name: "amqp-a", kind: "AMQP", config: { url: URL, queue: q, exchange: EXCHANGE, bindingKey: "plant.*.temp", prefetch: 100, mapping: { value: "v", timestamp: "t", topicLabels: { site: 1 } } } },
      null,
    );
    await startManager();
    await waitFor("queue declared", () => queueExists(q), 10_000);
    ch.publish(EXCHANGE, "plant.north.temp", Buffer.from(JSON.stringify({ t: "2024-05-01T00:00:00Z", v: 21.5 })));
    ch.publish(EXCHANGE, "plant.south.temp", Buffer.from("19.25"), { timestamp: 1_714_521_600 });
    ch.publish(EXCHANGE, "plant.south.humidity", Buffer.from("80")); // not bound
    const rows = await waitFor("points", async () => {
      const r = await getPrisma().dataPoint.findMany({ where: { series: { sourceId: s.id } }, orderBy: { value: "desc" }, select: { ts: true, value: true, series: { select: { metric: true, labels: true } } } });
      return r.length >= 2 && r;
    }, 15_000);
    expect(rows.map((p) => [p.series.metric, p.series.labels, p.value, p.ts.toISOString()])).toEqual([
      ["temp", { site: "north" }, 21.5, "2024-05-01T00:00:00.000Z"],
      ["temp", { site: "south" }, 19.25, "2024-05-01T00:00:00.000Z"], // the message's timestamp property
    ]);
    await waitFor("acknowledged", async () => (await queueDepth(q)) === 0, 10_000);

    ch.publish(EXCHANGE, "plant.north.temp", Buffer.from(JSON.stringify({ t: 2, v: "hot" })));
    const row = await waitFor("error", async () => {
      const r = await getPrisma().dataSource.findUniqueOrThrow({ where: { id: s.id } });
      return r.status === "ERROR" && r;
    }, 10_000);
    expect(row.lastError).toBe("1 bad message(s) in the last batch; routing key plant.north.temp: v: value must be a finite number");
    expect(await queueDepth(q)).toBe(0); // rejected, not requeued
  }, 60_000);

  it("a missing queue is shown on the source", async () => {
    const s = await createSource({ name: "amqp-missing", kind: "AMQP", config: { url: URL, queue: `vigil-test-${tag}-nope`, prefetch: 10, mapping: { value: "v" } } }, null);
    await startManager();
    const row = await waitFor("error", async () => {
      const r = await getPrisma().dataSource.findUniqueOrThrow({ where: { id: s.id } });
      return r.status === "ERROR" && r;
    }, 10_000);
    expect(row.lastError).toBe(`queue not found: ${SHOWN} queue vigil-test-${tag}-nope`);
  });

  it("a worker killed mid-stream loses nothing and duplicates nothing", async () => {
    const q = await queue("kill");
    const s = await createSource({ name: "amqp-kill", kind: "AMQP", config: { url: URL, queue: q, prefetch: 50, mapping: { value: "v", timestamp: "t" } } }, null);
    const N = 3_000;
    const t0 = Date.parse("2024-01-01T00:00:00Z");
    for (let i = 0; i < N; i++) ch.sendToQueue(q, Buffer.from(JSON.stringify({ t: t0 + i * 1000, v: i })));
    await waitFor("published", async () => (await queueDepth(q)) === N, 10_000);
    const child = await startConsumerProcess(db.url(), "AMQP", { MAX_BUFFER: "25" });
    await waitFor("part of the queue stored", async () => (await pointStats(s.id)).n >= 200, 30_000, 20);
    await killHard(child);
    expect((await pointStats(s.id)).n).toBeLessThan(N);
    await startManager();
    const done = await waitFor("every message stored", async () => {
      const p = await pointStats(s.id);
      return p.n === N && p;
    }, 60_000);
    expect(done).toEqual({ n: N, sum: (N * (N - 1)) / 2 });
    await waitFor("queue drained and acknowledged", async () => (await queueDepth(q)) === 0, 20_000);
    expect(await pointStats(s.id)).toEqual({ n: N, sum: (N * (N - 1)) / 2 });
  }, 120_000);

  it("a redelivered message without a time keeps its first receipt's time when it has a message id", async () => {
    const withId = await queue("redeliver-id");
    const noId = await queue("redeliver-no-id");
    const a = await createSource({ name: "amqp-id", kind: "AMQP", config: { url: URL, queue: withId, prefetch: 10, mapping: { value: "v" } } }, null);
    const b = await createSource({ name: "amqp-no-id", kind: "AMQP", config: { url: URL, queue: noId, prefetch: 10, mapping: { value: "v" } } }, null);
    const body = Buffer.from(JSON.stringify({ v: 7 }));
    const first = await startManager();
    ch.sendToQueue(withId, body, { messageId: `m-${tag}` });
    ch.sendToQueue(noId, body);
    await waitFor("stored once", async () => (await pointStats(a.id)).n === 1 && (await pointStats(b.id)).n === 1, 15_000);
    await waitFor("acknowledged", async () => (await queueDepth(withId)) + (await queueDepth(noId)) === 0, 10_000);
    await first.stop();

    // The same message again, handed back by a consumer that did not acknowledge it: the broker
    // delivers it next with `redelivered` set, as after a crash between commit and ack.
    for (const [q, props] of [[withId, { messageId: `m-${tag}` }], [noId, {}]] as const) {
      ch.sendToQueue(q, body, props);
      const got = await waitFor("fetched", async () => (await ch.get(q, { noAck: false })) || false, 5_000);
      ch.nack(got, false, true);
    }
    await new Promise((r) => setTimeout(r, 20));
    await startManager();
    await waitFor("redeliveries acknowledged", async () => (await queueDepth(withId)) + (await queueDepth(noId)) === 0, 15_000);
    await waitFor("no-id message stored again", async () => (await pointStats(b.id)).n === 2, 10_000);
    expect(await pointStats(a.id)).toEqual({ n: 1, sum: 7 }); // same (series, time): the rewrite changed nothing
    expect(await pointStats(b.id)).toEqual({ n: 2, sum: 14 }); // without an id the receipt time is new: stored twice
    const recorded = () => getPrisma().streamMessageTime.count({ where: { sourceId: a.id } });
    expect(await recorded()).toBe(1);
    await pruneMessageTimes(Date.now() + (MESSAGE_TIME_DAYS + 1) * 86_400_000);
    expect(await recorded()).toBe(0);
  }, 60_000);

  it("test connection: samples waiting messages without consuming them, or says precisely what is wrong", async () => {
    const q = await queue("sample");
    for (let i = 0; i < 10; i++) ch.sendToQueue(q, Buffer.from(JSON.stringify({ v: i })), { timestamp: 1_700_000_000 + i });
    await waitFor("published", async () => (await queueDepth(q)) === 10, 10_000);
    const config = { url: URL, queue: q, mapping: { value: "v", metric: "load" } };
    expect(await testSourceConfig("AMQP", config)).toMatchObject({ ok: true, sample: { totalPoints: 10, series: [{ metric: "load", labels: {} }] } });
    await waitFor("messages back in the queue", async () => (await queueDepth(q)) === 10, 10_000);
    expect(await testSourceConfig("AMQP", { ...config, queue: "vigil-no-such-queue" })).toEqual({ ok: false, error: `queue not found: ${SHOWN} queue vigil-no-such-queue` });
    expect(await testSourceConfig("AMQP", { ...config, url: "amqp://guest:wrong@127.0.0.1:5672" })).toMatchObject({ ok: false, error: expect.stringMatching(/^login refused by amqp:\/\/guest:\*\*\*@127.0.0.1:5672/) });
    expect(await testSourceConfig("AMQP", { ...config, url: "amqp://127.0.0.1:1" })).toEqual({ ok: false, error: "connection refused to amqp://127.0.0.1:1" });
  }, 40_000);
});

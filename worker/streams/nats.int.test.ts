/** Against the real NATS server with JetStream on 127.0.0.1:4222. */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { randomBytes } from "node:crypto";
import pino from "pino";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { withTestDatabase } from "@/test/test-database";
import { waitFor } from "@/test/wait-for";
import { killHard, pointStats, startConsumerProcess, stopConsumerProcesses } from "@/test/stream-consumers";
import { getPrisma } from "@/lib/server/db";
import { createSource } from "@/lib/server/queries/sources";
import { testSourceConfig } from "@/lib/connectors/test-source";
import { StreamManager } from "@/worker/streams/manager";
import { durableName } from "@/worker/streams/nats-consumer";

const db = withTestDatabase();
vi.mock("@/lib/pipeline/schedule", () => ({ scheduleDetection: async () => undefined }));

const SERVER = "nats://127.0.0.1:4222";
const tag = randomBytes(4).toString("hex");
const STREAM = `VIGIL_TEST_${tag}`;
const ROOT = `vigiltest.${tag}`;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
const managers: StreamManager[] = [];

function startManager(): Promise<StreamManager> {
  const m = new StreamManager(pino({ level: "silent" }), { flushMs: 100, maxBuffer: 200, ackWaitMs: 3_000, syncMs: 60_000 }, ["NATS"]);
  managers.push(m);
  return m.start().then(() => m);
}

beforeAll(async () => {
  nc = await connect({ servers: SERVER });
  jsm = await jetstreamManager(nc);
  js = jetstream(nc);
  await jsm.streams.add({ name: STREAM, subjects: [`${ROOT}.>`] });
});
afterAll(async () => {
  await stopConsumerProcesses();
  await Promise.all(managers.map((m) => m.stop()));
  await jsm.streams.delete(STREAM).catch(() => undefined);
  await nc.close();
});

describe("NATS JetStream sources", () => {
  it("reads through a durable consumer, maps subjects to labels, acks what it stored, shows bad messages", async () => {
    const s = await createSource(
      { name: "nats-a", kind: "NATS", config: { servers: SERVER, stream: STREAM, subject: `${ROOT}.a.*.temp`, mapping: { value: "v", timestamp: "t", topicLabels: { site: 3 } } } },
      null,
    );
    await js.publish(`${ROOT}.a.north.temp`, JSON.stringify({ t: "2024-05-01T00:00:00Z", v: 21.5 }));
    await js.publish(`${ROOT}.a.south.temp`, "19.25"); // plain value: the stream's stored time
    await js.publish(`${ROOT}.b.north.temp`, JSON.stringify({ t: 1, v: 1 })); // outside the filter
    await startManager();
    const rows = await waitFor("points", async () => {
      const r = await getPrisma().dataPoint.findMany({ where: { series: { sourceId: s.id } }, orderBy: { value: "desc" }, select: { ts: true, value: true, series: { select: { metric: true, labels: true } } } });
      return r.length >= 2 && r;
    }, 15_000);
    expect(rows.map((p) => [p.series.metric, p.series.labels, p.value])).toEqual([
      ["temp", { site: "north" }, 21.5],
      ["temp", { site: "south" }, 19.25],
    ]);
    expect(rows[0].ts.toISOString()).toBe("2024-05-01T00:00:00.000Z");
    expect(Math.abs(rows[1].ts.getTime() - Date.now())).toBeLessThan(30_000);
    const info = await waitFor("acks", async () => {
      const i = await jsm.consumers.info(STREAM, durableName(s.id));
      return i.num_ack_pending === 0 && i.num_pending === 0 && i;
    }, 10_000);
    expect(info.config.ack_policy).toBe("explicit");
    expect(info.config.durable_name).toBe(durableName(s.id));

    // A bad message is terminated (never redelivered) and shown on the source; good ones still land.
    await js.publish(`${ROOT}.a.north.temp`, JSON.stringify({ t: 2, v: "hot" }));
    const row = await waitFor("error", async () => {
      const r = await getPrisma().dataSource.findUniqueOrThrow({ where: { id: s.id } });
      return r.status === "ERROR" && r;
    }, 10_000);
    expect(row.lastError).toBe(`1 bad message(s) in the last batch; subject ${ROOT}.a.north.temp: v: value must be a finite number`);
    await js.publish(`${ROOT}.a.north.temp`, JSON.stringify({ t: 3, v: 3 }));
    await waitFor("recovery", async () => (await getPrisma().dataSource.findUniqueOrThrow({ where: { id: s.id } })).status === "ACTIVE", 10_000);
    expect((await pointStats(s.id)).n).toBe(3);
  }, 60_000);

  it("a worker killed mid-stream loses nothing and duplicates nothing", async () => {
    const subject = `${ROOT}.kill.load`;
    const s = await createSource({ name: "nats-kill", kind: "NATS", config: { servers: SERVER, stream: STREAM, subject, mapping: { value: "v", timestamp: "t" } } }, null);
    const N = 3_000;
    const t0 = Date.parse("2024-01-01T00:00:00Z");
    for (let i = 0; i < N; i += 500) {
      await Promise.all(Array.from({ length: 500 }, (_, k) => js.publish(subject, JSON.stringify({ t: t0 + (i + k) * 1000, v: i + k }))));
    }
    const child = await startConsumerProcess(db.url(), "NATS", { MAX_BUFFER: "25", ACK_WAIT_MS: "3000" });
    await waitFor("part of the stream stored", async () => (await pointStats(s.id)).n >= 200, 30_000, 20);
    await killHard(child);
    const atKill = (await pointStats(s.id)).n;
    expect(atKill).toBeLessThan(N);
    // Another worker takes over the same durable; the killed one's unacknowledged messages are redelivered.
    await startManager();
    const done = await waitFor("every message stored", async () => {
      const p = await pointStats(s.id);
      return p.n === N && p;
    }, 60_000);
    expect(done).toEqual({ n: N, sum: (N * (N - 1)) / 2 });
    await waitFor("all acknowledged", async () => {
      const i = await jsm.consumers.info(STREAM, durableName(s.id));
      return i.num_ack_pending === 0 && i.num_pending === 0;
    }, 20_000);
    expect(await pointStats(s.id)).toEqual({ n: N, sum: (N * (N - 1)) / 2 });
  }, 120_000);

  it("test connection: samples the stream's latest messages, or says precisely what is wrong", async () => {
    const config = { servers: SERVER, stream: STREAM, subject: `${ROOT}.sample.*`, mapping: { value: "v" } };
    for (let i = 0; i < 30; i++) await js.publish(`${ROOT}.sample.cpu`, JSON.stringify({ v: i }));
    const r = await testSourceConfig("NATS", config);
    expect(r).toMatchObject({ ok: true, sample: { totalPoints: 30, series: [{ metric: "cpu", labels: {} }] } });
    expect(await testSourceConfig("NATS", { ...config, stream: "NO_SUCH_STREAM" })).toEqual({ ok: false, error: `stream not found: ${SERVER} stream NO_SUCH_STREAM` });
    expect(await testSourceConfig("NATS", { ...config, servers: "nats://127.0.0.1:1" })).toEqual({ ok: false, error: "connection refused to nats://127.0.0.1:1" });
  }, 30_000);
});

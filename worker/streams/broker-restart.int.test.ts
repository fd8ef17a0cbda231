/**
 * The broker goes away mid-stream and comes back: a private `nats-server -js` (own port and store
 * directory) is SIGKILLed and restarted; RabbitMQ (127.0.0.1:5672) force-closes the consumer's
 * connection (`rabbitmqctl close_connection`). Either way every message's point is stored exactly
 * once and nothing is left unacknowledged.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import pino from "pino";
import amqp, { type Channel, type ChannelModel } from "amqplib";
import { connect } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { withTestDatabase } from "@/test/test-database";
import { waitFor } from "@/test/wait-for";
import { pointStats } from "@/test/stream-consumers";
import { NATS_SERVER, PrivateNatsServer } from "@/test/nats-server";
import { getPrisma } from "@/lib/server/db";
import { getMetrics } from "@/lib/metrics/registry";
import { createSource } from "@/lib/server/queries/sources";
import { StreamManager } from "@/worker/streams/manager";
import { durableName } from "@/worker/streams/nats-consumer";

withTestDatabase();
vi.mock("@/lib/pipeline/schedule", () => ({ scheduleDetection: async () => undefined }));

const RABBITMQCTL = "/usr/sbin/rabbitmqctl";
const tag = randomBytes(4).toString("hex");
const T0 = Date.parse("2024-01-01T00:00:00Z");
const managers: StreamManager[] = [];

/** Small batches, so the stream is still flowing when the broker goes; quick reconnects. */
function startManager(kind: "NATS" | "AMQP"): Promise<StreamManager> {
  const m = new StreamManager(pino({ level: "silent" }), { flushMs: 100, maxBuffer: 10, reconnectMs: 200, ackWaitMs: 3_000, syncMs: 60_000 }, [kind]);
  managers.push(m);
  return m.start().then(() => m);
}

const message = (i: number) => JSON.stringify({ t: T0 + i * 1000, v: i });
const sumTo = (n: number) => (n * (n - 1)) / 2;

async function sourceRow(id: string) {
  return getPrisma().dataSource.findUniqueOrThrow({ where: { id }, select: { status: true, lastError: true } });
}

/** Waits for the source to show no error; a timeout names the error still shown. */
async function waitForHealthy(id: string): Promise<void> {
  await waitFor("the source healthy again", async () => (await sourceRow(id)).status === "ACTIVE", 15_000).catch(async (err: Error) => {
    throw new Error(`${err.message}; it shows ${JSON.stringify(await sourceRow(id))}`);
  });
}

afterAll(async () => {
  await Promise.all(managers.map((m) => m.stop()));
});

describe.skipIf(!existsSync(NATS_SERVER))("NATS JetStream: the server restarts mid-stream", () => {
  let server: PrivateNatsServer;
  beforeAll(async () => {
    server = await PrivateNatsServer.start();
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function publish(stream: string, subject: string, from: number, to: number) {
    const nc = await connect({ servers: server.url });
    try {
      const js = jetstream(nc);
      if (from === 0) await (await jetstreamManager(nc)).streams.add({ name: stream, subjects: [subject] });
      for (let i = from; i < to; i += 500) await Promise.all(Array.from({ length: Math.min(500, to - i) }, (_, k) => js.publish(subject, message(i + k))));
    } finally {
      await nc.close();
    }
  }

  it("stores every message's point exactly once and acknowledges them all", async () => {
    const stream = `RESTART_${tag}`;
    const subject = `restart.${tag}.load`;
    const [before, after] = [3_000, 1_000];
    await publish(stream, subject, 0, before);
    const s = await createSource({ name: "nats-restart", kind: "NATS", config: { servers: server.url, stream, subject, mapping: { value: "v", timestamp: "t" } } }, null);
    await startManager("NATS");
    await waitFor("part of the stream stored", async () => (await pointStats(s.id)).n >= 200, 30_000, 20);

    await server.kill();
    const atKill = (await pointStats(s.id)).n;
    expect(atKill).toBeLessThan(before);
    const down = await waitFor("the outage shown on the source", async () => {
      const r = await sourceRow(s.id);
      return r.status === "ERROR" && r;
    }, 10_000);
    expect(down.lastError).toBe(`disconnected from ${server.url}; reconnecting`);

    await server.restart();
    await publish(stream, subject, before, before + after);
    const N = before + after;
    const done = await waitFor("every message stored", async () => {
      const p = await pointStats(s.id);
      return p.n === N && p;
    }, 60_000);
    expect(done).toEqual({ n: N, sum: sumTo(N) });
    const nc = await connect({ servers: server.url });
    try {
      const jsm = await jetstreamManager(nc);
      await waitFor("all acknowledged", async () => {
        const i = await jsm.consumers.info(stream, durableName(s.id));
        return i.num_ack_pending === 0 && i.num_pending === 0;
      }, 30_000);
    } finally {
      await nc.close();
    }
    expect(await pointStats(s.id)).toEqual({ n: N, sum: sumTo(N) });
    await waitForHealthy(s.id);
  }, 120_000);
});

const run = promisify(execFile);

/** The broker's process id of the connection a consumer opened (`connection_name` vigil-<sourceId>), if open. */
async function amqpConnectionPid(sourceId: string): Promise<string | null> {
  const { stdout } = await run(RABBITMQCTL, ["list_connections", "pid", "client_properties", "-q"]);
  const line = stdout.split("\n").find((l) => l.includes(`{"connection_name","vigil-${sourceId}"}`));
  return line ? line.split("\t")[0] : null;
}

async function amqpErrors(): Promise<number> {
  const { values } = await getMetrics().sourceErrors.get();
  return values.find((v) => v.labels.source_kind === "AMQP" && v.labels.stage === "subscription")?.value ?? 0;
}

describe.skipIf(!existsSync(RABBITMQCTL))("AMQP: the broker closes the consumer's connection mid-stream", () => {
  let conn: ChannelModel;
  let ch: Channel;
  const q = `vigil-test-${tag}-restart`;
  beforeAll(async () => {
    conn = await amqp.connect("amqp://guest:guest@127.0.0.1:5672");
    ch = await conn.createChannel();
    await ch.assertQueue(q, { durable: false });
  });
  afterAll(async () => {
    await ch?.deleteQueue(q).catch(() => undefined);
    await conn?.close();
  });
  const queueDepth = async () => (await ch.checkQueue(q)).messageCount;

  it("stores every message's point exactly once and leaves the queue empty", async () => {
    const s = await createSource({ name: "amqp-restart", kind: "AMQP", config: { url: "amqp://guest:guest@127.0.0.1:5672", queue: q, prefetch: 10, mapping: { value: "v", timestamp: "t" } } }, null);
    await startManager("AMQP");
    // Found before the stream starts: rabbitmqctl takes about a second to answer.
    const pid = await waitFor("the consumer's connection", () => amqpConnectionPid(s.id), 30_000);
    const N = 5_000;
    for (let i = 0; i < N; i++) ch.sendToQueue(q, Buffer.from(message(i)));
    await waitFor("part of the queue stored", async () => (await pointStats(s.id)).n >= 200, 30_000, 20);

    const errorsBefore = await amqpErrors();
    await run(RABBITMQCTL, ["close_connection", pid, "vigil broker-restart test"]);
    const atClose = (await pointStats(s.id)).n;
    expect(atClose).toBeLessThan(N);
    // The source shows the error only until the consumer has reconnected (200 ms here), too briefly
    // to poll for; the errors counter a scrape reads keeps it.
    await waitFor("the closed connection counted", async () => (await amqpErrors()) > errorsBefore, 10_000);
    await waitFor("a new connection", async () => {
      const p = await amqpConnectionPid(s.id);
      return p !== pid && p;
    }, 30_000);

    const done = await waitFor("every message stored", async () => {
      const p = await pointStats(s.id);
      return p.n === N && p;
    }, 60_000);
    expect(done).toEqual({ n: N, sum: sumTo(N) });
    await waitFor("queue drained and acknowledged", async () => (await queueDepth()) === 0 && (await ch.checkQueue(q)).consumerCount === 1, 20_000);
    expect(await pointStats(s.id)).toEqual({ n: N, sum: sumTo(N) });
    await waitForHealthy(s.id);
  }, 120_000);
});

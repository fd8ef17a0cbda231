/**
 * A channel's send limit against real PostgreSQL, Redis, a notify worker and local receivers:
 * what is over the limit waits (and says so) and is sent later, never dropped; the receiver never
 * sees two messages closer than the limit allows; a claim whose lease expired still counts, is not
 * sent twice, and its re-send waits for the limit like any other.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pino from "pino";
import type { Worker } from "bullmq";
import { withTestDatabase } from "@/test/test-database";
import { REDIS_URL } from "@/test/databases";
import { testQueuePrefix } from "@/test/redis-keys";
import { waitFor } from "@/test/wait-for";
import { getPrisma } from "@/lib/server/db";
import { createQueueBackend, type QueueBackend } from "@/lib/queue/connection";
import { registerWorker } from "@/worker/register-worker";
import { setHandlerQueueBackend } from "@/worker/handlers/context";
import { enqueueNotify, sweepAlerts } from "@/lib/alerting/queue";
import { startWebhookReceiver } from "@/lib/alerting/testing/receiver";
import { createAnomaly, createRule, createSeriesWithDetector, createWebhookChannel, deliveriesOf } from "@/lib/alerting/testing/fixtures";
import { claimLimitedDeliveries, releaseClaims } from "@/lib/server/queries/channel-limits";
import { claimDueDeliveries, insertDecisions } from "@/lib/server/queries/alert-deliveries";
import { listChannelDeliveries } from "@/lib/server/queries/delivery-log";
import { deliveryKey } from "@/lib/alerting/plan";

const LEASE_MS = 1_000;
process.env.VIGIL_ALERT_LEASE_MS = String(LEASE_MS);
const db = withTestDatabase();
let backend: QueueBackend;
let worker: Worker;
const receivers: { close: () => Promise<void> }[] = [];

beforeAll(async () => {
  backend = createQueueBackend({ redisUrl: REDIS_URL, databaseUrl: db.url(), prefix: testQueuePrefix() }, () => undefined);
  setHandlerQueueBackend(backend);
  worker = registerWorker(backend, "notify", pino({ level: "silent" }), 8);
  await worker.waitUntilReady();
});
afterAll(async () => {
  setHandlerQueueBackend(undefined);
  await worker.close();
  await backend.queue("notify").obliterate({ force: true });
  await backend.close();
  await Promise.all(receivers.map((r) => r.close()));
});

/** A receiver stamping each request's arrival. */
async function timedReceiver(secret?: string) {
  const hook = await startWebhookReceiver({ secret });
  receivers.push(hook);
  const arrivals: number[] = [];
  const seen = hook.received.push.bind(hook.received);
  hook.received.push = (...items) => {
    arrivals.push(...items.map(() => Date.now()));
    return seen(...items);
  };
  return { ...hook, arrivals };
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]);

describe("a channel's send limit", () => {
  it("five anomalies at once on a 1-per-second channel: all sent, one at a time, the waiting ones shown as rate-limited", async () => {
    const channel = await createWebhookChannel("http://placeholder.invalid");
    const hook = await timedReceiver(channel.secret);
    await getPrisma().notificationChannel.update({ where: { id: channel.id }, data: { config: { url: hook.url, headers: {}, timeoutMs: 3_000 }, rateLimitCount: 1, rateLimitSeconds: 1 } });
    await createRule(channel.id, { matchers: [{ name: "host", op: "=~", value: "burst-.*" }] });
    const anomalies: Awaited<ReturnType<typeof createAnomaly>>[] = [];
    for (let i = 0; i < 5; i++) anomalies.push(await createAnomaly(await createSeriesWithDetector({ host: `burst-${i}` })));
    await enqueueNotify(backend, anomalies.map((a) => a.id));

    const waiting = await waitFor("a delivery waiting for the limit", async () => {
      const { items } = await listChannelDeliveries(channel.id, 50);
      return items.find((d) => d.status === "PENDING" && d.rateLimitedUntil) ?? null;
    }, 15_000, 50);
    expect(waiting.reason).toMatch(/^rate-limited: the channel sends at most 1 message per 1 s; next try at /);
    expect(waiting.nextAttemptAt).toEqual(waiting.rateLimitedUntil);

    const rows = await waitFor("all five recorded sent", async () => {
      const all = (await Promise.all(anomalies.map((a) => deliveriesOf(a.id)))).flat();
      return all.every((d) => d.status === "SENT") && all;
    }, 30_000, 100);
    expect(rows.map((d) => d.status)).toEqual(["SENT", "SENT", "SENT", "SENT", "SENT"]);
    expect(rows.every((d) => d.attempts === 1)).toBe(true);
    expect(rows.filter((d) => d.rateLimitedUntil).length).toBeGreaterThanOrEqual(4);
    expect(hook.received).toHaveLength(5);
    // Sends start at least a second apart (a few ms of local network jitter allowed).
    expect(Math.min(...gaps(hook.arrivals))).toBeGreaterThanOrEqual(980);
  });

  it("a claim whose lease expired still counts: nothing is sent twice, and the re-send waits for the limit", async () => {
    const ids = await createSeriesWithDetector();
    const hook = await timedReceiver();
    // Alertmanager deliveries are the ones sent again after a lease expires (it merges repeats).
    const channel = await getPrisma().notificationChannel.create({
      data: { name: "am-limited", kind: "ALERTMANAGER", config: { url: hook.url.replace(/\/hook$/, ""), headers: {}, timeoutMs: 3_000 }, rateLimitCount: 1, rateLimitSeconds: 3 },
    });
    const rule = await createRule(channel.id, { detectorId: ids.detectorId });
    const anomaly = await createAnomaly(ids);
    const key = deliveryKey(rule.id, anomaly.id, "FIRING");
    await getPrisma().$transaction((tx) => insertDecisions(tx, anomaly.id, ids.seriesId, [
      { key, ruleId: rule.id, channelId: channel.id, kind: "FIRING", status: "PENDING", reason: null, silenceId: null, grouped: false, release: false, notBefore: null },
    ]));

    // A worker claims it (taking the slot) and stalls past its lease without sending.
    expect((await claimDueDeliveries(anomaly.id, LEASE_MS)).limitedDue).toBe(true);
    const stalled = await claimLimitedDeliveries(anomaly.id, LEASE_MS);
    expect(stalled.claimed).toHaveLength(1);
    const slotTakenAt = Date.now();
    await waitFor("the lease to expire", async () => (await sweepAlerts(backend, 0)).expired === 1, 10_000, 200);
    // The stalled worker wakes: its claim is no longer its own, so it cannot put it back or send it.
    expect(await releaseClaims([stalled.claimed[0].id], stalled.claimed[0].attempts)).toBe(0);

    // The sweep rang the job: the re-send waits for the stalled claim's slot to leave the window.
    const held = await waitFor("the re-send held by the limit", async () => {
      const [d] = await deliveriesOf(anomaly.id);
      return d.rateLimitedUntil ? d : null;
    }, 10_000, 50);
    expect(held.rateLimitedUntil!.getTime()).toBeGreaterThanOrEqual(slotTakenAt + 3_000 - 100);
    await waitFor("sent once", async () => (await deliveriesOf(anomaly.id))[0].status === "SENT", 15_000, 100);
    expect(hook.received).toHaveLength(1);
    expect(hook.arrivals[0]).toBeGreaterThanOrEqual(slotTakenAt + 3_000 - 100);
    expect(await deliveriesOf(anomaly.id)).toMatchObject([{ status: "SENT", attempts: 2 }]);
  });

  it("a group's batch is one message and takes one slot: three hosts' groups go out a second apart, every member once", async () => {
    const prisma = getPrisma();
    const channel = await createWebhookChannel("http://placeholder.invalid");
    const hook = await timedReceiver(channel.secret);
    await prisma.notificationChannel.update({ where: { id: channel.id }, data: { config: { url: hook.url, headers: {}, timeoutMs: 3_000 }, rateLimitCount: 1, rateLimitSeconds: 1 } });
    const source = await prisma.dataSource.create({ data: { name: "grouped-limited", kind: "HTTP_PUSH" } });
    const detector = await prisma.detector.create({ data: { name: "grouped-limited", algorithm: "zscore", params: { window: 100, minPoints: 20 }, threshold: 0.6 } });
    await createRule(channel.id, { detectorId: detector.id, groupWaitSeconds: 1, groupBy: ["host"], groupIntervalMinutes: 10 });
    const anomalies: Awaited<ReturnType<typeof createAnomaly>>[] = [];
    for (const host of ["g-0", "g-1", "g-2"]) {
      for (const metric of ["cpu", "mem"]) {
        const series = await prisma.series.create({ data: { sourceId: source.id, metric, labels: { host }, labelsKey: JSON.stringify({ host, metric }) } });
        anomalies.push(await createAnomaly({ seriesId: series.id, detectorId: detector.id }));
      }
    }
    await enqueueNotify(backend, anomalies.map((a) => a.id));
    const rows = await waitFor("every member sent", async () => {
      const all = (await Promise.all(anomalies.map((a) => deliveriesOf(a.id)))).flat();
      return all.length === 6 && all.every((d) => d.status === "SENT") && all;
    }, 30_000, 100);
    expect(hook.received).toHaveLength(3);
    const bodies = hook.received.map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => b.group.count)).toEqual([2, 2, 2]);
    expect(new Set(bodies.map((b) => b.group.labels.host))).toEqual(new Set(["g-0", "g-1", "g-2"]));
    expect(new Set(rows.map((d) => d.batchKey))).toEqual(new Set(bodies.map((b) => b.idempotencyKey)));
    expect(rows.some((d) => d.rateLimitedUntil)).toBe(true);
    expect(Math.min(...gaps(hook.arrivals))).toBeGreaterThanOrEqual(980);
  });

  it("a claim put back unsent (its send could not start within its slot) is pending again, its attempt not counted, and goes out once", async () => {
    const ids = await createSeriesWithDetector({ host: "late-1" });
    const channel = await createWebhookChannel("http://placeholder.invalid");
    const hook = await timedReceiver(channel.secret);
    await getPrisma().notificationChannel.update({ where: { id: channel.id }, data: { config: { url: hook.url, headers: {}, timeoutMs: 3_000 }, rateLimitCount: 1, rateLimitSeconds: 1 } });
    const rule = await createRule(channel.id, { detectorId: ids.detectorId });
    const anomaly = await createAnomaly(ids);
    const key = deliveryKey(rule.id, anomaly.id, "FIRING");
    await getPrisma().$transaction((tx) => insertDecisions(tx, anomaly.id, ids.seriesId, [
      { key, ruleId: rule.id, channelId: channel.id, kind: "FIRING", status: "PENDING", reason: null, silenceId: null, grouped: false, release: false, notBefore: null },
    ], LEASE_MS));
    // Not claimed with the decision: its channel has a limit.
    expect(await deliveriesOf(anomaly.id)).toMatchObject([{ status: "PENDING", attempts: 0 }]);
    const { claimed: [late] } = await claimLimitedDeliveries(anomaly.id, LEASE_MS);
    expect(late.channel).toMatchObject({ limited: true });
    expect(await releaseClaims([late.id], late.attempts)).toBe(1);
    expect(await deliveriesOf(anomaly.id)).toMatchObject([{ status: "PENDING", attempts: 0, reason: "rate-limited: the send could not start within its slot; put back unsent" }]);
    await enqueueNotify(backend, [anomaly.id]);
    await waitFor("sent", async () => (await deliveriesOf(anomaly.id))[0].status === "SENT", 15_000, 100);
    expect(await deliveriesOf(anomaly.id)).toMatchObject([{ status: "SENT", attempts: 1 }]);
    expect(hook.accepted.size).toBe(1);
  });
});

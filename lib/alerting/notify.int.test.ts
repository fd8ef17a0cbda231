/**
 * Alerting end to end against real PostgreSQL, Redis and a webhook receiver started here: the
 * notify worker runs on a private queue prefix, detection rings it through the outbox.
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
import { setAlertDoorbell } from "@/lib/alerting/doorbell";
import { enqueueNotify, sweepAlerts } from "@/lib/alerting/queue";
import { notifyAnomaly } from "@/lib/alerting/notify";
import { getMetrics } from "@/lib/metrics/registry";
import { startWebhookReceiver } from "@/lib/alerting/testing/receiver";
import { createAnomaly, createRule, createSeriesWithDetector, createWebhookChannel, deliveriesOf } from "@/lib/alerting/testing/fixtures";
import { runDetection } from "@/lib/pipeline/detect-run";
import { sineWithSpikes, writePoints } from "@/lib/pipeline/testing/fixtures";

process.env.VIGIL_ALERT_BACKOFF_MS = "150";
const db = withTestDatabase();
let backend: QueueBackend;
let worker: Worker;
const receivers: { close: () => Promise<void> }[] = [];
const receiver = async (opts: Parameters<typeof startWebhookReceiver>[0] = {}) => {
  const r = await startWebhookReceiver(opts);
  receivers.push(r);
  return r;
};
const noRetry = { retryLater: async () => undefined };

beforeAll(async () => {
  backend = createQueueBackend({ redisUrl: REDIS_URL, databaseUrl: db.url(), prefix: testQueuePrefix() }, () => undefined);
  setHandlerQueueBackend(backend);
  setAlertDoorbell((ids) => enqueueNotify(backend, ids));
  worker = registerWorker(backend, "notify", pino({ level: "silent" }));
  await worker.waitUntilReady();
});
afterAll(async () => {
  setAlertDoorbell(undefined);
  setHandlerQueueBackend(undefined);
  await worker.close();
  await backend.queue("notify").obliterate({ force: true });
  await backend.close();
  await Promise.all(receivers.map((r) => r.close()));
});

async function setup(script?: (number | "hang")[], rule: Parameters<typeof createRule>[1] = {}) {
  const ids = await createSeriesWithDetector();
  const channel = await createWebhookChannel("http://placeholder.invalid");
  const hook = await receiver({ secret: channel.secret, script });
  await getPrisma().notificationChannel.update({ where: { id: channel.id }, data: { config: { url: hook.url, headers: { "X-Team": "sre" }, timeoutMs: 3_000 } } });
  const r = await createRule(channel.id, { detectorId: ids.detectorId, ...rule });
  return { ids, channel, hook, rule: r };
}

describe("webhook delivery", () => {
  it("sends one signed message the receiver verifies; a replay of it is refused", async () => {
    const { ids, hook, rule } = await setup();
    const anomaly = await createAnomaly(ids);
    await enqueueNotify(backend, [anomaly.id]);
    const [d] = await waitFor("a sent delivery", async () => ((await deliveriesOf(anomaly.id))[0]?.status === "SENT" ? deliveriesOf(anomaly.id) : null), 10_000);
    expect(d).toMatchObject({ key: `${rule.id}:${anomaly.id}:FIRING`, status: "SENT", attempts: 1, responseCode: 200 });
    expect(d.latencyMs).toBeGreaterThanOrEqual(0);
    expect(hook.received).toHaveLength(1);
    const first = hook.received[0];
    expect(first).toMatchObject({ status: 200, verdict: "accepted" });
    expect(first.headers["idempotency-key"]).toBe(d.key);
    expect(first.headers["x-team"]).toBe("sre");
    const body = JSON.parse(first.body);
    expect(body).toMatchObject({ version: "1", event: "anomaly.firing", anomaly: { id: anomaly.id, severity: "high", url: expect.stringMatching(new RegExp(`/anomalies/${anomaly.id}$`)) }, series: { labels: { host: "web-1" } } });

    // The same request again, byte for byte: the signature still verifies, the key is a replay.
    const replay = await fetch(hook.url, { method: "POST", headers: { ...(first.headers as Record<string, string>), "content-length": String(Buffer.byteLength(first.body)) }, body: first.body });
    expect(replay.status).toBe(409);
    // Tampered: refused by the signature.
    const tampered = await fetch(hook.url, { method: "POST", headers: { ...(first.headers as Record<string, string>), "content-length": String(Buffer.byteLength(first.body) + 1) }, body: first.body + " " });
    expect(tampered.status).toBe(401);
    expect(hook.accepted.size).toBe(1);
  });

  it("a receiver failing twice then succeeding gets exactly one accepted delivery, after backoff", async () => {
    const { ids, hook } = await setup([503, 503]);
    const webhookDeliveries = async (outcome: string) =>
      (await getMetrics().deliveries.get()).values.find((v) => v.labels.channel_kind === "webhook" && v.labels.outcome === outcome)?.value ?? 0;
    const before = { retrying: await webhookDeliveries("retrying"), sent: await webhookDeliveries("sent") };
    const anomaly = await createAnomaly(ids);
    await enqueueNotify(backend, [anomaly.id]);
    const [d] = await waitFor("the third attempt", async () => ((await deliveriesOf(anomaly.id))[0]?.status === "SENT" ? deliveriesOf(anomaly.id) : null), 15_000);
    expect(d).toMatchObject({ status: "SENT", attempts: 3, responseCode: 200 });
    expect(hook.received.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(hook.accepted.size).toBe(1);
    expect(new Set(hook.received.map((r) => r.headers["idempotency-key"]))).toEqual(new Set([d.key]));
    // The worker runs in this process: its metrics count two retries and one send.
    expect(await webhookDeliveries("retrying")).toBe(before.retrying + 2);
    expect(await webhookDeliveries("sent")).toBe(before.sent + 1);
  });

  it("a 4xx is not retried", async () => {
    const { ids, hook } = await setup([400]);
    const anomaly = await createAnomaly(ids);
    await enqueueNotify(backend, [anomaly.id]);
    const [d] = await waitFor("a failed delivery", async () => ((await deliveriesOf(anomaly.id))[0]?.status === "FAILED" ? deliveriesOf(anomaly.id) : null), 10_000);
    expect(d).toMatchObject({ status: "FAILED", attempts: 1, responseCode: 400, reason: "the receiver refused it; not retried" });
    await sweepAlerts(backend, 0);
    await notifyAnomaly(anomaly.id, noRetry);
    expect(hook.received).toHaveLength(1);
  });

  it("a silenced anomaly sends nothing, and the silence is on the decision", async () => {
    const { ids, hook } = await setup();
    const user = await getPrisma().user.create({ data: { email: `op-${ids.seriesId}@example.com`, passwordHash: "-", role: "OPERATOR" } });
    const silence = await getPrisma().silence.create({
      data: { matchers: [{ name: "host", op: "=", value: "web-1" }], startsAt: new Date(Date.now() - 1000), endsAt: new Date(Date.now() + 3_600_000), createdById: user.id },
    });
    const anomaly = await createAnomaly(ids);
    const r = await notifyAnomaly(anomaly.id, noRetry);
    expect(r).toEqual({ decided: 1, sent: 0, retrying: 0, failed: 0, limited: 0, held: false });
    expect(await deliveriesOf(anomaly.id)).toMatchObject([{ status: "SUPPRESSED", reason: "silenced", silenceId: silence.id, attempts: 0 }]);
    expect(hook.received).toHaveLength(0);
    await getPrisma().silence.delete({ where: { id: silence.id } });
  });

  it("a muted anomaly sends nothing while the quiet hours last, and notifies once they are over", async () => {
    const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
    const now = Date.now();
    const allWeek = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    const { ids, hook, rule } = await setup(undefined, { muteTimings: [{ weekdays: allWeek, start: hhmm(now - 3_600_000), end: hhmm(now + 3_600_000) }], muteTimeZone: "UTC" });
    const anomaly = await createAnomaly(ids);
    expect(await notifyAnomaly(anomaly.id, noRetry)).toEqual({ decided: 0, sent: 0, retrying: 0, failed: 0, limited: 0, held: false });
    expect(await deliveriesOf(anomaly.id)).toEqual([]);
    expect(hook.received).toHaveLength(0);
    // The quiet hours end while the episode is still open: its next change notifies.
    await getPrisma().alertRule.update({ where: { id: rule.id }, data: { muteTimings: [{ weekdays: allWeek, start: hhmm(now - 7_200_000), end: hhmm(now - 3_600_000) }] } });
    expect(await notifyAnomaly(anomaly.id, noRetry)).toMatchObject({ sent: 1 });
    expect(hook.received).toHaveLength(1);
  });

  it("jobs running at once for one anomaly send once", async () => {
    const { ids, hook } = await setup();
    const anomaly = await createAnomaly(ids);
    const results = await Promise.all(Array.from({ length: 6 }, () => notifyAnomaly(anomaly.id, noRetry)));
    expect(results.reduce((n, r) => n + r.sent, 0)).toBe(1);
    expect(hook.received).toHaveLength(1);
    expect(await deliveriesOf(anomaly.id)).toMatchObject([{ status: "SENT", attempts: 1 }]);
  });

  it("one message when the episode opens and one when it resolves; the cooldown holds for the next episode", async () => {
    const { ids, hook, rule } = await setup(undefined, { cooldownMinutes: 30 });
    const anomaly = await createAnomaly(ids);
    await notifyAnomaly(anomaly.id, noRetry);
    await notifyAnomaly(anomaly.id, noRetry);
    await getPrisma().anomaly.update({ where: { id: anomaly.id }, data: { ongoing: false } });
    await notifyAnomaly(anomaly.id, noRetry);
    await notifyAnomaly(anomaly.id, noRetry);
    expect(hook.received.map((r) => JSON.parse(r.body).event)).toEqual(["anomaly.firing", "anomaly.resolved"]);
    expect(JSON.parse(hook.received[1].body).anomaly).toMatchObject({ resolved: true });

    const next = await createAnomaly(ids, { startTs: new Date(), endTs: new Date() });
    await notifyAnomaly(next.id, noRetry);
    expect(await deliveriesOf(next.id)).toMatchObject([{ key: `${rule.id}:${next.id}:FIRING`, status: "SUPPRESSED", reason: expect.stringMatching(/^cooldown/) }]);
    expect(hook.received).toHaveLength(2);
  });
});

describe("escalation", () => {
  it("goes to the second channel once the firing stays unacknowledged past the delay, not before, not when acknowledged", async () => {
    const second = await receiver();
    const escalation = await createWebhookChannel(second.url);
    const { ids, hook } = await setup(undefined, { escalateAfterMinutes: 1, escalationChannelId: escalation.id });
    const open = await createAnomaly(ids);
    const acked = await createAnomaly(ids, { startTs: new Date(Date.now() - 600_000), endTs: new Date(Date.now() - 500_000) });
    await notifyAnomaly(open.id, noRetry);
    await notifyAnomaly(acked.id, noRetry);
    expect(hook.received).toHaveLength(2);
    await getPrisma().anomaly.update({ where: { id: acked.id }, data: { status: "ACKNOWLEDGED", ongoing: true } });
    // 50 s after the firing: not yet.
    await getPrisma().delivery.updateMany({ where: { anomalyId: { in: [open.id, acked.id] } }, data: { sentAt: new Date(Date.now() - 50_000) } });
    expect((await sweepAlerts(backend, 0)).rung).toBe(0);
    await notifyAnomaly(open.id, noRetry);
    expect(second.received).toHaveLength(0);
    // 61 s after: the sweep rings it, the worker sends it to the second channel, once.
    await getPrisma().delivery.updateMany({ where: { anomalyId: { in: [open.id, acked.id] } }, data: { sentAt: new Date(Date.now() - 61_000) } });
    expect((await sweepAlerts(backend, 0)).rung).toBe(1);
    await waitFor("the escalation", async () => second.received.length === 1, 10_000);
    expect(JSON.parse(second.received[0].body)).toMatchObject({ event: "anomaly.escalated", anomaly: { id: open.id } });
    expect((await sweepAlerts(backend, 0)).rung).toBe(0);
    await notifyAnomaly(acked.id, noRetry);
    expect(second.received).toHaveLength(1);
    expect(hook.received).toHaveLength(2);
  });
});

describe("from detection to the receiver", () => {
  it("a spike found by detection notifies through the outbox; old data only when the rule asks", async () => {
    const { ids, hook } = await setup(undefined, { includeHistorical: false });
    // The fixtures' points are in January 2026: old data, as a backfill would be.
    await writePoints(ids.seriesId, sineWithSpikes(300, [250]));
    await runDetection({ detectorId: ids.detectorId, seriesId: ids.seriesId });
    const [found] = await getPrisma().anomaly.findMany({ where: { seriesId: ids.seriesId } });
    expect(found).toBeDefined();
    await waitFor("the outbox to be emptied by the notify job", async () => (await getPrisma().alertOutbox.count({ where: { anomalyId: found.id } })) === 0, 10_000);
    expect(await deliveriesOf(found.id)).toEqual([]);
    expect(hook.received).toHaveLength(0);

    const asked = await setup(undefined, { includeHistorical: true });
    await writePoints(asked.ids.seriesId, sineWithSpikes(300, [250]));
    await runDetection({ detectorId: asked.ids.detectorId, seriesId: asked.ids.seriesId });
    const spike = await getPrisma().anomaly.findFirstOrThrow({ where: { seriesId: asked.ids.seriesId } });
    await waitFor("a webhook for the spike", async () => asked.hook.received.length === 1, 10_000);
    expect(JSON.parse(asked.hook.received[0].body).anomaly).toMatchObject({ id: spike.id, actual: 220, resolved: true });
    const kinds = async () => (await deliveriesOf(spike.id)).map((d) => [d.kind, d.status]);
    // The receiver answers before the worker records the answer: wait for the record.
    await waitFor("the firing recorded as sent", async () => (await kinds())[0]?.[1] === "SENT", 10_000);
    expect(await kinds()).toEqual([["FIRING", "SENT"], ["RESOLVED", "SUPPRESSED"]]);
  });

  it("a lost doorbell is rung again by the sweep", async () => {
    const { ids, hook } = await setup();
    const anomaly = await createAnomaly(ids);
    await getPrisma().alertOutbox.create({ data: { anomalyId: anomaly.id, touchedAt: new Date(Date.now() - 60_000) } });
    expect(await sweepAlerts(backend)).toMatchObject({ rung: 1 });
    await waitFor("the swept anomaly's webhook", async () => hook.received.length === 1, 10_000);
    expect(await getPrisma().alertOutbox.count({ where: { anomalyId: anomaly.id } })).toBe(0);
  });
});

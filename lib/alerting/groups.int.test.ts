/**
 * Grouping against real PostgreSQL, Redis and a webhook receiver: five series of one host become
 * one message, a later member waits for the group interval, the group's resolve goes out once
 * every member has resolved, and concurrent jobs or a retry never send a member twice.
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
import { enqueueNotify } from "@/lib/alerting/queue";
import { notifyAnomaly } from "@/lib/alerting/notify";
import { startWebhookReceiver } from "@/lib/alerting/testing/receiver";
import { createAnomaly, createRule, createWebhookChannel } from "@/lib/alerting/testing/fixtures";

process.env.VIGIL_ALERT_BACKOFF_MS = "150";
const db = withTestDatabase();
let backend: QueueBackend;
let worker: Worker;
const receivers: { close: () => Promise<void> }[] = [];
const noRetry = { retryLater: async () => undefined };
const METRICS = ["cpu", "mem", "disk", "net", "load", "swap"];

beforeAll(async () => {
  backend = createQueueBackend({ redisUrl: REDIS_URL, databaseUrl: db.url(), prefix: testQueuePrefix() }, () => undefined);
  setHandlerQueueBackend(backend);
  worker = registerWorker(backend, "notify", pino({ level: "silent" }));
  await worker.waitUntilReady();
});
afterAll(async () => {
  setHandlerQueueBackend(undefined);
  await worker.close();
  await backend.queue("notify").obliterate({ force: true });
  await backend.close();
  await Promise.all(receivers.map((r) => r.close()));
});

/** One source `web-<tag>` with a series per metric on host web-1 (and one on web-2), a detector over them, a grouped rule. */
async function setup(script?: (number | "hang")[], group: { groupWaitSeconds?: number; groupIntervalMinutes?: number } = {}) {
  const prisma = getPrisma();
  const tag = Math.random().toString(36).slice(2, 8);
  const source = await prisma.dataSource.create({ data: { name: `web-${tag}`, kind: "HTTP_PUSH" } });
  const mk = (metric: string, host: string) => prisma.series.create({ data: { sourceId: source.id, metric, labels: { host }, labelsKey: JSON.stringify({ host, metric }) } });
  const series = await Promise.all(METRICS.map((m) => mk(m, "web-1")));
  const other = await mk("cpu", "web-2");
  const detector = await prisma.detector.create({ data: { name: `det-${tag}`, algorithm: "zscore", params: { window: 100, minPoints: 20 }, threshold: 0.6 } });
  const channel = await createWebhookChannel("http://placeholder.invalid");
  const hook = await startWebhookReceiver({ secret: channel.secret, script });
  receivers.push(hook);
  await prisma.notificationChannel.update({ where: { id: channel.id }, data: { config: { url: hook.url, headers: {}, timeoutMs: 3_000 } } });
  const rule = await createRule(channel.id, { detectorId: detector.id, groupWaitSeconds: group.groupWaitSeconds ?? 1, groupBy: ["host"], groupIntervalMinutes: group.groupIntervalMinutes ?? 10 });
  const anomaly = (i: number) => createAnomaly({ seriesId: series[i].id, detectorId: detector.id });
  const anomalyOnOtherHost = () => createAnomaly({ seriesId: other.id, detectorId: detector.id });
  return { source, hook, rule, anomaly, anomalyOnOtherHost };
}

const rowsOf = (ids: string[]) => getPrisma().delivery.findMany({ where: { anomalyId: { in: ids } }, orderBy: [{ kind: "asc" }, { createdAt: "asc" }] });
const bodies = (hook: Awaited<ReturnType<typeof startWebhookReceiver>>) => hook.received.map((r) => JSON.parse(r.body));
/** Until every grouped row of these anomalies is due by PostgreSQL's clock. */
const untilDue = (ids: string[]) =>
  waitFor("the group's wait to pass", async () => {
    const [r] = await getPrisma().$queryRaw<{ due: boolean }[]>`SELECT coalesce(bool_and("nextAttemptAt" <= now()), true) AS due FROM "Delivery" WHERE "anomalyId" = ANY(${ids}::text[]) AND status = 'PENDING'`;
    return r.due;
  }, 5_000);

describe("grouping", () => {
  it("five series of one host opening together send one message through the worker; another host gets its own", async () => {
    const { hook, rule, anomaly, anomalyOnOtherHost, source } = await setup();
    const members = await Promise.all([0, 1, 2, 3, 4].map(anomaly));
    const lone = await anomalyOnOtherHost();
    await enqueueNotify(backend, [...members.map((a) => a.id), lone.id]);
    await waitFor("both groups sent", async () => {
      const rows = await rowsOf([...members.map((a) => a.id), lone.id]);
      return rows.length === 6 && rows.every((d) => d.status === "SENT");
    }, 15_000);
    expect(hook.received).toHaveLength(2);
    const web1 = bodies(hook).find((b) => b.group.labels.host === "web-1");
    expect(web1).toMatchObject({ event: "anomaly.firing", group: { count: 5, total: 5, labels: { host: "web-1" } } });
    expect(web1.group.title).toMatch(new RegExp(`^5 series of ${source.name} anomalous since \\d\\d:\\d\\d UTC: `));
    expect(new Set(web1.group.members.map((m: { anomaly: { id: string } }) => m.anomaly.id))).toEqual(new Set(members.map((a) => a.id)));
    const rows = await rowsOf(members.map((a) => a.id));
    expect(new Set(rows.map((d) => d.batchKey))).toEqual(new Set([web1.idempotencyKey]));
    expect(web1.idempotencyKey).toMatch(new RegExp(`^${rule.id}:`));
    expect(rows.every((d) => d.reason === `one message for 5 series of the group (${web1.idempotencyKey})` && d.attempts === 1)).toBe(true);
    expect(bodies(hook).find((b) => b.group.labels.host === "web-2")).toMatchObject({ group: { count: 1 }, anomaly: { id: lone.id } });
  });

  it("a later member waits for the group interval; the group resolves once, when every member has", async () => {
    const { hook, anomaly } = await setup(undefined, { groupWaitSeconds: 1, groupIntervalMinutes: 10 });
    const first = await Promise.all([0, 1].map(anomaly));
    await Promise.all(first.map((a) => notifyAnomaly(a.id, noRetry)));
    await untilDue(first.map((a) => a.id));
    await Promise.all(first.map((a) => notifyAnomaly(a.id, noRetry)));
    expect(hook.received).toHaveLength(1);
    expect((await rowsOf(first.map((a) => a.id))).every((d) => d.status === "SENT")).toBe(true);

    const late = await anomaly(2);
    const wakes: number[] = [];
    await notifyAnomaly(late.id, { retryLater: async (_id, delayMs) => wakes.push(delayMs) });
    const [held] = await rowsOf([late.id]);
    expect(held).toMatchObject({ status: "PENDING", attempts: 0 });
    expect(held.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() + 9 * 60_000);
    expect(wakes.some((ms) => ms > 9 * 60_000)).toBe(true);
    expect(hook.received).toHaveLength(1);

    // Ten minutes on: the late member goes out alone, as an update of the group.
    await getPrisma().delivery.update({ where: { id: held.id }, data: { nextAttemptAt: new Date(Date.now() - 1_000) } });
    await notifyAnomaly(late.id, noRetry);
    const update = bodies(hook).at(-1);
    expect(hook.received).toHaveLength(2);
    expect(update.group).toMatchObject({ count: 1, total: 3 });
    expect(update.group.title).toMatch(/^1 more series of web-\w+ \(3 in all\) anomalous/);

    const all = [...first, late];
    for (const [i, a] of all.entries()) {
      await getPrisma().anomaly.update({ where: { id: a.id }, data: { ongoing: false } });
      await notifyAnomaly(a.id, noRetry);
      if (i < all.length - 1) expect(bodies(hook).filter((b) => b.event === "anomaly.resolved")).toHaveLength(0);
    }
    const resolves = bodies(hook).filter((b) => b.event === "anomaly.resolved");
    expect(resolves).toHaveLength(1);
    expect(resolves[0].group).toMatchObject({ count: 3 });
    expect(resolves[0].group.title).toMatch(/^3 series of web-\w+ resolved/);
    await Promise.all(all.map((a) => notifyAnomaly(a.id, noRetry)));
    expect(bodies(hook).filter((b) => b.event === "anomaly.resolved")).toHaveLength(1);
    expect(await getPrisma().alertGroup.count({ where: { closedAt: null, rule: { channelId: (await rowsOf([late.id]))[0].channelId } } })).toBe(0);
  });

  it("ten jobs at once over the members send one message; a retried batch keeps its members and its key", async () => {
    const { hook, anomaly } = await setup([503]);
    const members = await Promise.all([0, 1, 2, 3, 4].map(anomaly));
    const ids = members.map((a) => a.id);
    await Promise.all(ids.map((id) => notifyAnomaly(id, noRetry)));
    await untilDue(ids);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => notifyAnomaly(ids[i % 5], noRetry)));
    expect(results.reduce((n, r) => n + r.retrying, 0)).toBe(5);
    expect(hook.received.map((r) => r.status)).toEqual([503]);
    const key = hook.received[0].headers["idempotency-key"];

    // A sixth member arrives during the backoff: it does not join the batch being retried.
    const sixth = await anomaly(5);
    await notifyAnomaly(sixth.id, noRetry);
    await untilDue(ids);
    await Promise.all(ids.map((id) => notifyAnomaly(id, noRetry)));
    expect(hook.received.map((r) => r.status)).toEqual([503, 200]);
    expect(hook.received[1].headers["idempotency-key"]).toBe(key);
    expect(JSON.parse(hook.received[1].body).group.count).toBe(5);
    expect((await rowsOf(ids)).map((d) => [d.status, d.attempts, d.batchKey])).toEqual(ids.map(() => ["SENT", 2, key]));
    expect((await rowsOf([sixth.id]))[0]).toMatchObject({ status: "PENDING", batchKey: null });
    expect(hook.accepted.size).toBe(1);
  });
});

/**
 * Alerts wait for detection to settle. A page's incidents are rung only after its re-count passed
 * (a page that missed a point is re-derived first), and the notify job holds, without dropping, an
 * incident detection may still change: its pair has a page not yet re-counted, a re-detection
 * pending, or a rewind that has not reached it yet.
 */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import pg from "pg";
import { getPrisma } from "@/lib/server/db";
import { runDetection } from "@/lib/pipeline/detect-run";
import { setAlertDoorbell } from "@/lib/alerting/doorbell";
import { HOLD_RETRY_MS, notifyAnomaly } from "@/lib/alerting/notify";
import { startWebhookReceiver } from "@/lib/alerting/testing/receiver";
import { createAnomaly, createRule, createSeriesWithDetector, createWebhookChannel, deliveriesOf } from "@/lib/alerting/testing/fixtures";
import { STEP_MS, T0, anomaliesOf, createPair, sineWithSpikes, writePoints } from "@/lib/pipeline/testing/fixtures";
import { withTestDatabase } from "@/test/test-database";
import { waitFor } from "@/test/wait-for";

const db = withTestDatabase();
const receivers: { close: () => Promise<void> }[] = [];
afterAll(() => Promise.all(receivers.map((r) => r.close())));
afterEach(() => setAlertDoorbell(undefined));

/** Point 200 arrives late, inside the page's commit; point 300 is an anomaly of the page either way. */
const VALUES = sineWithSpikes(400, [200, 300]);
const LATE = 200;

async function webhookRule(detectorId: string) {
  const channel = await createWebhookChannel("http://placeholder.invalid");
  const hook = await startWebhookReceiver({ secret: channel.secret });
  receivers.push(hook);
  await getPrisma().notificationChannel.update({ where: { id: channel.id }, data: { config: { url: hook.url, headers: {}, timeoutMs: 3_000 } } });
  await createRule(channel.id, { detectorId, includeHistorical: true });
  return hook;
}

describe("a page that missed a point", () => {
  it("rings its incidents only after its re-count, once the pair was re-run", async () => {
    const expected = await (async () => {
      const p = await createPair();
      await writePoints(p.seriesId, VALUES);
      await runDetection(p);
      return anomaliesOf(p);
    })();
    const pair = await createPair();
    await webhookRule(pair.detectorId);
    await writePoints(pair.seriesId, VALUES.slice(0, LATE));
    await runDetection(pair);
    await writePoints(pair.seriesId, VALUES.slice(LATE + 1), LATE + 1);
    const rung: string[][] = [];
    setAlertDoorbell(async (ids) => void rung.push(ids));
    // A second client holds an uncommitted request for the pair: the re-count, filing its own, waits for it.
    const holder = new pg.Client({ connectionString: db.url() });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query(`INSERT INTO "RedetectRequest" ("detectorId", "subjectId", "fromTs", "updatedAt") VALUES ($1, $2, now(), now())`, [pair.detectorId, pair.seriesId]);
      const run = runDetection(pair, { beforeCommit: (page) => (page === 0 ? writePoints(pair.seriesId, [VALUES[LATE]], LATE).then(() => undefined) : undefined) });
      await waitFor("the re-count waiting on the held request", async () => {
        const { rows } = await holder.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))`);
        return rows[0].n > 0;
      }, 10_000, 20);
      // Committed with an incident at point 300, not re-counted yet: nothing is rung.
      expect(await getPrisma().anomaly.count({ where: { detectorId: pair.detectorId } })).toBeGreaterThan(0);
      expect(rung).toEqual([]);
      await holder.query("ROLLBACK");
      expect(await run).toMatchObject({ status: "done", points: LATE - 1 + VALUES.length });
    } finally {
      await holder.end();
    }
    expect(await anomaliesOf(pair)).toEqual(expected);
    // Everything rung is what the re-run left, and the notify job decides on it at once.
    const ids = [...new Set(rung.flat())];
    expect(ids.length).toBeGreaterThan(0);
    const retries: number[] = [];
    for (const id of ids) expect(await notifyAnomaly(id, { retryLater: async (_id, delayMs) => void retries.push(delayMs) })).toMatchObject({ held: false });
    expect(retries).toEqual([]);
  });
});

describe("the notify job", () => {
  it("holds an incident detection may still change, rings itself again, and decides once it settled", async () => {
    const ids = await createSeriesWithDetector();
    const hook = await webhookRule(ids.detectorId);
    const anomaly = await createAnomaly(ids, { subjectId: ids.seriesId });
    const prisma = getPrisma();
    const retries: { delayMs: number; key: string }[] = [];
    const deps = { retryLater: async (_id: string, delayMs: number, key: string) => void retries.push({ delayMs, key }) };
    const pairKey = { detectorId: ids.detectorId, subjectId: ids.seriesId };

    // A re-detection pending for its pair.
    await prisma.redetectRequest.create({ data: { ...pairKey, fromTs: new Date(T0) } });
    expect(await notifyAnomaly(anomaly.id, deps)).toMatchObject({ held: true, decided: 0, sent: 0 });
    expect(await deliveriesOf(anomaly.id)).toEqual([]);
    expect(retries).toMatchObject([{ delayMs: HOLD_RETRY_MS }]);
    await prisma.redetectRequest.deleteMany({});

    // A committed page of its pair not re-counted yet.
    await prisma.detectorState.create({ data: { ...pairKey, watermark: new Date(), verifyAfter: new Date(T0), verifyUpTo: new Date(), verifyScored: 10, verifySince: new Date() } });
    expect(await notifyAnomaly(anomaly.id, deps)).toMatchObject({ held: true });
    // A rewind under way that has not reached it yet.
    await prisma.detectorState.update({ where: { detectorId_subjectId: pairKey }, data: { verifyAfter: null, verifyUpTo: null, verifyScored: null, watermark: new Date(T0 + STEP_MS), redetectUntil: new Date() } });
    expect(await notifyAnomaly(anomaly.id, deps)).toMatchObject({ held: true });
    expect(await deliveriesOf(anomaly.id)).toEqual([]);
    expect(retries).toHaveLength(3);

    // Settled: decided and sent once.
    await prisma.detectorState.update({ where: { detectorId_subjectId: pairKey }, data: { watermark: new Date(), redetectUntil: null } });
    expect(await notifyAnomaly(anomaly.id, deps)).toMatchObject({ held: false, decided: 1, sent: 1 });
    await waitFor("the firing received", async () => hook.received.length === 1, 5_000);
    expect(JSON.parse(hook.received[0].body)).toMatchObject({ event: "anomaly.firing", anomaly: { id: anomaly.id } });
  });

  it("does not hold a disabled detector's incident: nothing re-derives it until it is enabled", async () => {
    const ids = await createSeriesWithDetector();
    const hook = await webhookRule(ids.detectorId);
    const anomaly = await createAnomaly(ids, { subjectId: ids.seriesId });
    const prisma = getPrisma();
    await prisma.redetectRequest.create({ data: { detectorId: ids.detectorId, subjectId: ids.seriesId, fromTs: new Date(T0) } });
    await prisma.detector.update({ where: { id: ids.detectorId }, data: { enabled: false } });
    const retries: number[] = [];
    expect(await notifyAnomaly(anomaly.id, { retryLater: async (_id, delayMs) => void retries.push(delayMs) })).toMatchObject({ held: false, decided: 1, sent: 1 });
    expect(retries).toEqual([]);
    await waitFor("the firing received", async () => hook.received.length === 1, 5_000);
  });
});

/**
 * An open incident a suppression rule stops holding is alerted at once, not at its next detection
 * write: disabling the rule leaves it in the alert outbox in the rule change's transaction, and the
 * notify job sends the firing the rule held, once (lib/alerting/plan.ts). An incident that ended
 * meanwhile is not re-queued and sends nothing. Real PostgreSQL, a webhook receiver.
 */
import { afterAll, describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/test-database";
import { getPrisma } from "@/lib/server/db";
import { notifyAnomaly } from "@/lib/alerting/notify";
import { findUnrungAnomalies } from "@/lib/server/queries/alert-deliveries";
import { createSuppressionRule, updateSuppressionRule } from "@/lib/server/queries/suppression";
import { startWebhookReceiver } from "@/lib/alerting/testing/receiver";
import { createAnomaly, createRule, createSeriesWithDetector, createWebhookChannel, deliveriesOf } from "@/lib/alerting/testing/fixtures";

withTestDatabase();
const receivers: { close: () => Promise<void> }[] = [];
const noRetry = { retryLater: async () => undefined };
afterAll(() => Promise.all(receivers.map((r) => r.close())));

describe("an un-suppressed open incident", () => {
  it("rings alerting when its rule is disabled and sends the held firing once; an ended one stays quiet", async () => {
    const ids = await createSeriesWithDetector();
    const channel = await createWebhookChannel("http://placeholder.invalid");
    const hook = await startWebhookReceiver({ secret: channel.secret });
    receivers.push(hook);
    await getPrisma().notificationChannel.update({ where: { id: channel.id }, data: { config: { url: hook.url, headers: {}, timeoutMs: 3_000 } } });
    await createRule(channel.id, { detectorId: ids.detectorId });
    const admin = await getPrisma().user.create({ data: { email: `ad-${ids.seriesId}@example.com`, passwordHash: "-", role: "ADMIN" } });

    const open = await createAnomaly(ids);
    const ended = await createAnomaly(ids, { startTs: new Date(Date.now() - 300_000), endTs: new Date(Date.now() - 200_000) });
    const rule = await createSuppressionRule(ids.detectorId, { seriesId: null, hourFrom: null, hourTo: null, weekdays: [], scoreBelow: 1, origin: "manual" }, admin.id);
    expect(rule.suppressing).toBe(2);
    await notifyAnomaly(open.id, noRetry);
    await notifyAnomaly(ended.id, noRetry);
    expect(await deliveriesOf(open.id)).toMatchObject([{ kind: "FIRING", status: "SUPPRESSED", reason: `suppression rule ${rule.id}` }]);
    await getPrisma().anomaly.update({ where: { id: ended.id }, data: { ongoing: false } });
    await getPrisma().alertOutbox.deleteMany({});
    expect(await findUnrungAnomalies(0)).toEqual([]);

    await updateSuppressionRule(ids.detectorId, rule.id, { enabled: false }, admin.id);
    expect((await getPrisma().alertOutbox.findMany()).map((o) => o.anomalyId)).toEqual([open.id]);
    expect(await findUnrungAnomalies(0)).toEqual([open.id]);
    await Promise.all([open.id, open.id, open.id, ended.id].map((id) => notifyAnomaly(id, noRetry)));
    expect(hook.received.map((r) => JSON.parse(r.body).event)).toEqual(["anomaly.firing"]);
    expect(JSON.parse(hook.received[0].body).anomaly.id).toBe(open.id);
    expect(await deliveriesOf(open.id)).toMatchObject([
      { status: "SENT", attempts: 1, reason: `held by suppression rule ${rule.id}, which no longer holds it while the episode is open; sent after it` },
    ]);
    expect((await deliveriesOf(ended.id)).map((d) => d.status)).toEqual(["SUPPRESSED"]);
    expect(await findUnrungAnomalies(0)).toEqual([]);
  });
});

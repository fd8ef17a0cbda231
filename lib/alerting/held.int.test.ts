/**
 * Decisions held for later, against real PostgreSQL and a webhook receiver: a firing a silence
 * held goes out when the silence ends mid-episode, and a resolve during quiet hours goes out when
 * they end; each once, however often the job runs.
 */
import { afterAll, describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/test-database";
import { getPrisma } from "@/lib/server/db";
import { notifyAnomaly } from "@/lib/alerting/notify";
import { findUnrungAnomalies } from "@/lib/server/queries/alert-deliveries";
import { startWebhookReceiver } from "@/lib/alerting/testing/receiver";
import { createAnomaly, createRule, createSeriesWithDetector, createWebhookChannel, deliveriesOf } from "@/lib/alerting/testing/fixtures";

withTestDatabase();
const receivers: { close: () => Promise<void> }[] = [];
const noRetry = { retryLater: async () => undefined };
afterAll(() => Promise.all(receivers.map((r) => r.close())));

async function setup(rule: Parameters<typeof createRule>[1] = {}) {
  const ids = await createSeriesWithDetector();
  const channel = await createWebhookChannel("http://placeholder.invalid");
  const hook = await startWebhookReceiver({ secret: channel.secret });
  receivers.push(hook);
  await getPrisma().notificationChannel.update({ where: { id: channel.id }, data: { config: { url: hook.url, headers: {}, timeoutMs: 3_000 } } });
  return { ids, hook, rule: await createRule(channel.id, { detectorId: ids.detectorId, ...rule }) };
}
const events = (hook: Awaited<ReturnType<typeof startWebhookReceiver>>) => hook.received.map((r) => JSON.parse(r.body).event);

describe("a silence that ends mid-episode", () => {
  it("sends the held firing once after it ends, naming the silence; an episode that ended under it sends nothing", async () => {
    const { ids, hook } = await setup();
    const user = await getPrisma().user.create({ data: { email: `op-${ids.seriesId}@example.com`, passwordHash: "-", role: "OPERATOR" } });
    const silence = await getPrisma().silence.create({
      data: { matchers: [{ name: "host", op: "=", value: "web-1" }], startsAt: new Date(Date.now() - 1000), endsAt: new Date(Date.now() + 3_600_000), createdById: user.id },
    });
    const open = await createAnomaly(ids);
    const ended = await createAnomaly(ids, { startTs: new Date(Date.now() - 300_000), endTs: new Date(Date.now() - 200_000) });
    await notifyAnomaly(open.id, noRetry);
    await notifyAnomaly(ended.id, noRetry);
    expect((await deliveriesOf(open.id)).map((d) => d.status)).toEqual(["SUPPRESSED"]);
    expect(await findUnrungAnomalies(0)).not.toContain(open.id);
    await getPrisma().anomaly.update({ where: { id: ended.id }, data: { ongoing: false } });

    // Expired early, as the expire button does: the sweep rings the open episode, which sends once.
    await getPrisma().silence.update({ where: { id: silence.id }, data: { endsAt: new Date() } });
    const rung = await findUnrungAnomalies(0);
    expect(rung).toContain(open.id);
    expect(rung).not.toContain(ended.id);
    await Promise.all([open.id, open.id, open.id, ended.id].map((id) => notifyAnomaly(id, noRetry)));
    expect(events(hook)).toEqual(["anomaly.firing"]);
    expect(JSON.parse(hook.received[0].body).anomaly.id).toBe(open.id);
    expect(await deliveriesOf(open.id)).toMatchObject([{ status: "SENT", attempts: 1, silenceId: silence.id, reason: "held by a silence that ended while the episode was open; sent after it" }]);
    expect(await deliveriesOf(ended.id)).toMatchObject([{ status: "SUPPRESSED", reason: "silenced" }]);
    expect(await findUnrungAnomalies(0)).not.toContain(open.id);
  });
});

describe("a resolve during quiet hours", () => {
  it("is held until they end, rings the job for then, and is sent once", async () => {
    const { ids, hook, rule } = await setup();
    const anomaly = await createAnomaly(ids);
    await notifyAnomaly(anomaly.id, noRetry);
    expect(events(hook)).toEqual(["anomaly.firing"]);

    const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
    const now = Date.now();
    const allWeek = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    const end = hhmm(now + 2 * 3_600_000);
    await getPrisma().alertRule.update({ where: { id: rule.id }, data: { muteTimings: [{ weekdays: allWeek, start: hhmm(now - 3_600_000), end }], muteTimeZone: "UTC" } });
    await getPrisma().anomaly.update({ where: { id: anomaly.id }, data: { ongoing: false } });
    const wakes: number[] = [];
    await notifyAnomaly(anomaly.id, { retryLater: async (_id, delayMs) => wakes.push(delayMs) });
    await notifyAnomaly(anomaly.id, noRetry);
    expect(events(hook)).toEqual(["anomaly.firing"]);
    const [, resolved] = await deliveriesOf(anomaly.id);
    expect(resolved).toMatchObject({ kind: "RESOLVED", status: "PENDING", attempts: 0 });
    expect(resolved.nextAttemptAt!.toISOString().slice(11, 16)).toBe(end);
    expect(resolved.reason).toMatch(/^held: muted \(quiet hours .*\); sent when they end at /);
    expect(wakes).toHaveLength(1);
    expect(Math.abs(now + wakes[0] - resolved.nextAttemptAt!.getTime())).toBeLessThan(5_000);

    // The quiet hours are over (the row's time is moved to now, as if two hours had passed).
    await getPrisma().alertRule.update({ where: { id: rule.id }, data: { muteTimings: [] } });
    await getPrisma().delivery.update({ where: { id: resolved.id }, data: { nextAttemptAt: new Date(Date.now() - 10_000) } });
    expect(await findUnrungAnomalies(5_000)).toContain(anomaly.id);
    await Promise.all([1, 2, 3].map(() => notifyAnomaly(anomaly.id, noRetry)));
    expect(events(hook)).toEqual(["anomaly.firing", "anomaly.resolved"]);
    expect((await deliveriesOf(anomaly.id)).map((d) => [d.kind, d.status, d.attempts])).toEqual([["FIRING", "SENT", 1], ["RESOLVED", "SENT", 1]]);
  });
});

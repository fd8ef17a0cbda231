/**
 * A worker killed while the receiver holds its request: the claim is already committed, so the
 * restarted job sends nothing again, and the sweep records why (the receiver may have it).
 */
import { spawn } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/test-database";
import { REDIS_URL } from "@/test/databases";
import { testQueuePrefix } from "@/test/redis-keys";
import { waitFor } from "@/test/wait-for";
import { getPrisma } from "@/lib/server/db";
import { createQueueBackend } from "@/lib/queue/connection";
import { notifyAnomaly } from "@/lib/alerting/notify";
import { sweepAlerts } from "@/lib/alerting/queue";
import { startWebhookReceiver } from "@/lib/alerting/testing/receiver";
import { createAnomaly, createRule, createSeriesWithDetector, createWebhookChannel, deliveriesOf } from "@/lib/alerting/testing/fixtures";

const LEASE_MS = 1_500;
process.env.VIGIL_ALERT_LEASE_MS = String(LEASE_MS);
const db = withTestDatabase();
const backend = createQueueBackend({ redisUrl: REDIS_URL, databaseUrl: "", prefix: testQueuePrefix() }, () => undefined);
afterAll(async () => {
  await backend.queue("notify").obliterate({ force: true });
  await backend.close();
});

describe("a worker killed mid-send", () => {
  it("does not notify twice when the job runs again", async () => {
    const ids = await createSeriesWithDetector();
    const channel = await createWebhookChannel("http://placeholder.invalid", { timeoutMs: 1_000 });
    const hook = await startWebhookReceiver({ secret: channel.secret, script: ["hang"] });
    await getPrisma().notificationChannel.update({ where: { id: channel.id }, data: { config: { url: hook.url, headers: {}, timeoutMs: 1_000 } } });
    await createRule(channel.id, { detectorId: ids.detectorId });
    const anomaly = await createAnomaly(ids);

    const child = spawn("node_modules/.bin/tsx", ["lib/alerting/testing/notify-once.ts"], {
      env: { ...process.env, DATABASE_URL: db.url(), ANOMALY_ID: anomaly.id, VIGIL_ALERT_LEASE_MS: String(LEASE_MS) },
      stdio: "ignore",
      detached: true, // its own process group: tsx runs the script in a child node process
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    await waitFor("the receiver to hold the worker's request", async () => hook.received.length === 1, 30_000);
    process.kill(-child.pid!, "SIGKILL");
    expect(await exited).toBe("SIGKILL");
    expect(await deliveriesOf(anomaly.id)).toMatchObject([{ status: "SENDING", attempts: 1 }]);

    // Restarted while the claim still holds: nothing to claim.
    expect(await notifyAnomaly(anomaly.id, { retryLater: async () => undefined })).toEqual({ decided: 0, sent: 0, retrying: 0, failed: 0, limited: 0, held: false });
    // After the lease: the sweep gives it up with the reason, and nothing is sent again.
    await waitFor("the lease to expire", async () => (await sweepAlerts(backend, 0)).expired === 1, 10_000, 250);
    await notifyAnomaly(anomaly.id, { retryLater: async () => undefined });
    expect(await deliveriesOf(anomaly.id)).toMatchObject([
      { status: "FAILED", attempts: 1, reason: "the sending worker stopped mid-send; not sent again so it can never arrive twice" },
    ]);
    expect(hook.received).toHaveLength(1);
    await hook.close();
  });
});

/**
 * Against a real Alertmanager (Debian's `prometheus-alertmanager`, started here): an anomaly
 * fires with labels from its series and detector, and its resolve sets `endsAt`, which takes it
 * out of Alertmanager's active alerts. Skipped without the binary (`.ci/run` installs it).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { withTestDatabase } from "@/test/test-database";
import { freePort } from "@/test/free-port";
import { waitFor } from "@/test/wait-for";
import { getPrisma } from "@/lib/server/db";
import { notifyAnomaly } from "@/lib/alerting/notify";
import { FIRING_HORIZON_MS } from "@/lib/alerting/messages/alertmanager";
import { createAnomaly, createRule, createSeriesWithDetector, deliveriesOf } from "@/lib/alerting/testing/fixtures";

withTestDatabase();

const BINARY = "/usr/bin/prometheus-alertmanager";
let proc: ChildProcess | undefined;
let dir = "";
let baseUrl = "";

interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  status: { state: string };
}

async function activeAlerts(filter: string): Promise<AmAlert[]> {
  const res = await fetch(`${baseUrl}/api/v2/alerts?filter=${encodeURIComponent(filter)}`);
  return (await res.json()) as AmAlert[];
}

describe.skipIf(!existsSync(BINARY))("Alertmanager channel against a real Alertmanager", () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "vigil-am-"));
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    writeFileSync(path.join(dir, "alertmanager.yml"), "route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n");
    proc = spawn(BINARY, [`--config.file=${dir}/alertmanager.yml`, `--storage.path=${dir}/data`, `--web.listen-address=127.0.0.1:${port}`, "--cluster.listen-address="], { stdio: "ignore" });
    await waitFor("Alertmanager to be ready", async () => (await fetch(`${baseUrl}/-/ready`).catch(() => null))?.ok, 30_000, 200);
  });
  afterAll(() => {
    proc?.kill("SIGTERM");
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("fires with the series' and detector's labels, and resolves with endsAt", async () => {
    const ids = await createSeriesWithDetector({ host: "web-1", env: "prod" });
    const channel = await getPrisma().notificationChannel.create({ data: { name: "am", kind: "ALERTMANAGER", config: { url: baseUrl, headers: {}, timeoutMs: 5_000 } } });
    await createRule(channel.id, { detectorId: ids.detectorId });
    const anomaly = await createAnomaly(ids);
    const before = Date.now();
    expect(await notifyAnomaly(anomaly.id, { retryLater: async () => undefined })).toMatchObject({ sent: 1 });

    const detector = await getPrisma().detector.findUniqueOrThrow({ where: { id: ids.detectorId } });
    const filter = `detector="${detector.name}"`;
    const [alert] = await waitFor("the alert in Alertmanager", async () => ((await activeAlerts(filter)).length === 1 ? activeAlerts(filter) : null), 10_000);
    expect(alert.labels).toEqual({ alertname: "VigilAnomaly", host: "web-1", env: "prod", metric: "cpu.usage", source: ids.sourceName, detector: detector.name, severity: "high" });
    expect(alert.status.state).toBe("active");
    expect(alert.annotations).toMatchObject({ vigil_anomaly_id: anomaly.id, description: expect.stringContaining("93.2 is above the expected 41.0") });
    expect(alert.generatorURL).toMatch(new RegExp(`/anomalies/${anomaly.id}$`));
    expect(Date.parse(alert.startsAt)).toBe(anomaly.startTs.getTime());
    expect(Date.parse(alert.endsAt)).toBeGreaterThanOrEqual(before + FIRING_HORIZON_MS - 1000);

    await getPrisma().anomaly.update({ where: { id: anomaly.id }, data: { ongoing: false } });
    expect(await notifyAnomaly(anomaly.id, { retryLater: async () => undefined })).toMatchObject({ sent: 1 });
    await waitFor("the alert to be resolved", async () => (await activeAlerts(filter)).length === 0, 10_000);
    expect((await deliveriesOf(anomaly.id)).map((d) => [d.kind, d.status, d.responseCode])).toEqual([["FIRING", "SENT", 200], ["RESOLVED", "SENT", 200]]);
  });
});

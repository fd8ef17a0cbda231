/**
 * The demo: sample series plus the default detector; a real worker process reconciles on start,
 * scores every sample series and anomalies appear. Seeding again adds nothing.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { defaultDetectorConfig } from "@/lib/detection";
import { getPrisma } from "@/lib/server/db";
import { DEMO_DETECTOR, seedDemoDetector } from "@/lib/server/seed/detectors";
import { seedSampleSeries } from "@/lib/server/seed/sample-series";
import { withTestDatabase } from "@/test/test-database";

const db = withTestDatabase();
let worker: ChildProcess | undefined;
afterAll(() => {
  // tsx runs the worker as a child process: kill the whole group, or the worker outlives the test.
  if (worker && worker.exitCode === null) process.kill(-worker.pid!, "SIGKILL");
});

async function lagging(): Promise<number> {
  const rows = await getPrisma().$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM "DetectorSeries" ds
    LEFT JOIN "DetectorState" st ON st."detectorId" = ds."detectorId" AND st."subjectId" = ds."seriesId"
    WHERE st.watermark IS NULL OR st.watermark < (SELECT max(ts) FROM "DataPoint" p JOIN "Series" s ON s.key = p."seriesKey" WHERE s.id = ds."seriesId")`;
  return Number(rows[0].n);
}

describe("demo detector", () => {
  it("attaches the default detector to the sample series once", async () => {
    await seedSampleSeries(path.resolve("prisma/demo-data/nab"));
    const first = await seedDemoDetector();
    expect(first.attached).toBe(4);
    const again = await seedDemoDetector();
    expect(again).toEqual({ detectorId: first.detectorId, attached: 0 });
    const detector = await getPrisma().detector.findUniqueOrThrow({ where: { name: DEMO_DETECTOR } });
    expect(detector).toMatchObject({ algorithm: "ensemble", enabled: true, threshold: defaultDetectorConfig().threshold });
  });

  it("is scored by the worker's reconciler on start, and anomalies appear", { timeout: 180_000 }, async () => {
    expect(await lagging()).toBe(4);
    delete process.env.REDIS_URL;
    let out = "";
    worker = spawn("node_modules/.bin/tsx", ["worker/index.ts"], {
      env: { ...process.env, DATABASE_URL: db.url(), VIGIL_QUEUE_PREFIX: `t${randomBytes(4).toString("hex")}`, LOG_LEVEL: "info" },
      detached: true,
    });
    worker.stdout?.on("data", (d) => (out += d));
    worker.stderr?.on("data", (d) => (out += d));
    await expect.poll(lagging, { timeout: 170_000, interval: 1_000 }).toBe(0);
    const anomalies = await getPrisma().anomaly.groupBy({ by: ["seriesId"], _count: true });
    expect(anomalies.length, out).toBeGreaterThan(0);
    const jump = await getPrisma().anomaly.findMany({ where: { series: { metric: "art_daily_jumpsup" } } });
    // NAB labels the jump in art_daily_jumpsup around 2014-04-11 09:00.
    expect(jump.some((a) => Math.abs(a.startTs.getTime() - Date.UTC(2014, 3, 11, 9)) < 24 * 3600_000)).toBe(true);
  });
});

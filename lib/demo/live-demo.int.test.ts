/**
 * The live demo end to end without a browser: the seed writes warm history and a push key (mode
 * 600), the runner pushes "now" through the real ingest route handler with that key, and scoring
 * the source flags the generator's injected anomalies.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/v1/ingest/route";
import { DEMO_SEED } from "@/lib/demo/config";
import { anomaliesBetween, DEMO_SERIES } from "@/lib/demo/generator";
import { startDemoRunner } from "@/lib/demo/runner";
import { runDetection } from "@/lib/pipeline/detect-run";
import { getPrisma } from "@/lib/server/db";
import { demoKeyFile, findLiveSourceLatest, LIVE_DETECTOR, seedLiveSource } from "@/lib/server/seed/live-source";
import { withTestDatabase } from "@/test/test-database";

withTestDatabase();
const dataDir = mkdtempSync(path.join(tmpdir(), "vigil-demo-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const quiet = { info: () => undefined, warn: () => undefined };

describe("live demo source", () => {
  it("seeds warm history once, pushes live points with its key, and its detector flags the injected anomalies", async () => {
    const now = Date.UTC(2026, 2, 2, 12, 0, 2);
    const first = await seedLiveSource(dataDir, now);
    expect(first).toMatchObject({ keyCreated: true, attached: DEMO_SERIES.length });
    expect(first.points).toBe(DEMO_SERIES.length * 2160);
    expect(statSync(demoKeyFile(dataDir)).mode & 0o777).toBe(0o600);
    expect(await seedLiveSource(dataDir, now)).toEqual({ keyCreated: false, points: 0, attached: 0 });

    let clock = now + 60_000;
    const runner = startDemoRunner({
      ingestUrl: "http://localhost/api/v1/ingest",
      keyFile: demoKeyFile(dataDir),
      latest: findLiveSourceLatest,
      log: quiet,
      everyMs: 3_600_000,
      now: () => clock,
      fetchImpl: (async (url: string, init: RequestInit) => POST(new NextRequest(url, init as never))) as typeof fetch,
    });
    try {
      expect(await runner.tick()).toBe(DEMO_SERIES.length * 12);
      clock += 10_000;
      expect(await runner.tick()).toBe(DEMO_SERIES.length * 2);
    } finally {
      await runner.stop();
    }
    expect((await findLiveSourceLatest())?.getTime()).toBe(now - 2_000 + 70_000);

    const detector = await getPrisma().detector.findUniqueOrThrow({ where: { name: LIVE_DETECTOR }, include: { series: true } });
    for (const { seriesId } of detector.series) await runDetection({ detectorId: detector.id, seriesId });
    const rows = await getPrisma().anomaly.findMany({ where: { detectorId: detector.id }, include: { series: true } });

    // Every injected anomaly after the warm-up (60 points = 5 min) is found on its series.
    const injected = anomaliesBetween(DEMO_SEED, now - 3 * 3_600_000 + 10 * 60_000, now);
    expect(injected.length).toBeGreaterThan(50);
    const found = injected.filter((a) =>
      rows.some((r) => {
        const spec = DEMO_SERIES[a.series];
        const sameSeries = r.series.metric === spec.metric && JSON.stringify(r.series.labels) === JSON.stringify(spec.labels);
        return sameSeries && r.startTs.getTime() <= a.end && r.endTs.getTime() >= a.start;
      }),
    );
    expect(found.length / injected.length).toBeGreaterThan(0.9);
    // ...and little else: most rows overlap an injected anomaly.
    expect(rows.length).toBeLessThan(injected.length * 2);
  });
});

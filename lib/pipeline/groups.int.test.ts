/**
 * Grouped detection end to end: a k-means detector grouped by `host` over cpu, mem and latency of
 * two hosts forms one subject per host, trains one model per host, flags the host whose memory was
 * pushed off its usual relation, and attributes the incident to that memory series. A univariate
 * algorithm cannot be grouped (400 naming `grouping`).
 */
import { describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/server/db";
import { createDetector } from "@/lib/server/queries/detectors";
import { runTraining } from "@/lib/pipeline/train-run";
import { runDetection } from "@/lib/pipeline/detect-run";
import { syncGroups } from "@/lib/server/queries/subjects";
import { T0, STEP_MS } from "@/lib/pipeline/testing/fixtures";
import { HOSTS_GROUPING, METRICS, SPIKE, TOTAL, TRAIN, valuesOf, writeHosts as write } from "@/lib/pipeline/testing/hosts";
import { readAnomalyWindow } from "@/lib/server/queries/anomaly-window";
import { withTestDatabase } from "@/test/test-database";

withTestDatabase();

describe("grouped detection", () => {
  it("scores one vector per host, flags the injected host and attributes it to the injected metric", async () => {
    const prisma = getPrisma();
    const source = await prisma.dataSource.create({ data: { name: "hosts", kind: "HTTP_PUSH" } });
    await write(source.id, 0, TRAIN);
    const d = await createDetector(
      {
        name: "hosts-kmeans",
        algorithm: "kmeans",
        params: { k: 4, shingleSize: 1, seed: 7 },
        mode: "STREAMING",
        trainingWindowHours: 24,
        enabled: true,
        seriesIds: [],
        sourceIds: [source.id],
        retrainCron: null,
        grouping: HOSTS_GROUPING,
      },
      null,
    );
    const groups = await prisma.seriesGroup.findMany({ where: { detectorId: d.id }, include: { members: { orderBy: { position: "asc" }, include: { series: true } } } });
    expect(groups.map((g) => g.key).sort()).toEqual(['{"host":"a"}', '{"host":"b"}']);
    for (const g of groups) expect(g.members.map((m) => m.series.metric)).toEqual([...METRICS]);
    expect(await syncGroups(d.id)).toEqual([]); // formed once

    const trained = await runTraining({ detectorId: d.id });
    expect(trained.status).toBe("done");
    expect(trained.trained.map((t) => t.seriesId).sort()).toEqual(groups.map((g) => g.id).sort());

    await write(source.id, TRAIN, TOTAL);
    for (const g of groups) expect(await runDetection({ detectorId: d.id, subjectId: g.id })).toMatchObject({ status: "done" });

    const hostB = groups.find((g) => g.key === '{"host":"b"}')!;
    const memB = hostB.members[1].seriesId;
    const anomalies = await prisma.anomaly.findMany({ where: { detectorId: d.id, detection: "ACTIVE" }, orderBy: { peakScore: "desc" } });
    expect(anomalies.length).toBeGreaterThan(0);
    const top = anomalies[0];
    expect(top.groupId).toBe(hostB.id);
    expect(top.subjectId).toBe(hostB.id);
    expect(top.peakTs.getTime()).toBeGreaterThanOrEqual(T0 + SPIKE * STEP_MS);
    expect(top.peakTs.getTime()).toBeLessThan(T0 + (SPIKE + 4) * STEP_MS);
    // Attributed to host b's memory: the incident is shown under that series.
    expect(top.seriesId).toBe(memB);
    const attribution = top.attribution as { seriesId: string; share: number; direction: string }[];
    expect(attribution.map((a) => a.seriesId)).toEqual(hostB.members.map((m) => m.seriesId));
    expect(attribution[1]).toMatchObject({ direction: "above" });
    expect(attribution[1].share).toBeGreaterThan(0.5);
    // The anomaly page's main chart: that member's stored points around the incident, no per-member band.
    const window = await readAnomalyWindow(top.id);
    const peak = window.points.find((p) => p.t === top.peakTs.getTime());
    expect(peak?.value).toBeCloseTo(valuesOf("b", "mem", SPIKE, SPIKE + 4)[(top.peakTs.getTime() - T0) / STEP_MS - SPIKE], 9);
    expect(window.points.every((p) => p.expected === null && p.lower === null && p.score === null)).toBe(true);
    // Host a's incidents, if any, are weaker than the injected one.
    for (const a of anomalies.filter((x) => x.groupId !== hostB.id)) expect(a.peakScore).toBeLessThan(top.peakScore);
    // Every closed step was scored: the watermark is the last instant of the newest closed step.
    const state = await prisma.detectorState.findUniqueOrThrow({ where: { detectorId_subjectId: { detectorId: d.id, subjectId: hostB.id } } });
    expect(state.watermark?.getTime()).toBe(T0 + (TOTAL - 1) * STEP_MS - 1);
  });

  it("refuses to group a univariate algorithm, naming the field", async () => {
    await expect(
      createDetector(
        { name: "z-grouped", algorithm: "zscore", params: {}, mode: "STREAMING", trainingWindowHours: null, enabled: true, seriesIds: [], sourceIds: [], retrainCron: null, grouping: { seriesIds: ["x", "y"], stepSeconds: 60, aggregate: "last", missing: "impute" } },
        null,
      ),
    ).rejects.toMatchObject({ code: "bad_request", issues: [{ path: "grouping" }] });
  });
});

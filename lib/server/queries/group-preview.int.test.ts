/**
 * The preview of a group: the members aligned as the worker aligns them, trained by the worker's
 * rule on the steps before the window, scored per step with each member's attribution. Checked
 * against the pipeline itself: the same detector trained and run by the worker over the same group
 * finds the same incident, with the same peak score and attribution.
 */
import { describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/server/db";
import { createDetector } from "@/lib/server/queries/detectors";
import { previewDetector } from "@/lib/server/queries/series";
import { runTraining } from "@/lib/pipeline/train-run";
import { runDetection } from "@/lib/pipeline/detect-run";
import { T0, STEP_MS } from "@/lib/pipeline/testing/fixtures";
import { HOSTS_GROUPING, SPIKE, TOTAL, TRAIN, writeHosts } from "@/lib/pipeline/testing/hosts";
import { ZPreview, type GroupPreviewResult, type TPreview } from "@/lib/detectors/schemas";
import { withTestDatabase } from "@/test/test-database";

withTestDatabase();

const KMEANS = { algorithm: "kmeans", params: { k: 4, shingleSize: 1, seed: 7 }, threshold: 0.5, trainingWindowHours: 24 };

describe("group preview", () => {
  it("scores the group's steps as the worker does and attributes the incident to the injected member", async () => {
    const prisma = getPrisma();
    const source = await prisma.dataSource.create({ data: { name: "hosts", kind: "HTTP_PUSH" } });
    await writeHosts(source.id, 0, TRAIN);
    const d = await createDetector({ name: "hosts", ...KMEANS, mode: "STREAMING", enabled: true, seriesIds: [], sourceIds: [source.id], retrainCron: null, grouping: HOSTS_GROUPING }, null);
    const hostB = await prisma.seriesGroup.findFirstOrThrow({ where: { detectorId: d.id, key: '{"host":"b"}' }, include: { members: { orderBy: { position: "asc" }, include: { series: true } } } });
    const members = hostB.members.map((m) => m.seriesId);
    await runTraining({ detectorId: d.id });
    await writeHosts(source.id, TRAIN, TOTAL);
    expect(await runDetection({ detectorId: d.id, subjectId: hostB.id })).toMatchObject({ status: "done" });

    // From the first step the worker scored (its model ends at the step before) to the newest closed step.
    const body: TPreview = ZPreview.parse({ ...KMEANS, grouping: { ...HOSTS_GROUPING, by: undefined, metrics: undefined, seriesIds: members }, from: new Date(T0 + (TRAIN - 1) * STEP_MS).toISOString(), maxPoints: 1000 });
    const r = (await previewDetector(body)) as GroupPreviewResult;
    expect(r.members.map((m) => m.metric)).toEqual(["cpu", "mem", "latency"]);
    expect(r.points.map((p) => p.t)).toEqual(Array.from({ length: TOTAL - TRAIN }, (_, i) => T0 + (TRAIN - 1 + i) * STEP_MS));
    expect(r.points[0].values).toHaveLength(3);
    expect([r.trainedOn, r.unscored, r.trainedTo]).toEqual([TRAIN - 1, 0, T0 + (TRAIN - 2) * STEP_MS]);

    const stored = await prisma.anomaly.findMany({ where: { detectorId: d.id, subjectId: hostB.id, detection: "ACTIVE" }, orderBy: { startTs: "asc" } });
    expect(r.events.map((e) => [e.start, e.end, e.peakScore])).toEqual(stored.map((a) => [a.startTs.getTime(), a.endTs.getTime(), a.peakScore]));
    const top = r.events.reduce((a, b) => (b.peakScore > a.peakScore ? b : a));
    expect(top.peakT).toBeGreaterThanOrEqual(T0 + SPIKE * STEP_MS);
    expect(top.peakT).toBeLessThan(T0 + (SPIKE + 4) * STEP_MS);
    expect(top.attribution![1].direction).toBe("above");
    expect(top.attribution![1].share).toBeGreaterThan(0.5);
    const peak = r.points.find((p) => p.t === top.peakT)!;
    expect(peak.attribution).toEqual(top.attribution);

    // Without `from`: the latest steps up to the newest closed one.
    const latest = (await previewDetector(ZPreview.parse({ ...body, from: undefined, maxPoints: 50 }))) as GroupPreviewResult;
    expect(latest.points.map((p) => p.t)).toEqual(Array.from({ length: 50 }, (_, i) => T0 + (TOTAL - 51 + i) * STEP_MS));
  });

  it("refuses a univariate algorithm (400 on grouping), an unknown member (404) and a group given by labels", async () => {
    const grouping = { seriesIds: ["a", "b"], stepSeconds: 60 };
    await expect(previewDetector(ZPreview.parse({ algorithm: "zscore", params: {}, threshold: 0.5, grouping }))).rejects.toMatchObject({ code: "bad_request", issues: [{ path: "grouping" }] });
    await expect(previewDetector(ZPreview.parse({ ...KMEANS, grouping }))).rejects.toMatchObject({ code: "not_found", issues: [{ path: "grouping.seriesIds" }] });
    const byLabels = ZPreview.safeParse({ ...KMEANS, grouping: HOSTS_GROUPING });
    expect(byLabels.error?.issues.map((i) => i.path.join("."))).toEqual(["grouping.seriesIds"]);
    expect(ZPreview.safeParse({ ...KMEANS }).error?.issues.map((i) => i.path.join("."))).toEqual(["seriesId"]);
  });
});

/**
 * The preview of a group: the group formed by the pipeline's rule from the sources' series, the
 * members aligned as the worker aligns them, trained by the worker's rule on the steps before the
 * window (less the detector's labelled anomalies), scored per step with each member's attribution. Checked
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
import { writeBatch } from "@/lib/ingest/write";
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

    // The same group chosen by its label values among the source's series, formed by the pipeline's rule.
    const byLabels = (await previewDetector(ZPreview.parse({ ...body, grouping: HOSTS_GROUPING, group: { host: "b" }, sourceIds: [source.id] }))) as GroupPreviewResult;
    expect(byLabels).toEqual(r);

    // Without `from`: the latest steps up to the newest closed one.
    const latest = (await previewDetector(ZPreview.parse({ ...body, from: undefined, maxPoints: 50 }))) as GroupPreviewResult;
    expect(latest.points.map((p) => p.t)).toEqual(Array.from({ length: 50 }, (_, i) => T0 + (TOTAL - 51 + i) * STEP_MS));
  });

  it("forms the chosen group from any series of the sources, by the pipeline's rule", async () => {
    const prisma = getPrisma();
    const source = await prisma.dataSource.create({ data: { name: "more hosts", kind: "HTTP_PUSH" } });
    const other = await prisma.dataSource.create({ data: { name: "elsewhere", kind: "HTTP_PUSH" } });
    // Sixty other series of host b (more than the form ever listed), and host b's metrics in another source too.
    await writeBatch(source.id, null, Array.from({ length: 60 }, (_, i) => ({ metric: `noise${i}`, labels: { host: "b" }, labelsKey: "host=b", ms: [T0], values: [1] })));
    await writeHosts(source.id, 0, 200);
    await writeHosts(other.id, 0, 200);
    const ids = await prisma.series.findMany({ where: { sourceId: source.id, labels: { equals: { host: "b" } }, metric: { in: ["cpu", "mem", "latency"] } }, select: { id: true, metric: true } });
    const expected = ["cpu", "mem", "latency"].map((m) => ids.find((s) => s.metric === m)!.id);
    const req = { ...KMEANS, grouping: HOSTS_GROUPING, group: { host: "b" }, sourceIds: [source.id], maxPoints: 50 };
    const r = (await previewDetector(ZPreview.parse(req))) as GroupPreviewResult;
    expect(r.members.map((m) => m.seriesId)).toEqual(expected);
    expect(r.points).toHaveLength(50);
    // A detector watching that source forms the same group.
    const d = await createDetector({ name: "more hosts", ...KMEANS, mode: "STREAMING", enabled: true, seriesIds: [], sourceIds: [source.id], retrainCron: null, grouping: HOSTS_GROUPING }, null);
    const g = await prisma.seriesGroup.findFirstOrThrow({ where: { detectorId: d.id, key: '{"host":"b"}' }, include: { members: { orderBy: { position: "asc" } } } });
    expect(g.members.map((m) => m.seriesId)).toEqual(expected);
    // Series attached one by one count too; a group no series completes is a 422 naming `group` and the missing metrics.
    const mem = ids.find((s) => s.metric === "mem")!.id;
    await expect(previewDetector(ZPreview.parse({ ...req, sourceIds: [], seriesIds: [mem] }))).rejects.toMatchObject({ code: "unprocessable", issues: [{ path: "group", message: expect.stringContaining("cpu, latency") }] });
    await expect(previewDetector(ZPreview.parse({ ...req, group: { host: "z" } }))).rejects.toMatchObject({ code: "unprocessable", issues: [{ path: "group" }] });
  });

  it("leaves the detector's labelled anomalies out of training, as train.run does", async () => {
    const prisma = getPrisma();
    const source = await prisma.dataSource.create({ data: { name: "labelled hosts", kind: "HTTP_PUSH" } });
    await writeHosts(source.id, 0, TRAIN);
    const d = await createDetector({ name: "labelled hosts", ...KMEANS, mode: "STREAMING", enabled: true, seriesIds: [], sourceIds: [source.id], retrainCron: null, grouping: HOSTS_GROUPING }, null);
    const g = await prisma.seriesGroup.findFirstOrThrow({ where: { detectorId: d.id, key: '{"host":"b"}' }, include: { members: { orderBy: { position: "asc" } } } });
    const user = await prisma.user.create({ data: { email: "an@example.com", passwordHash: "-", role: "ANALYST" } });
    // An analyst marked steps 100..109 of host b's memory as an anomaly the detector missed.
    await prisma.missedAnomaly.create({ data: { detectorId: d.id, seriesId: g.members[1].seriesId, startTs: new Date(T0 + 100 * STEP_MS), endTs: new Date(T0 + 109 * STEP_MS), userId: user.id } });
    await runTraining({ detectorId: d.id });
    const v = await prisma.modelVersion.findFirstOrThrow({ where: { detectorId: d.id, subjectId: g.id } });
    expect(v.metrics).toMatchObject({ points: TRAIN - 1 - 10, excludedLabelled: 10 });
    await writeHosts(source.id, TRAIN, TRAIN + 20);
    // The preview from the first step after the model's window trains on that same window, less the same steps.
    const req = { ...KMEANS, grouping: HOSTS_GROUPING, group: { host: "b" }, sourceIds: [source.id], from: new Date(T0 + (TRAIN - 1) * STEP_MS).toISOString() };
    const withLabels = (await previewDetector(ZPreview.parse({ ...req, detectorId: d.id }))) as GroupPreviewResult;
    expect([withLabels.trainedOn, withLabels.excludedLabelled, withLabels.trainedTo]).toEqual([(v.metrics as { points: number }).points, 10, v.trainedTo.getTime() - STEP_MS + 1]);
    const without = (await previewDetector(ZPreview.parse(req))) as GroupPreviewResult;
    expect([without.trainedOn, without.excludedLabelled]).toEqual([TRAIN - 1, 0]);
    // A series' preview of the same detector leaves the span out too.
    const series = await previewDetector(ZPreview.parse({ ...KMEANS, seriesId: g.members[1].seriesId, detectorId: d.id, from: req.from }));
    expect([series.trainedOn, series.excludedLabelled]).toEqual([TRAIN - 1 - 10, 10]);
    await expect(previewDetector(ZPreview.parse({ ...req, detectorId: "nope" }))).rejects.toMatchObject({ code: "not_found", issues: [{ path: "detectorId" }] });
  });

  it("refuses a univariate algorithm (400 on grouping), an unknown member (404) and a group given by labels without its values", async () => {
    const grouping = { seriesIds: ["a", "b"], stepSeconds: 60 };
    await expect(previewDetector(ZPreview.parse({ algorithm: "zscore", params: {}, threshold: 0.5, grouping }))).rejects.toMatchObject({ code: "bad_request", issues: [{ path: "grouping" }] });
    await expect(previewDetector(ZPreview.parse({ ...KMEANS, grouping }))).rejects.toMatchObject({ code: "not_found", issues: [{ path: "grouping.seriesIds" }] });
    const byLabels = ZPreview.safeParse({ ...KMEANS, grouping: HOSTS_GROUPING });
    expect(byLabels.error?.issues.map((i) => i.path.join("."))).toEqual(["group", "sourceIds"]);
    expect(ZPreview.safeParse({ ...KMEANS, grouping: HOSTS_GROUPING, group: { host: "a", zone: "x" }, sourceIds: ["s"] }).error?.issues.map((i) => i.message)).toEqual(["not a grouping label: zone"]);
    expect(ZPreview.safeParse({ ...KMEANS }).error?.issues.map((i) => i.path.join("."))).toEqual(["seriesId"]);
  });
});

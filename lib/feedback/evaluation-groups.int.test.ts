/**
 * A grouped detector's evaluation curve and threshold what-if re-score its groups as the worker
 * scores them (aligned steps, the group's model), not its members one series at a time: at the
 * detector's threshold they give back exactly the worker's incidents. Labels and missed spans on
 * any member count for the member's group. Without a model version, a group is scored as the group
 * preview scores it.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { withTestDatabase } from "@/test/test-database";
import { getPrisma } from "@/lib/server/db";
import { createDetector } from "@/lib/server/queries/detectors";
import { evaluateDetector } from "@/lib/server/queries/evaluation";
import { whatIfThreshold } from "@/lib/server/queries/threshold-change";
import { previewGroup } from "@/lib/server/queries/group-preview";
import { parseDetectorParams } from "@/lib/detectors/params";
import { ZPreview } from "@/lib/detectors/schemas";
import { ZEvaluation, ZThresholdWhatIf } from "@/lib/feedback/responses";
import { runDetection } from "@/lib/pipeline/detect-run";
import { runTraining } from "@/lib/pipeline/train-run";
import { STEP_MS, T0 } from "@/lib/pipeline/testing/fixtures";
import { HOSTS_GROUPING, SPIKE, TOTAL, TRAIN, writeHosts } from "@/lib/pipeline/testing/hosts";

vi.mock("server-only", () => ({}));
withTestDatabase();

const at = (i: number) => new Date(T0 + i * STEP_MS);
const PARAMS = { k: 4, shingleSize: 1, seed: 7 };
const period = { from: at(TRAIN - 1).toISOString(), to: at(TOTAL - 2).toISOString() };
let sourceId = "";
let detectorId = "";
let hostB = { id: "", members: [] as string[] };
let userId = "";

beforeAll(async () => {
  const prisma = getPrisma();
  userId = (await prisma.user.create({ data: { email: "analyst@example.com", passwordHash: "x", role: "ANALYST" } })).id;
  sourceId = (await prisma.dataSource.create({ data: { name: "hosts", kind: "HTTP_PUSH" } })).id;
  await writeHosts(sourceId, 0, TRAIN);
  const d = await createDetector(
    { name: "hosts", algorithm: "kmeans", params: PARAMS, threshold: 0.5, trainingWindowHours: 24, mode: "STREAMING", enabled: true, seriesIds: [], sourceIds: [sourceId], retrainCron: null, grouping: HOSTS_GROUPING },
    null,
  );
  detectorId = d.id;
  const g = await prisma.seriesGroup.findFirstOrThrow({ where: { detectorId, key: '{"host":"b"}' }, include: { members: { orderBy: { position: "asc" } } } });
  hostB = { id: g.id, members: g.members.map((m) => m.seriesId) };
  await runTraining({ detectorId });
  await writeHosts(sourceId, TRAIN, TOTAL);
  for (const group of await prisma.seriesGroup.findMany({ where: { detectorId } })) expect(await runDetection({ detectorId, subjectId: group.id })).toMatchObject({ status: "done" });
});

describe("a grouped detector's evaluation", () => {
  it("re-scores its groups with their models: at its threshold, the worker's incidents; labels on any member count for the group", async () => {
    const prisma = getPrisma();
    const stored = await prisma.anomaly.findMany({ where: { detectorId, detection: "ACTIVE", startTs: { lte: new Date(period.to) }, endTs: { gte: new Date(period.from) } } });
    const spike = stored.find((a) => a.subjectId === hostB.id && a.peakTs >= at(SPIKE) && a.peakTs < at(SPIKE + 4))!;
    expect(spike.seriesId).toBe(hostB.members[1]); // shown under mem
    await prisma.anomalyLabel.create({ data: { anomalyId: spike.id, detectorId, seriesId: spike.seriesId, startTs: spike.startTs, endTs: spike.endTs, userId, value: "TRUE_POSITIVE" } });
    // An analyst marks the same moment missed on latency, another member: the group's incident finds it.
    await prisma.missedAnomaly.create({ data: { detectorId, seriesId: hostB.members[2], startTs: at(SPIKE), endTs: at(SPIKE + 1), userId } });

    const evaluation = await evaluateDetector(detectorId, period);
    expect(ZEvaluation.parse(evaluation)).toBeTruthy();
    expect(evaluation.rescored).toEqual({ series: 2, seriesTotal: 2, unit: "groups" });
    // The stored incidents and the re-scoring at today's threshold agree, event for event.
    expect(evaluation.rescoredCurrent).toMatchObject({ threshold: 0.5, events: stored.length, tp: 1, positives: 2, fn: 0 });
    expect(evaluation.stored).toMatchObject({ events: stored.length, tp: 1, positives: 2, fn: 0 });
    expect(evaluation.curve.find((c) => c.threshold === 0.5)).toMatchObject({ events: stored.length, tp: 1, fn: 0 });

    const whatIf = await whatIfThreshold(detectorId, { threshold: 0.99, ...period });
    expect(ZThresholdWhatIf.parse(whatIf)).toBeTruthy();
    expect(whatIf.current).toMatchObject({ threshold: 0.5, events: stored.length, tp: 1, positives: 2 });
    expect(whatIf.proposed).toEqual(expect.objectContaining({ threshold: 0.99, ...pick(evaluation.curve.find((c) => c.threshold === 0.99)!) }));
    expect(whatIf.rescored).toEqual({ series: 2, seriesTotal: 2, unit: "groups" });
  });

  it("scores a group with no model yet as the group preview does", async () => {
    const d = await createDetector(
      { name: "untrained", algorithm: "kmeans", params: PARAMS, threshold: 0.5, trainingWindowHours: 24, mode: "STREAMING", enabled: true, seriesIds: [], sourceIds: [sourceId], retrainCron: null, grouping: HOSTS_GROUPING },
      null,
    );
    expect(await getPrisma().modelVersion.count({ where: { detectorId: d.id } })).toBe(0);
    const evaluation = await evaluateDetector(d.id, period);
    const input = ZPreview.parse({ algorithm: "kmeans", params: PARAMS, threshold: 0.5, trainingWindowHours: 24, grouping: HOSTS_GROUPING, group: { host: "b" }, sourceIds: [sourceId], detectorId: d.id, ...period, maxPoints: 5_000 });
    const preview = await previewGroup({ ...input, grouping: HOSTS_GROUPING }, parseDetectorParams("kmeans", PARAMS));
    const other = await previewGroup({ ...input, grouping: HOSTS_GROUPING, group: { host: "a" } }, parseDetectorParams("kmeans", PARAMS));
    expect(preview.trainedOn).toBeGreaterThan(0);
    expect(evaluation.rescoredCurrent.events).toBe(preview.events.length + other.events.length);
    expect(preview.events.some((e) => e.start <= at(SPIKE).getTime() && e.end >= at(SPIKE).getTime())).toBe(true);
  });
});

/** The metrics fields a curve point and a what-if side share. */
function pick(c: { events: number; tp: number; fp: number; fn: number; positives: number }) {
  return { events: c.events, tp: c.tp, fp: c.fp, fn: c.fn, positives: c.positives };
}

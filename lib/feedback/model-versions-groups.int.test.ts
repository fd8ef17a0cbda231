/**
 * A grouped detector's model versions compared as a series' are: each version of a group re-scores
 * the group's aligned steps over the same period (warmed on the steps since its training ended)
 * and is judged on the labels its incidents got under their members. The version the worker ran
 * gives back exactly the worker's incidents; a member picks its group; rollback works per group.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { withTestDatabase } from "@/test/test-database";
import { routeContext, withSignedInUser } from "@/test/route-requests";
import { getPrisma } from "@/lib/server/db";
import { createDetector } from "@/lib/server/queries/detectors";
import { evaluateDetector } from "@/lib/server/queries/evaluation";
import { runDetection } from "@/lib/pipeline/detect-run";
import { runTraining } from "@/lib/pipeline/train-run";
import { STEP_MS, T0 } from "@/lib/pipeline/testing/fixtures";
import { HOSTS_GROUPING, SPIKE, TOTAL, TRAIN, writeHosts } from "@/lib/pipeline/testing/hosts";
import type { ModelComparison } from "@/lib/server/queries/model-versions";
import { ZModelComparison } from "@/lib/feedback/responses";
import { GET as getModels } from "@/app/api/v1/detectors/[id]/models/route";
import { POST as activate } from "@/app/api/v1/detectors/[id]/models/[modelId]/activate/route";

vi.mock("server-only", () => ({}));
vi.mock("next-auth", () => ({ getServerSession: async () => ({ user: { id: "ad", sid: "s-ad" } }) }));
vi.mock("@/lib/server/schedules", () => ({ ringDetectorAfterWrite: async () => undefined, syncSchedulesAfterWrite: async () => undefined }));
withTestDatabase();
withSignedInUser("ad", "ADMIN");

const at = (i: number) => new Date(T0 + i * STEP_MS);
let detectorId = "";
let hostB = { id: "", members: [] as string[] };

beforeAll(async () => {
  const prisma = getPrisma();
  const source = await prisma.dataSource.create({ data: { name: "hosts", kind: "HTTP_PUSH" } });
  await writeHosts(source.id, 0, TRAIN);
  const d = await createDetector(
    { name: "hosts", algorithm: "kmeans", params: { k: 4, shingleSize: 1, seed: 7 }, threshold: 0.5, trainingWindowHours: 24, mode: "STREAMING", enabled: true, seriesIds: [], sourceIds: [source.id], retrainCron: null, grouping: HOSTS_GROUPING },
    null,
  );
  detectorId = d.id;
  const g = await prisma.seriesGroup.findFirstOrThrow({ where: { detectorId, key: '{"host":"b"}' }, include: { members: { orderBy: { position: "asc" } } } });
  hostB = { id: g.id, members: g.members.map((m) => m.seriesId) };
  await runTraining({ detectorId });
  await writeHosts(source.id, TRAIN, TOTAL);
  for (const group of await prisma.seriesGroup.findMany({ where: { detectorId } })) expect(await runDetection({ detectorId, subjectId: group.id })).toMatchObject({ status: "done" });
});

async function compare(query: string): Promise<ModelComparison> {
  const res = await getModels(new NextRequest(`http://localhost/api/v1/detectors/${detectorId}/models?${query}`), routeContext(detectorId));
  expect(res.status).toBe(200);
  const body = (await res.json()) as ModelComparison;
  expect(ZModelComparison.parse(body)).toEqual(body); // the documented answer, every field declared
  return body;
}

describe("model versions of a group", () => {
  it("re-scores each version over the group's steps and judges it on the labels of the group's incidents", async () => {
    const prisma = getPrisma();
    const stored = await prisma.anomaly.findMany({ where: { detectorId, subjectId: hostB.id, detection: "ACTIVE" }, orderBy: { startTs: "asc" } });
    const spike = stored.find((a) => a.peakTs >= at(SPIKE) && a.peakTs < at(SPIKE + 4))!;
    expect(spike.seriesId).toBe(hostB.members[1]); // shown under mem, the member with the largest share
    // An analyst confirms the spike (labelled under its member); retraining leaves it out of the window.
    await prisma.anomalyLabel.create({ data: { anomalyId: spike.id, detectorId, seriesId: spike.seriesId, startTs: spike.startTs, endTs: spike.endTs, userId: "ad", value: "TRUE_POSITIVE" } });
    await runTraining({ detectorId });
    const versions = await prisma.modelVersion.findMany({ where: { detectorId, subjectId: hostB.id }, orderBy: { version: "asc" } });
    expect(versions.map((v) => [v.version, v.active])).toEqual([[1, false], [2, true]]);
    expect((versions[1].metrics as { excludedLabelled: number }).excludedLabelled).toBeGreaterThan(0);

    // From the first step version 1 scored (it ends at the step before) to the last step the worker scored.
    const period = `from=${at(TRAIN - 1).toISOString()}&to=${at(TOTAL - 2).toISOString()}`;
    const all = await compare(period);
    expect(all.series.map((s) => s.group?.key).sort()).toEqual(['{"host":"a"}', '{"host":"b"}']);
    // The labelled group first; a member's id picks its group.
    const body = await compare(`${period}&seriesId=${hostB.members[2]}`);
    expect(body.series).toHaveLength(1);
    const b = body.series[0];
    expect(all.series[0].seriesId).toBe(hostB.id);
    expect(b.seriesId).toBe(hostB.id);
    expect(b.group!.members.map((m) => [m.seriesId, m.metric])).toEqual(hostB.members.map((id, i) => [id, ["cpu", "mem", "latency"][i]]));
    expect([b.points, b.labels]).toEqual([TOTAL - TRAIN, 1]);
    expect(b.versions.map((v) => [v.version, v.active, v.unavailable])).toEqual([[2, true, null], [1, false, null]]);
    // Version 1 is what the worker ran over the period: the same incidents, the spike among them, found.
    const v1 = b.versions[1].metrics!;
    expect([v1.events, v1.tp, v1.positives, v1.fn]).toEqual([stored.length, 1, 1, 0]);
    for (const v of b.versions) expect(v.metrics).toMatchObject({ positives: 1 });
    // Host a: no labels, its versions scored over its own steps.
    const a = all.series.find((s) => s.seriesId !== hostB.id)!;
    expect([a.points, a.labels]).toEqual([TOTAL - TRAIN, 0]);
    expect(a.versions.every((v) => v.metrics !== null)).toBe(true);

    // The evaluation's per-version row counts the group's incidents under the version that found them.
    const evaluation = await evaluateDetector(detectorId, { from: at(TRAIN - 1).toISOString(), to: at(TOTAL - 2).toISOString() });
    const row = evaluation.byModelVersion.find((r) => r.id === versions[0].id)!;
    expect([row.metrics.events, row.metrics.tp]).toEqual([stored.length, 1]);
  });

  it("rolls a group back to an older version", async () => {
    const versions = await getPrisma().modelVersion.findMany({ where: { detectorId, subjectId: hostB.id }, orderBy: { version: "asc" } });
    const url = `http://localhost/api/v1/detectors/${detectorId}/models/${versions[0].id}/activate`;
    const res = await activate(new NextRequest(url, { method: "POST" }), { params: Promise.resolve({ id: detectorId, modelId: versions[0].id }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ seriesId: hostB.id, previous: { id: versions[1].id, version: 2 }, active: { id: versions[0].id, version: 1 } });
    const state = await getPrisma().detectorState.findUniqueOrThrow({ where: { detectorId_subjectId: { detectorId, subjectId: hostB.id } } });
    expect([state.modelId, state.watermark]).toEqual([versions[0].id, versions[0].trainedTo]);
  });
});

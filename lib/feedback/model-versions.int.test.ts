/**
 * Retraining leaves labelled anomalies out of its window; model versions are compared on the same
 * labelled period and an older one is activated (rollback) through training's install path, on a
 * real database and through the API.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { withTestDatabase } from "@/test/test-database";
import { routeContext, withSignedInUser } from "@/test/route-requests";
import { getPrisma } from "@/lib/server/db";
import { runDetection } from "@/lib/pipeline/detect-run";
import { runTraining } from "@/lib/pipeline/train-run";
import { STEP_MS, T0, createPair, sineWithSpikes, writePoints } from "@/lib/pipeline/testing/fixtures";
import type { ModelComparison } from "@/lib/server/queries/model-versions";
import { GET as getModels } from "@/app/api/v1/detectors/[id]/models/route";
import { POST as activate } from "@/app/api/v1/detectors/[id]/models/[modelId]/activate/route";

const session = vi.hoisted(() => ({ id: "an" }));
vi.mock("server-only", () => ({}));
vi.mock("next-auth", () => ({ getServerSession: async () => ({ user: { id: session.id, sid: `s-${session.id}` } }) }));
vi.mock("@/lib/server/schedules", () => ({ ringDetectorAfterWrite: async () => undefined, syncSchedulesAfterWrite: async () => undefined }));
withTestDatabase();
withSignedInUser("an", "ANALYST");
withSignedInUser("ad", "ADMIN");

const at = (i: number) => new Date(T0 + i * STEP_MS);
const values = sineWithSpikes(1500, [500, 1400]);
const activateCtx = (id: string, modelId: string) => ({ params: Promise.resolve({ id, modelId }) });
let pair: { detectorId: string; seriesId: string };
const subjectOf = (p: typeof pair) => ({ detectorId: p.detectorId, subjectId: p.seriesId });

beforeAll(async () => {
  pair = await createPair({ algorithm: "lof", params: { shingleSize: 1 }, threshold: 0.5 });
  await writePoints(pair.seriesId, values.slice(0, 1000));
  await runDetection(pair);
  // An analyst marked the spike at 500 as an anomaly the (untrained) detector missed: 495..505.
  await getPrisma().missedAnomaly.create({ data: { ...pair, startTs: at(495), endTs: at(505), userId: "an" } });
});

describe("retraining and model versions", () => {
  it("leaves the labelled span out of the training window", async () => {
    const first = await runTraining({ detectorId: pair.detectorId });
    expect(first.trained[0]).toMatchObject({ seriesId: pair.seriesId, points: 989 });
    const v1 = await getPrisma().modelVersion.findFirstOrThrow({ where: { ...subjectOf(pair), version: 1 } });
    expect(v1.metrics).toMatchObject({ points: 989, excludedLabelled: 11 });
    expect(v1.trainedFrom).toEqual(at(0));
  });

  it("compares versions on the same period and rolls back to the older one, audited", async () => {
    await writePoints(pair.seriesId, values.slice(1000), 1000);
    await runDetection(pair);
    await runTraining({ detectorId: pair.detectorId });
    const versions = await getPrisma().modelVersion.findMany({ where: subjectOf(pair), orderBy: { version: "asc" } });
    expect(versions.map((v) => [v.version, v.active])).toEqual([[1, false], [2, true]]);

    session.id = "an";
    const period = `from=${at(0).toISOString()}&to=${at(1499).toISOString()}`;
    const res = await getModels(new NextRequest(`http://localhost/api/v1/detectors/${pair.detectorId}/models?${period}`), routeContext(pair.detectorId));
    expect(res.status).toBe(200);
    const body = (await res.json()) as ModelComparison;
    expect(body.series).toHaveLength(1);
    expect(body.series[0].versions.map((v) => [v.version, v.active, v.unavailable])).toEqual([[2, true, null], [1, false, null]]);
    // Both judged against the one labelled span (the missed spike at 500).
    for (const v of body.series[0].versions) expect(v.metrics).toMatchObject({ positives: 1 });

    const url = `http://localhost/api/v1/detectors/${pair.detectorId}/models/${versions[0].id}/activate`;
    expect((await activate(new NextRequest(url, { method: "POST" }), activateCtx(pair.detectorId, versions[0].id))).status).toBe(403);
    session.id = "ad";
    const done = await activate(new NextRequest(url, { method: "POST" }), activateCtx(pair.detectorId, versions[0].id));
    expect(done.status).toBe(200);
    expect(await done.json()).toEqual({ seriesId: pair.seriesId, previous: { id: versions[1].id, version: 2 }, active: { id: versions[0].id, version: 1 } });

    const state = await getPrisma().detectorState.findUniqueOrThrow({ where: { detectorId_subjectId: subjectOf(pair) } });
    expect(state.modelId).toBe(versions[0].id);
    expect(state.watermark).toEqual(versions[0].trainedTo);
    expect((await getPrisma().modelVersion.findMany({ where: subjectOf(pair), orderBy: { version: "asc" } })).map((v) => v.active)).toEqual([true, false]);
    // The worker continues with the rolled-back model: it re-scores up to the newest point.
    await runDetection(pair);
    expect((await getPrisma().detectorState.findUniqueOrThrow({ where: { detectorId_subjectId: subjectOf(pair) } })).watermark).toEqual(at(1499));
    expect((await getPrisma().anomaly.findMany({ where: { ...pair, detection: "ACTIVE" } })).some((a) => a.startTs <= at(1400) && a.endTs >= at(1400))).toBe(true);

    const again = await activate(new NextRequest(url, { method: "POST" }), activateCtx(pair.detectorId, versions[0].id));
    expect(again.status).toBe(422);
    const audit = await getPrisma().auditLog.findMany({ where: { entityId: pair.detectorId, action: "model.activate" } });
    expect(audit.map((a) => a.details)).toMatchObject([{ seriesId: pair.seriesId, from: 2, to: 1 }]);
  });
});

/**
 * backfill.run re-detects from a point on (a rewind, exactly like streaming), keeping triage on
 * incidents it still finds; train.run installs an active model version at the end of its window.
 */
import { describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/server/db";
import { runBackfill } from "@/lib/pipeline/backfill-run";
import { runDetection } from "@/lib/pipeline/detect-run";
import { runTraining } from "@/lib/pipeline/train-run";
import { upsertPoints } from "@/lib/server/queries/points";
import { updateDetector } from "@/lib/server/queries/detectors";
import { shardOf } from "@/lib/pipeline/shard";
import { STEP_MS, T0, anomaliesOf, createPair, sineWithSpikes, writePoints } from "@/lib/pipeline/testing/fixtures";
import { withTestDatabase } from "@/test/test-database";

withTestDatabase();

const at = (i: number) => new Date(T0 + i * STEP_MS);

describe("runBackfill", () => {
  it("re-detects after the detector's points changed behind its back: new spike found, vanished one gone, others kept", async () => {
    const before = sineWithSpikes(1000, [300, 450, 800]);
    const after = sineWithSpikes(1000, [300, 500, 800]); // 450 corrected, 500 arrives late
    const pair = await createPair();
    await writePoints(pair.seriesId, before);
    await runDetection(pair);
    expect((await anomaliesOf(pair)).map((a) => a.startIdx)).toEqual([300, 450, 800]);
    await getPrisma().anomaly.updateMany({ where: { ...pair, startTs: at(300) }, data: { status: "ACKNOWLEDGED" } });

    // Written past ingest (as a restore or a manual fix would): no re-detection request is left.
    await upsertPoints(pair.seriesId, after.map((_, i) => at(i)), after);
    expect(await runDetection(pair)).toMatchObject({ points: 0 });
    const res = await runBackfill({ ...pair, from: at(250), to: at(700) });
    expect(res).toMatchObject({ status: "done", points: 1000 }); // no snapshot before 250: from the first point

    const reference = await createPair();
    await writePoints(reference.seriesId, after);
    await runDetection(reference);
    expect(await anomaliesOf(pair)).toEqual(await anomaliesOf(reference));
    const kept = await getPrisma().anomaly.findFirstOrThrow({ where: { ...pair, startTs: at(300) } });
    expect(kept.status).toBe("ACKNOWLEDGED");
  });
});

describe("runTraining", () => {
  it("trains a detector that needs it, stores an active model version, and streaming then flags a spike", async () => {
    const pair = await createPair({ algorithm: "lof", params: { shingleSize: 1 }, threshold: 0.5 });
    const values = sineWithSpikes(1500, [1400]);
    await writePoints(pair.seriesId, values.slice(0, 1000));
    await runDetection(pair);
    expect(await anomaliesOf(pair)).toEqual([]); // untrained: warm-up only

    const first = await runTraining({ detectorId: pair.detectorId });
    expect(first.trained).toHaveLength(1);
    expect(first.trained[0]).toMatchObject({ seriesId: pair.seriesId, points: 1000 });
    await writePoints(pair.seriesId, values.slice(1000), 1000);
    await runDetection(pair);
    expect((await anomaliesOf(pair)).map((a) => a.startIdx)).toEqual([1400]);

    await runTraining({ detectorId: pair.detectorId, seriesId: pair.seriesId });
    const models = await getPrisma().modelVersion.findMany({ where: { detectorId: pair.detectorId, subjectId: pair.seriesId }, orderBy: { version: "asc" } });
    expect(models.map((m) => [m.version, m.active])).toEqual([
      [1, false],
      [2, true],
    ]);
    const state = await getPrisma().detectorState.findUniqueOrThrow({ where: { detectorId_subjectId: { detectorId: pair.detectorId, subjectId: pair.seriesId } } });
    expect(state.modelId).toBe(models[1].id);
    expect(state.watermark?.getTime()).toBe(T0 + 1499 * STEP_MS);
  });

  it("skips no point: trained while points wait past the watermark, the new model scores them", async () => {
    const pair = await createPair({ algorithm: "lof", params: { shingleSize: 1 }, threshold: 0.5 });
    const values = sineWithSpikes(1500, [1400]);
    await writePoints(pair.seriesId, values.slice(0, 1000));
    await runDetection(pair);
    await writePoints(pair.seriesId, values.slice(1000), 1000); // not scored yet
    const trained = await runTraining({ detectorId: pair.detectorId });
    expect(trained.trained[0]).toMatchObject({ points: 1000 }); // the window ends at the watermark
    expect(await runDetection(pair)).toMatchObject({ status: "done", points: 500 });
    expect((await anomaliesOf(pair)).map((a) => a.startIdx)).toEqual([1400]);

    // A threshold change keeps the model: same version, re-detected with it.
    const modelId = (await getPrisma().detectorState.findUniqueOrThrow({ where: { detectorId_subjectId: { detectorId: pair.detectorId, subjectId: pair.seriesId } } })).modelId;
    expect((await updateDetector(pair.detectorId, { threshold: 0.55 }, null)).effect).toBe("redetect");
    await runDetection(pair);
    expect((await getPrisma().detectorState.findUniqueOrThrow({ where: { detectorId_subjectId: { detectorId: pair.detectorId, subjectId: pair.seriesId } } })).modelId).toBe(modelId);
    expect(await getPrisma().modelVersion.count({ where: { detectorId: pair.detectorId, subjectId: pair.seriesId } })).toBe(1);
    expect((await anomaliesOf(pair)).map((a) => a.startIdx)).toEqual([1400]);
  });

  it("never trains one (detector, shard) twice at once, nor twice to the same point", async () => {
    const pair = await createPair({ algorithm: "lof", params: { shingleSize: 1 }, threshold: 0.5 });
    await writePoints(pair.seriesId, sineWithSpikes(3000));
    const runs = await Promise.all([runTraining({ detectorId: pair.detectorId }), runTraining({ detectorId: pair.detectorId })]);
    // One trains; the other finds the shard locked (busy) or, after it, nothing new to learn.
    expect(runs.flatMap((r) => r.trained)).toHaveLength(1);
    expect(await getPrisma().modelVersion.count({ where: { detectorId: pair.detectorId, subjectId: pair.seriesId } })).toBe(1);
    const again = await runTraining({ detectorId: pair.detectorId }); // the lock was released
    expect(again).toEqual({ status: "done", trained: [] }); // and the active model already ends at the watermark
    await writePoints(pair.seriesId, sineWithSpikes(100), 3000);
    await runDetection(pair);
    expect((await runTraining({ detectorId: pair.detectorId, shard: shardOf(pair.seriesId) })).trained).toHaveLength(1);
  });

  it("does nothing for a detector that needs no training", async () => {
    const pair = await createPair();
    await writePoints(pair.seriesId, sineWithSpikes(100));
    expect(await runTraining({ detectorId: pair.detectorId })).toEqual({ status: "not-needed", trained: [] });
  });
});

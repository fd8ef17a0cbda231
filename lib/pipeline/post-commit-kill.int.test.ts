/**
 * A check after a commit that never happens is made by the reconciler. The race of
 * lost-point.int.test.ts is forced again, but the side that should notice the point stops between
 * its commit and its check, as a killed worker or a PostgreSQL restart would stop it:
 * - detection: the run (or the batch) throws right after its commit, before its re-count; the page
 *   stays recorded on its DetectorState row;
 * - ingest: the re-check after the write's commit fails in PostgreSQL (a trigger refuses it); the
 *   write still answers 2xx, and its IngestCheck row stays.
 * Then `reconcileDetection` re-counts or re-checks what was left, and the point is scored. Also: a
 * detector attached to the series between the write's check and its commit is re-checked, and so is
 * a group formed (and trained past the point) in between.
 */
import { afterEach, describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { getPrisma } from "@/lib/server/db";
import { POST } from "@/app/api/v1/ingest/route";
import { runDetection } from "@/lib/pipeline/detect-run";
import { runDetectionBatch } from "@/lib/pipeline/detect-batch";
import { reconcileDetection } from "@/lib/pipeline/reconcile";
import { getQueueBackend } from "@/lib/server/queue";
import { createSourceKey } from "@/lib/server/queries/api-keys";
import { findLaggingPairs } from "@/lib/server/queries/detector-state";
import { recountStalePages } from "@/lib/server/queries/verify-pages";
import { STEP_MS, T0, anomaliesOf, sineWithSpikes, writePoints } from "@/lib/pipeline/testing/fixtures";
import { LATE, VALUES, batchMissingLate, pairMissingLate, reference, requestOf, sourceOf, uploadPoint } from "@/lib/pipeline/testing/late-point";
import { endSourceHolders, holdSource } from "@/lib/pipeline/testing/hold-source";
import { withRouteQueues } from "@/test/route-requests";
import { writeBatch } from "@/lib/ingest/write";
import { runTraining } from "@/lib/pipeline/train-run";
import { METRICS, TRAIN, trainedHosts, valuesOf } from "@/lib/pipeline/testing/hosts";
import { refuseRechecks } from "@/lib/pipeline/testing/refuse-recheck";
import { withTestDatabase } from "@/test/test-database";

const db = withTestDatabase();
withRouteQueues(["detect"]);
afterEach(endSourceHolders);

const killed = () => Promise.reject(new Error("killed after the commit"));

async function pendingPage(detectorId: string, subjectId: string) {
  const st = await getPrisma().detectorState.findUniqueOrThrow({ where: { detectorId_subjectId: { detectorId, subjectId } } });
  return st.verifyUpTo;
}

/** What the reconciler's tick does with nothing considered fresh; then the pairs it found run. */
async function reconcileNow() {
  return reconcileDetection(await getQueueBackend(), 0);
}

describe("detection stopped between its commit and its re-count", () => {
  it("run: the page stays recorded; the reconciler re-counts it once stale and the point is scored", async () => {
    const expected = await reference();
    const pair = await pairMissingLate();
    // The write commits inside the run's commit transaction (its own re-check sees the old watermark), then the run dies.
    const run = runDetection(pair, { beforeCommit: (page) => (page === 0 ? writePoints(pair.seriesId, [VALUES[LATE]], LATE).then(() => undefined) : undefined), afterCommit: killed });
    await expect(run).rejects.toThrow("killed after the commit");
    expect(await requestOf(pair.detectorId, pair.seriesId)).toBeNull();
    expect(await pendingPage(pair.detectorId, pair.seriesId)).toEqual(new Date(T0 + (VALUES.length - 1) * STEP_MS));
    // The watermark is at the newest point: nothing else would call the pair lagging.
    expect(await findLaggingPairs()).toEqual([]);
    expect(await recountStalePages()).toEqual([]); // recorded just now: its run may still be re-counting
    expect(await reconcileNow()).toMatchObject({ missed: 1, lagging: 1 });
    expect(await pendingPage(pair.detectorId, pair.seriesId)).toBeNull();
    await runDetection(pair);
    expect(await anomaliesOf(pair)).toEqual(expected);
  });

  it("run: the pair's next run adds its page to the record left and its re-count finds the point", async () => {
    const more = sineWithSpikes(450, [LATE]);
    const expected = await reference(more);
    const pair = await pairMissingLate();
    await expect(runDetection(pair, { beforeCommit: (page) => (page === 0 ? writePoints(pair.seriesId, [VALUES[LATE]], LATE).then(() => undefined) : undefined), afterCommit: killed })).rejects.toThrow();
    await writePoints(pair.seriesId, more.slice(VALUES.length), VALUES.length);
    expect(await runDetection(pair)).toMatchObject({ status: "done" });
    expect(await requestOf(pair.detectorId, pair.seriesId)).toBeNull();
    expect(await pendingPage(pair.detectorId, pair.seriesId)).toBeNull();
    expect(await anomaliesOf(pair)).toEqual(expected);
  });

  it("batch: the pages stay recorded and the reconciler finds the pair that missed the point", async () => {
    const expected = await reference();
    const b = await batchMissingLate();
    const run = runDetectionBatch(b.detectorId, b.series, { beforeCommit: () => writePoints(b.series[0], [VALUES[LATE]], LATE), afterCommit: killed });
    await expect(run).rejects.toThrow("killed after the commit");
    for (const s of b.series) expect(await pendingPage(b.detectorId, s)).not.toBeNull();
    expect(await reconcileNow()).toMatchObject({ missed: 1, lagging: 1 });
    expect(await requestOf(b.detectorId, b.series[0])).not.toBeNull();
    await runDetectionBatch(b.detectorId, b.series);
    for (const s of b.series) expect(await anomaliesOf({ detectorId: b.detectorId, seriesId: s })).toEqual(expected);
  });
});

describe("ingest whose re-check after its commit fails", () => {
  const postPoint = async (sourceId: string, metric: string) => {
    const { key } = await createSourceKey(sourceId, "push", null);
    const body = JSON.stringify({ series: metric, points: [[new Date(T0 + LATE * STEP_MS).toISOString(), VALUES[LATE]]] });
    return POST(new NextRequest("http://localhost/api/v1/ingest", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body }));
  };

  for (const path of ["write", "upload"] as const) {
    it(`${path}: stopped after its commit inside the race, the reconciler makes the re-check and the point is scored`, async () => {
      const expected = await reference();
      const pair = await pairMissingLate();
      // Made before the write takes its locks: the trigger's DDL would wait for the held write.
      const refused = await refuseRechecks();
      const held = await holdSource(db.url(), (await sourceOf(pair.seriesId)).sourceId);
      const writing = path === "write" ? writePoints(pair.seriesId, [VALUES[LATE]], LATE) : uploadPoint(pair.seriesId, LATE, VALUES[LATE]);
      await held.blocked(writing);
      // The run commits past the point before it is visible, and its re-count finds nothing.
      expect(await runDetection(pair)).toMatchObject({ status: "done", points: LATE - 1 });
      await held.release();
      expect(await writing).toMatchObject({ accepted: 1 });
      expect(await requestOf(pair.detectorId, pair.seriesId)).toBeNull();
      expect(await getPrisma().ingestCheck.count()).toBe(1);
      await refused.restore();
      expect(await reconcileNow()).toMatchObject({ rechecked: 1, lagging: 1 });
      expect(await getPrisma().ingestCheck.count()).toBe(0);
      await runDetection(pair);
      expect(await anomaliesOf(pair)).toEqual(expected);
    });
  }

  it("the HTTP write answers 200 when its re-check fails; the check is left to the reconciler", async () => {
    const pair = await pairMissingLate();
    const s = await sourceOf(pair.seriesId);
    const refused = await refuseRechecks();
    try {
      expect((await postPoint(s.sourceId, s.metric)).status).toBe(200);
      expect(await getPrisma().ingestCheck.count()).toBe(1);
    } finally {
      await refused.restore();
    }
    expect(await reconcileNow()).toMatchObject({ rechecked: 1 });
    expect(await getPrisma().ingestCheck.count()).toBe(0);
  });
});

describe("a detector attached between a write's check and its commit", () => {
  it("is re-checked after the commit: its run committed past the point before it was visible", async () => {
    const expected = await reference();
    const prisma = getPrisma();
    const source = await prisma.dataSource.create({ data: { name: "late-attach", kind: "HTTP_PUSH" } });
    const series = await prisma.series.create({ data: { sourceId: source.id, metric: "late-attach" } });
    await writePoints(series.id, VALUES.slice(0, LATE));
    await writePoints(series.id, VALUES.slice(LATE + 1), LATE + 1);
    const held = await holdSource(db.url(), source.id);
    const writing = writePoints(series.id, [VALUES[LATE]], LATE);
    await held.blocked(writing);
    // Attached and run while the write waits: the point is not visible to the run.
    const detector = await prisma.detector.create({
      data: { name: "late-attach", algorithm: "zscore", params: { window: 100, minPoints: 20, calibration: { enabled: false } }, threshold: 0.5, series: { create: { seriesId: series.id } } },
    });
    const pair = { detectorId: detector.id, seriesId: series.id };
    expect(await runDetection(pair)).toMatchObject({ status: "done", points: VALUES.length - 1 });
    await held.release();
    await writing;
    expect(await requestOf(pair.detectorId, pair.seriesId)).toMatchObject({ fromTs: new Date(T0 + LATE * STEP_MS) });
    await runDetection(pair);
    expect(await anomaliesOf(pair)).toEqual(expected);
  });
});

describe("a group formed between a write's check and its commit", () => {
  it("is re-checked after the commit: its training scored past the point before it was visible", async () => {
    const prisma = getPrisma();
    const { sourceId, detectorId } = await trainedHosts("late-group");
    // Host c appears with every metric, all but its cpu at step TRAIN+5; its group is not formed yet.
    const late = TRAIN + 5;
    const part = (metric: (typeof METRICS)[number], from: number, to: number) => ({
      metric,
      labels: { host: "c" },
      labelsKey: "host=c",
      ms: Array.from({ length: to - from }, (_, j) => T0 + (from + j) * STEP_MS),
      values: valuesOf("a", metric, from, to),
    });
    await writeBatch(sourceId, null, [...METRICS.map((m) => part(m, 0, TRAIN + 20)).filter((p) => p.metric !== "cpu"), part("cpu", 0, late), part("cpu", late + 1, TRAIN + 20)]);
    const keyC = JSON.stringify({ host: "c" });
    expect(await prisma.seriesGroup.count({ where: { detectorId, key: keyC } })).toBe(0);
    const held = await holdSource(db.url(), sourceId);
    const writing = writeBatch(sourceId, null, [part("cpu", late, late + 1)]);
    await held.blocked(writing);
    // Formed, trained and scored to its newest step while the write waits: the point is not visible.
    await runTraining({ detectorId });
    const c = await prisma.seriesGroup.findUniqueOrThrow({ where: { detectorId_key: { detectorId, key: keyC } } });
    const st = await prisma.detectorState.findUniqueOrThrow({ where: { detectorId_subjectId: { detectorId, subjectId: c.id } } });
    expect(st.watermark!.getTime()).toBeGreaterThan(T0 + late * STEP_MS);
    await held.release();
    await writing;
    expect(await requestOf(detectorId, c.id)).toMatchObject({ fromTs: new Date(T0 + late * STEP_MS) });
    await runDetection({ detectorId, subjectId: c.id });
    expect(await requestOf(detectorId, c.id)).toBeNull();
  });
});

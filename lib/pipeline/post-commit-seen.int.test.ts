/**
 * A write's re-check after its commit files nothing for a pair whose last committed page read the
 * write (its transaction visible in the page's read snapshot, its points inside the page), and still
 * files the re-detection when the page was read before the write committed. The write's re-check is
 * put after the detection run by refusing it (the reconciler's `recheckStale` then makes it, the
 * same statement), or by holding the write's transaction open across the run. Rewinds are counted
 * with the worker's own counter (`vigil_detection_rewinds_total`), points scored from the runs'
 * results, and the anomalies compared with an undisturbed run's.
 */
import { afterEach, describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/server/db";
import { getPgPool } from "@/lib/server/pg-pool";
import { getMetrics } from "@/lib/metrics/registry";
import { runDetection } from "@/lib/pipeline/detect-run";
import { runDetectionBatch } from "@/lib/pipeline/detect-batch";
import { recheckStale } from "@/lib/ingest/changes";
import { applyRedetectRequest } from "@/lib/server/queries/redetect";
import { STEP_MS, T0, anomaliesOf, createPair, writePoints } from "@/lib/pipeline/testing/fixtures";
import { METRICS, TRAIN, member, trainedHostsScored } from "@/lib/pipeline/testing/hosts";
import { writeBatch } from "@/lib/ingest/write";
import { LATE, VALUES, batchMissingLate, pairMissingLate, reference, requestOf, sourceOf } from "@/lib/pipeline/testing/late-point";
import { endSourceHolders, holdSource as holdSourceRow } from "@/lib/pipeline/testing/hold-source";
import { refuseRechecks } from "@/lib/pipeline/testing/refuse-recheck";
import { withTestDatabase } from "@/test/test-database";

const db = withTestDatabase();

afterEach(endSourceHolders);

async function rewinds(): Promise<number> {
  return (await getMetrics().detectionRewinds.get()).values.reduce((n, v) => n + v.value, 0);
}

const pendingChecks = async () => (await getPgPool().query<{ n: number }>(`SELECT count(*)::int AS n FROM "IngestCheck"`)).rows[0].n;

/** Writes point LATE of the series; its re-check is refused, so it stays to be made after the caller's run. */
async function writeCheckLater(seriesId: string) {
  const refused = await refuseRechecks();
  try {
    await writePoints(seriesId, [VALUES[LATE]], LATE);
  } finally {
    await refused.restore();
  }
  expect(await pendingChecks()).toBe(1);
}

describe("the write's re-check after a run that read the write", () => {
  it("run: files nothing, and nothing is scored twice", async () => {
    const expected = await reference();
    const pair = await pairMissingLate();
    await writeCheckLater(pair.seriesId);
    const before = await rewinds();
    // The run reads 200..399 with the write visible, commits and re-counts: 200 points, once.
    expect(await runDetection(pair)).toMatchObject({ status: "done", points: VALUES.length - LATE });
    expect(await recheckStale(getPgPool(), 0)).toBe(1);
    expect(await requestOf(pair.detectorId, pair.seriesId)).toBeNull();
    expect(await runDetection(pair)).toMatchObject({ status: "done", points: 0 });
    expect(await rewinds()).toBe(before);
    expect(await anomaliesOf(pair)).toEqual(expected);
  });

  it("batch: files nothing for the pair whose batch read the write", async () => {
    const expected = await reference();
    const a = await batchMissingLate();
    await writeCheckLater(a.series[0]);
    const before = await rewinds();
    const runs = await runDetectionBatch(a.detectorId, a.series);
    expect(runs).toMatchObject([{ status: "done", points: VALUES.length - LATE }, { status: "done", points: VALUES.length - LATE }]);
    expect(await recheckStale(getPgPool(), 0)).toBe(1);
    expect(await requestOf(a.detectorId, a.series[0])).toBeNull();
    expect(await rewinds()).toBe(before);
    for (const s of a.series) expect(await anomaliesOf({ detectorId: a.detectorId, seriesId: s })).toEqual(expected);
  });

  it("group: files nothing when the group's page read the member's point", async () => {
    const { source, d, b } = await trainedHostsScored("seen-grp");
    // Steps TRAIN..TRAIN+19 of every member but host b's cpu at TRAIN+5, which a write then adds, its re-check left for later.
    await writeBatch(source.id, null, [...METRICS.flatMap((m) => [member("a", m, TRAIN, TRAIN + 20), ...(m === "cpu" ? [] : [member("b", m, TRAIN, TRAIN + 20)])]), member("b", "cpu", TRAIN, TRAIN + 5), member("b", "cpu", TRAIN + 6, TRAIN + 20)]);
    const refused = await refuseRechecks();
    try {
      await writeBatch(source.id, null, [member("b", "cpu", TRAIN + 5, TRAIN + 6)]);
    } finally {
      await refused.restore();
    }
    const before = await rewinds();
    expect(await runDetection({ detectorId: d.id, subjectId: b })).toMatchObject({ status: "done", pages: 1 });
    expect(await recheckStale(getPgPool(), 0)).toBe(1);
    expect(await requestOf(d.id, b)).toBeNull();
    expect(await rewinds()).toBe(before);
    const st = await getPrisma().detectorState.findUniqueOrThrow({ where: { detectorId_subjectId: { detectorId: d.id, subjectId: b } } });
    expect(st.watermark).toEqual(new Date(T0 + (TRAIN + 19) * STEP_MS - 1));
  });

  it("a check without the write's transaction id (made before it was kept) still files", async () => {
    const pair = await pairMissingLate();
    await writeCheckLater(pair.seriesId);
    await getPgPool().query(`UPDATE "IngestCheck" SET xid = NULL`);
    await runDetection(pair);
    await recheckStale(getPgPool(), 0);
    expect(await requestOf(pair.detectorId, pair.seriesId)).not.toBeNull();
  });

  it("a rewind clears what the last page saw", async () => {
    const pair = await pairMissingLate();
    await writeCheckLater(pair.seriesId);
    await runDetection(pair);
    const seen = async () => (await getPgPool().query<{ upTo: Date | null }>(`SELECT "seenUpTo" AS "upTo" FROM "DetectorState" WHERE "subjectId" = $1`, [pair.seriesId])).rows[0].upTo;
    expect(await seen()).not.toBeNull();
    await getPrisma().redetectRequest.create({ data: { detectorId: pair.detectorId, subjectId: pair.seriesId, fromTs: new Date(0) } });
    expect(await applyRedetectRequest(pair.detectorId, pair.seriesId)).not.toBeNull();
    expect(await seen()).toBeNull();
    expect(await recheckStale(getPgPool(), 0)).toBe(1);
  });
});

describe("the write's re-check after a run that read its page before the write committed", () => {
  it("run: the write held open across the run files the rewind; the point is scored once in the end", async () => {
    const expected = await reference();
    const pair = await pairMissingLate();
    const held = await holdSourceRow(db.url(), (await sourceOf(pair.seriesId)).sourceId);
    const writing = writePoints(pair.seriesId, [VALUES[LATE]], LATE);
    await held.blocked(writing);
    const before = await rewinds();
    // The run reads 201..399 (200 not committed), commits past it and re-counts: still 199.
    expect(await runDetection(pair)).toMatchObject({ status: "done", points: VALUES.length - LATE - 1 });
    await held.release();
    await writing;
    expect(await requestOf(pair.detectorId, pair.seriesId)).not.toBeNull();
    // The rewind re-scores from the first point: every point once more, the new one among them.
    expect(await runDetection(pair)).toMatchObject({ status: "done", points: VALUES.length });
    expect(await rewinds()).toBe(before + 1);
    expect(await anomaliesOf(pair)).toEqual(expected);
  });

  it("batch: the write held open across the batch files the rewind for the pair that missed it", async () => {
    const expected = await reference();
    const a = await batchMissingLate();
    const held = await holdSourceRow(db.url(), (await sourceOf(a.series[0])).sourceId);
    const writing = writePoints(a.series[0], [VALUES[LATE]], LATE);
    await held.blocked(writing);
    const before = await rewinds();
    await runDetectionBatch(a.detectorId, a.series);
    await held.release();
    await writing;
    expect(await requestOf(a.detectorId, a.series[0])).not.toBeNull();
    expect(await requestOf(a.detectorId, a.series[1])).toBeNull();
    await runDetectionBatch(a.detectorId, a.series);
    expect(await rewinds()).toBe(before + 1);
    for (const s of a.series) expect(await anomaliesOf({ detectorId: a.detectorId, seriesId: s })).toEqual(expected);
  });

  it("a write visible to the run's last page but not inside it still files: its point was in an earlier page", async () => {
    const expected = await reference();
    const pair = await createPair();
    await writePoints(pair.seriesId, VALUES.slice(0, LATE));
    await runDetection(pair);
    await writePoints(pair.seriesId, VALUES.slice(LATE + 1, 301), LATE + 1);
    // The write of point LATE is held open across a run that scores 201..300 and re-counts them,
    // then commits; its re-check is refused, to be made after the next run.
    const refused = await refuseRechecks();
    const held = await holdSourceRow(db.url(), (await sourceOf(pair.seriesId)).sourceId);
    const writing = writePoints(pair.seriesId, [VALUES[LATE]], LATE);
    await held.blocked(writing);
    expect(await runDetection(pair, { pageSize: 100 })).toMatchObject({ status: "done", points: 100 });
    await held.release();
    await writing;
    await refused.restore();
    // The next run reads 301..399 with the write visible: its page does not hold the write's point.
    await writePoints(pair.seriesId, VALUES.slice(301), 301);
    expect(await runDetection(pair, { pageSize: 100 })).toMatchObject({ status: "done", points: VALUES.length - 301 });
    expect(await recheckStale(getPgPool(), 0)).toBe(1);
    expect(await requestOf(pair.detectorId, pair.seriesId)).not.toBeNull();
    await runDetection(pair);
    expect(await anomaliesOf(pair)).toEqual(expected);
  });
});

/**
 * Batched detect runs against real PostgreSQL: the same checkpoints and anomalies as one
 * `runDetection` per pair, incremental batches, a stale batch superseded, a point landing in a
 * scored page re-run, skipped pairs.
 */
import { describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/server/db";
import { getPgPool } from "@/lib/server/pg-pool";
import { runDetection } from "@/lib/pipeline/detect-run";
import { runDetectionBatch } from "@/lib/pipeline/detect-batch";
import { STEP_MS, T0, anomaliesOf, createPair, sineWithSpikes, writePoints } from "@/lib/pipeline/testing/fixtures";
import { seriesSubject } from "@/lib/server/queries/subject-points";
import { loadScorer } from "@/lib/pipeline/load-scorer";
import { clearStateCache } from "@/lib/pipeline/state-cache";
import { withTestDatabase } from "@/test/test-database";

withTestDatabase();

/** One detector attached to `n` fresh series. */
async function detectorWith(n: number) {
  const first = await createPair();
  const prisma = getPrisma();
  const series = [first.seriesId];
  const { sourceId } = await prisma.series.findUniqueOrThrow({ where: { id: first.seriesId } });
  for (let i = 1; i < n; i++) {
    const s = await prisma.series.create({ data: { sourceId, metric: `extra-${i}-${first.seriesId}` } });
    await prisma.detectorSeries.create({ data: { detectorId: first.detectorId, seriesId: s.id } });
    series.push(s.id);
  }
  return { detectorId: first.detectorId, series };
}

/** The pair's position, and its detector state rebuilt from the database (snapshot + replay), as a restarted worker would. */
async function stateOf(detectorId: string, seriesId: string) {
  const cp = await getPrisma().detectorState.findUniqueOrThrow({ where: { detectorId_subjectId: { detectorId, subjectId: seriesId } } });
  const detector = await getPrisma().detector.findUniqueOrThrow({ where: { id: detectorId } });
  clearStateCache();
  const { scorer } = await loadScorer(detector, seriesSubject(seriesId), cp);
  return { watermark: cp.watermark, state: scorer.save() };
}

describe("runDetectionBatch", () => {
  it("matches one runDetection per pair, in one pass and incrementally, with and without anomalies", async () => {
    const batch = await detectorWith(4);
    const single = await detectorWith(4);
    const values = (i: number) => sineWithSpikes(400, i % 2 ? [300] : []);
    for (const [i, s] of batch.series.entries()) await writePoints(s, values(i).slice(0, 200));
    for (const [i, s] of single.series.entries()) await writePoints(s, values(i).slice(0, 200));
    const first = await runDetectionBatch(batch.detectorId, batch.series);
    expect(first.map((r) => r.status)).toEqual(["done", "done", "done", "done"]);
    for (const s of single.series) await runDetection({ detectorId: single.detectorId, seriesId: s });
    for (const [i, s] of batch.series.entries()) await writePoints(s, values(i).slice(200), 200);
    for (const [i, s] of single.series.entries()) await writePoints(s, values(i).slice(200), 200);
    await runDetectionBatch(batch.detectorId, batch.series);
    for (const s of single.series) await runDetection({ detectorId: single.detectorId, seriesId: s });
    for (let i = 0; i < 4; i++) {
      const a = await stateOf(batch.detectorId, batch.series[i]);
      const b = await stateOf(single.detectorId, single.series[i]);
      expect(a.watermark).toEqual(b.watermark);
      expect(a.state.detector).toEqual(b.state.detector);
      const rowsA = await anomaliesOf({ detectorId: batch.detectorId, seriesId: batch.series[i] });
      const rowsB = await anomaliesOf({ detectorId: single.detectorId, seriesId: single.series[i] });
      expect(rowsA).toEqual(rowsB);
      expect(rowsA).toHaveLength(i % 2);
    }
    const again = await runDetectionBatch(batch.detectorId, batch.series);
    expect(again.map((r) => r.status === "done" && r.points)).toEqual([0, 0, 0, 0]);
  });

  it("concurrent batches over the same pairs write each page once; skipped pairs report why", async () => {
    const d = await detectorWith(3);
    for (const s of d.series) await writePoints(s, sineWithSpikes(300));
    const runs = await Promise.all([1, 2, 3].map(() => runDetectionBatch(d.detectorId, d.series)));
    for (let i = 0; i < 3; i++) {
      const statuses = runs.map((r) => r[i]);
      expect(statuses.filter((r) => r.status === "done" && r.points === 300).length).toBeGreaterThanOrEqual(1);
      expect(statuses.filter((r) => r.status === "done" && r.points === 300).length + statuses.filter((r) => r.status !== "done" || r.points === 0).length).toBe(3);
    }
    const other = await createPair();
    const r = await runDetectionBatch(d.detectorId, [d.series[0], other.seriesId]);
    expect(r[1]).toEqual({ status: "skipped", reason: "not-attached" });
    expect(await runDetectionBatch("nope", [d.series[0], other.seriesId])).toEqual([
      { status: "skipped", reason: "missing" },
      { status: "skipped", reason: "missing" },
    ]);
  });

  it("one statement moves every pair still at its version: a pair bumped after the read is superseded without its incidents, the others commit theirs", async () => {
    const d = await detectorWith(3);
    const values = (i: number) => sineWithSpikes(400, i === 2 ? [] : [300]);
    for (const [i, s] of d.series.entries()) await writePoints(s, values(i).slice(0, 200));
    await runDetectionBatch(d.detectorId, d.series); // warms the worker's scorers: the next call takes the batch path
    for (const [i, s] of d.series.entries()) await writePoints(s, values(i).slice(200), 200);
    const bump = () => getPrisma().detectorState.update({ where: { detectorId_subjectId: { detectorId: d.detectorId, subjectId: d.series[0] } }, data: { version: { increment: 1 } } });
    // Series 0 (a spike) is bumped after the batch read it, as a concurrent run or a model install would.
    const r = await runDetectionBatch(d.detectorId, d.series, { afterScore: bump });
    expect(r).toMatchObject([{ status: "superseded" }, { status: "done", points: 200, anomalies: 1 }, { status: "done", points: 200, anomalies: 0 }]);
    expect((await stateOf(d.detectorId, d.series[0])).watermark).toEqual(new Date(T0 + 199 * STEP_MS));
    expect(await anomaliesOf({ detectorId: d.detectorId, seriesId: d.series[0] })).toEqual([]); // its spike at 300 was not written
    expect(await runDetectionBatch(d.detectorId, d.series)).toMatchObject([{ status: "done", points: 200 }, { status: "done", points: 0 }, { status: "done", points: 0 }]);
    const single = await detectorWith(3);
    for (const [i, s] of single.series.entries()) {
      await writePoints(s, values(i));
      await runDetection({ detectorId: single.detectorId, seriesId: s });
    }
    for (let i = 0; i < 3; i++) {
      expect((await stateOf(d.detectorId, d.series[i])).watermark).toEqual(new Date(T0 + 399 * STEP_MS));
      expect(await anomaliesOf({ detectorId: d.detectorId, seriesId: d.series[i] })).toEqual(await anomaliesOf({ detectorId: single.detectorId, seriesId: single.series[i] }));
    }
  });

  it("a pair still at its version is moved although its row changed (a re-count's clear, no version bump) while the commit waited for the lock", async () => {
    const d = await detectorWith(2);
    const values = sineWithSpikes(400, [300]);
    for (const s of d.series) await writePoints(s, values.slice(0, 200));
    await runDetectionBatch(d.detectorId, d.series);
    for (const s of d.series) await writePoints(s, values.slice(200), 200);
    const other = await getPgPool().connect();
    let committed: Promise<unknown> = Promise.resolve();
    // After the batch scored: another transaction updates series 0's row as the re-count does (verifySince, same
    // version) and commits only while the batch's commit statement already waits on that row's lock.
    const touch = async () => {
      await other.query("BEGIN");
      await other.query(`UPDATE "DetectorState" SET "verifySince" = now() WHERE "detectorId" = $1 AND "subjectId" = $2`, [d.detectorId, d.series[0]]);
      committed = new Promise((resolve) => setTimeout(resolve, 500)).then(() => other.query("COMMIT")).finally(() => other.release());
    };
    const r = await runDetectionBatch(d.detectorId, d.series, { afterScore: touch });
    await committed;
    expect(r).toMatchObject([{ status: "done", points: 200, anomalies: 1 }, { status: "done", points: 200, anomalies: 1 }]);
    expect((await stateOf(d.detectorId, d.series[0])).watermark).toEqual(new Date(T0 + 399 * STEP_MS));
  });

  it("a pair whose page gained a point while the batch was scored is saved, re-counted after the commit, and re-run in order by the same call", async () => {
    const d = await detectorWith(2);
    const values = sineWithSpikes(300);
    for (const s of d.series) await writePoints(s, values.slice(0, 100));
    await runDetectionBatch(d.detectorId, d.series);
    for (const s of d.series) await writePoints(s, values.slice(101, 200), 101); // point 100 is still missing
    const raced = await runDetectionBatch(d.detectorId, d.series, { afterScore: () => writePoints(d.series[0], [values[100]], 100) });
    // Series 0: its 99 points commit, the re-count leaves a request, and runDetection rewinds it (no snapshot yet) and scores all 200.
    expect(raced).toMatchObject([{ status: "done", points: 200 }, { status: "done", points: 99 }]);
    expect(await getPrisma().redetectRequest.count({ where: { detectorId: d.detectorId } })).toBe(0);
    expect((await stateOf(d.detectorId, d.series[0])).watermark).toEqual(new Date(T0 + 199 * STEP_MS));
    expect(await runDetectionBatch(d.detectorId, [d.series[0]])).toMatchObject([{ status: "done", points: 0 }]);
  });

  it("a backlog handed on to runDetection starts with the batch's points; a point or a correction landing after the batch read is still scored in order", async () => {
    const batch = await detectorWith(3);
    const single = await detectorWith(3);
    const n = 1_500; // longer than the batch's page (1,000): handed on with the first 1,000 read
    const values = (i: number) => sineWithSpikes(n, [400 + i, 1_200]);
    const final = (i: number) => values(i).map((v, k) => (i === 1 && k === 300 ? v + 50 : v));
    // Series 0 misses point 500 at the batch read; series 1's point 300 is corrected after it; series 2 is left alone.
    await writePoints(batch.series[0], values(0).slice(0, 500));
    await writePoints(batch.series[0], values(0).slice(501), 501);
    for (const i of [1, 2]) await writePoints(batch.series[i], values(i));
    for (const [i, s] of single.series.entries()) await writePoints(s, final(i));
    const r = await runDetectionBatch(batch.detectorId, batch.series, {
      afterScore: async () => {
        await writePoints(batch.series[0], [values(0)[500]], 500);
        await writePoints(batch.series[1], [final(1)[300]], 300);
      },
    });
    // 0: the re-count after its first page's commit sees the point the page lacks, and the run rewinds; 1: the correction's request makes it read afresh.
    expect(r.map((x) => x.status)).toEqual(["done", "done", "done"]);
    expect(r.slice(1).map((x) => x.status === "done" && x.points)).toEqual([n, n]);
    expect(await runDetectionBatch(batch.detectorId, batch.series)).toMatchObject([{ status: "done", points: 0 }, { status: "done", points: 0 }, { status: "done", points: 0 }]);
    for (const s of single.series) await runDetection({ detectorId: single.detectorId, seriesId: s });
    for (let i = 0; i < 3; i++) {
      const a = await stateOf(batch.detectorId, batch.series[i]);
      const b = await stateOf(single.detectorId, single.series[i]);
      expect(a.watermark).toEqual(new Date(T0 + (n - 1) * STEP_MS));
      expect(a.watermark).toEqual(b.watermark);
      expect(a.state.detector).toEqual(b.state.detector);
      expect(await anomaliesOf({ detectorId: batch.detectorId, seriesId: batch.series[i] })).toEqual(await anomaliesOf({ detectorId: single.detectorId, seriesId: single.series[i] }));
    }
  });
});

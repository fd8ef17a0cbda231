/**
 * A point committed inside a page while a detect run scores it is never lost. Ingest reads the
 * watermark without a lock, so both orders of the two commits are forced here, with two
 * PostgreSQL clients rather than timing:
 * - the write's transaction is held open across the whole detect run (the test holds the source
 *   row, which the write locks last, after its in-transaction check): the run commits and re-counts
 *   before the point is visible, and the write's check after its own commit must file the
 *   re-detection;
 * - the write commits (and re-checks) inside the run's commit transaction, after the run read its
 *   page: the run's re-count after its commit must see the point.
 * Each case is run through `runDetection`, the batch (`runDetectionBatch`), a grouped detector's
 * group, and the CSV upload's write.
 */
import { afterEach, describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/server/db";
import { runDetection } from "@/lib/pipeline/detect-run";
import { runDetectionBatch } from "@/lib/pipeline/detect-batch";
import { writeBatch } from "@/lib/ingest/write";
import { advanceWatermarkIf } from "@/lib/server/queries/detector-state";
import { requestRedetectForMissed } from "@/lib/server/queries/verify-pages";
import { STEP_MS, T0, anomaliesOf, writePoints } from "@/lib/pipeline/testing/fixtures";
import { LATE, VALUES, batchMissingLate, pairMissingLate, reference, requestOf, sourceOf, uploadPoint, type Pair } from "@/lib/pipeline/testing/late-point";
import { METRICS, TRAIN, member, trainedHostsScored } from "@/lib/pipeline/testing/hosts";
import { endSourceHolders, holdSource as holdSourceRow } from "@/lib/pipeline/testing/hold-source";
import { withTestDatabase } from "@/test/test-database";

const db = withTestDatabase();

afterEach(endSourceHolders);

const holdSource = (sourceId: string) => holdSourceRow(db.url(), sourceId);

const write = { write: (p: Pair) => writePoints(p.seriesId, [VALUES[LATE]], LATE), upload: (p: Pair) => uploadPoint(p.seriesId, LATE, VALUES[LATE]) };

describe("a point committed inside a page being scored", () => {
  for (const path of ["write", "upload"] as const) {
    it(`${path}: held open across the whole run, it is found by the write's check after its commit`, async () => {
      const expected = await reference();
      expect(expected.map((a) => a.startIdx)).toContain(LATE);
      const pair = await pairMissingLate();
      const held = await holdSource((await sourceOf(pair.seriesId)).sourceId);
      const writing = write[path](pair);
      await held.blocked(writing);
      // The run reads 201..399 (200 is not committed), commits past it and re-counts: still 199.
      expect(await runDetection(pair)).toMatchObject({ status: "done", points: LATE - 1 });
      expect(await requestOf(pair.detectorId, pair.seriesId)).toBeNull();
      await held.release();
      await writing;
      expect(await requestOf(pair.detectorId, pair.seriesId)).toMatchObject({ fromTs: new Date(T0 + LATE * STEP_MS) });
      await runDetection(pair);
      expect(await anomaliesOf(pair)).toEqual(expected);
    });
  }

  it("committed inside the run's commit transaction, it is found by the run's re-count after its commit", async () => {
    const expected = await reference();
    const pair = await pairMissingLate();
    // The hook runs inside the page's transaction, after the run read its page: the write commits there, before the run's commit.
    const raced = await runDetection(pair, { beforeCommit: (page) => (page === 0 ? write.write(pair).then(() => undefined) : undefined) });
    // 199 points, then the request it left rewinds the pair and all 400 are scored again, in order.
    expect(raced).toMatchObject({ status: "done", points: LATE - 1 + VALUES.length });
    expect(await requestOf(pair.detectorId, pair.seriesId)).toBeNull();
    expect(await anomaliesOf(pair)).toEqual(expected);
  });

  it("batch: both orders; the pair that missed the point is re-run by the same call", async () => {
    const expected = await reference();
    // The write held open across the batch.
    const a = await batchMissingLate();
    const held = await holdSource((await sourceOf(a.series[0])).sourceId);
    const writing = writePoints(a.series[0], [VALUES[LATE]], LATE);
    await held.blocked(writing);
    expect(await runDetectionBatch(a.detectorId, a.series)).toMatchObject([{ status: "done", points: LATE - 1 }, { status: "done", points: LATE }]);
    await held.release();
    await writing;
    expect(await requestOf(a.detectorId, a.series[0])).not.toBeNull();
    await runDetectionBatch(a.detectorId, a.series);
    for (const s of a.series) expect(await anomaliesOf({ detectorId: a.detectorId, seriesId: s })).toEqual(expected);
    // The write committed inside the batch's commit transaction.
    const b = await batchMissingLate();
    const raced = await runDetectionBatch(b.detectorId, b.series, { beforeCommit: () => writePoints(b.series[0], [VALUES[LATE]], LATE) });
    expect(raced.map((r) => r.status)).toEqual(["done", "done"]);
    expect(await requestOf(b.detectorId, b.series[0])).toBeNull();
    for (const s of b.series) expect(await anomaliesOf({ detectorId: b.detectorId, seriesId: s })).toEqual(expected);
  });

  it("group: a member's point committed inside the group's page is re-detected, in both orders", async () => {
    const prisma = getPrisma();
    for (const order of ["held", "inside"] as const) {
      const { source, d, b } = await trainedHostsScored(`grp-${order}`);
      // Steps TRAIN..TRAIN+19 of every member but host b's cpu at TRAIN+5.
      await writeBatch(source.id, null, [...METRICS.flatMap((m) => [member("a", m, TRAIN, TRAIN + 20), ...(m === "cpu" ? [] : [member("b", m, TRAIN, TRAIN + 20)])]), member("b", "cpu", TRAIN, TRAIN + 5), member("b", "cpu", TRAIN + 6, TRAIN + 20)]);
      const late = () => writeBatch(source.id, null, [member("b", "cpu", TRAIN + 5, TRAIN + 6)]);
      if (order === "held") {
        const held = await holdSource(source.id);
        const writing = late();
        await held.blocked(writing);
        await runDetection({ detectorId: d.id, subjectId: b });
        await held.release();
        await writing;
        expect(await requestOf(d.id, b)).not.toBeNull();
      } else {
        const raced = await runDetection({ detectorId: d.id, subjectId: b }, { beforeCommit: (page) => (page === 0 ? late().then(() => undefined) : undefined) });
        // The page's 3 x 20 - 1 member points (host b's cpu, mem, latency), then the re-run its request asks for.
        expect(raced).toMatchObject({ status: "done", pages: 2 });
        expect(raced.status === "done" && raced.points).toBeGreaterThan(3 * 20 - 1);
        expect(await requestOf(d.id, b)).toBeNull();
      }
      // Whichever order, the group ends where an undisturbed run would: past step TRAIN+18 with no request left.
      await runDetection({ detectorId: d.id, subjectId: b });
      expect(await requestOf(d.id, b)).toBeNull();
      const st = await prisma.detectorState.findUniqueOrThrow({ where: { detectorId_subjectId: { detectorId: d.id, subjectId: b } } });
      expect(st.watermark).toEqual(new Date(T0 + (TRAIN + 19) * STEP_MS - 1));
    }
  });

  it("group: a write that corrects one member and inserts another's earlier point files from the earlier point", async () => {
    const { source, d, b } = await trainedHostsScored("grp-mixed");
    await writeBatch(source.id, null, [...METRICS.map((m) => member("a", m, TRAIN, TRAIN + 20)), member("b", "cpu", TRAIN, TRAIN + 5), member("b", "cpu", TRAIN + 6, TRAIN + 20), member("b", "mem", TRAIN, TRAIN + 20), member("b", "latency", TRAIN, TRAIN + 20)]);
    expect(await requestOf(d.id, b)).toBeNull();
    // One write: host b's mem corrected at TRAIN+10 (a changed value: late) and its cpu inserted at TRAIN+5 (past the watermark).
    await writeBatch(source.id, null, [member("b", "mem", TRAIN + 10, TRAIN + 11, 1), member("b", "cpu", TRAIN + 5, TRAIN + 6)]);
    // A run may have read the group's page before this write: the request must cover the inserted point too.
    expect(await requestOf(d.id, b)).toMatchObject({ fromTs: new Date(T0 + (TRAIN + 5) * STEP_MS) });
  });
});

describe("the re-count after a commit", () => {
  it("files nothing when the page now holds fewer points than it scored (retention, a deleted series), and clears the page's record", async () => {
    const pair = await pairMissingLate();
    await writePoints(pair.seriesId, [VALUES[LATE]], LATE);
    await getPrisma().redetectRequest.deleteMany({});
    const upTo = new Date(T0 + (VALUES.length - 1) * STEP_MS);
    const { key } = await getPrisma().series.findUniqueOrThrow({ where: { id: pair.seriesId }, select: { key: true } });
    await getPrisma().$executeRaw`DELETE FROM "DataPoint" WHERE "seriesKey" = ${key} AND ts < ${new Date(T0 + 100 * STEP_MS)}`;
    const record = async (scored: number) => {
      const { version } = await getPrisma().detectorState.findUniqueOrThrow({ where: { detectorId_subjectId: { detectorId: pair.detectorId, subjectId: pair.seriesId } } });
      await getPrisma().$executeRaw`UPDATE "DetectorState" SET "verifyUpTo" = NULL WHERE "detectorId" = ${pair.detectorId}`;
      expect(await advanceWatermarkIf(getPrisma(), pair.detectorId, pair.seriesId, { version }, upTo, null, { after: null, scored, seen: null })).toBe(true);
    };
    const pending = async () =>
      (await getPrisma().detectorState.findUniqueOrThrow({ where: { detectorId_subjectId: { detectorId: pair.detectorId, subjectId: pair.seriesId } }, select: { verifyUpTo: true } })).verifyUpTo;
    await record(VALUES.length);
    expect(await pending()).toEqual(upTo);
    expect(await requestRedetectForMissed(pair.detectorId, [pair.seriesId, "other"])).toEqual(new Set());
    expect(await pending()).toBeNull();
    expect(await requestOf(pair.detectorId, pair.seriesId)).toBeNull();
    // One point more than scored is a miss: re-detection from the first point (the page had no watermark).
    await record(VALUES.length - 101);
    expect(await requestRedetectForMissed(pair.detectorId, [pair.seriesId])).toEqual(new Set([pair.seriesId]));
    expect(await requestOf(pair.detectorId, pair.seriesId)).toMatchObject({ fromTs: new Date(0) });
    expect(await pending()).toBeNull();
  });
});

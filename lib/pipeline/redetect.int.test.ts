/**
 * Re-detection by rewind: late points, corrected values, backfills and threshold changes re-derive
 * incidents exactly as an undisturbed in-order run would, keeping their identity and triage;
 * identical re-sends trigger nothing.
 */
import { describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/server/db";
import { runDetection } from "@/lib/pipeline/detect-run";
import { runBackfill } from "@/lib/pipeline/backfill-run";
import { updateDetector } from "@/lib/server/queries/detectors";
import { STEP_MS, T0, anomaliesOf, createPair, sineWithSpikes, writePoints } from "@/lib/pipeline/testing/fixtures";
import { withTestDatabase } from "@/test/test-database";

withTestDatabase();

const at = (i: number) => new Date(T0 + i * STEP_MS);
const requests = (pair: { detectorId: string; seriesId: string }) => getPrisma().redetectRequest.findMany({ where: { detectorId: pair.detectorId, subjectId: pair.seriesId } });

async function referenceFor(values: number[], opts: Parameters<typeof createPair>[0] = {}) {
  const ref = await createPair(opts);
  await writePoints(ref.seriesId, values);
  await runDetection(ref);
  return anomaliesOf(ref);
}

describe("re-detection", () => {
  it("a late spike is found by rewinding, and the rows equal an in-order run", async () => {
    const all = sineWithSpikes(800, [650]);
    const pair = await createPair();
    await writePoints(pair.seriesId, sineWithSpikes(800));
    await runDetection(pair);
    expect(await anomaliesOf(pair)).toEqual([]);

    await writePoints(pair.seriesId, [all[650]], 650);
    expect((await requests(pair)).map((r) => r.fromTs)).toEqual([at(650)]);
    await runDetection(pair);
    expect(await requests(pair)).toEqual([]);
    const got = await anomaliesOf(pair);
    expect(got.map((a) => a.startIdx)).toEqual([650]);
    expect(got).toEqual(await referenceFor(all));
  });

  it("corrections keep the identity and triage of what is still found, and mark what is not as gone", async () => {
    const before = sineWithSpikes(1000, [300, 450, 800]);
    const after = sineWithSpikes(1000, [300, 500, 800]); // 450 corrected away, 500 arrives late
    const pair = await createPair();
    await writePoints(pair.seriesId, before);
    await runDetection(pair);
    const first = await getPrisma().anomaly.findMany({ where: pair, orderBy: { startTs: "asc" } });
    expect(first.map((a) => (a.startTs.getTime() - T0) / STEP_MS)).toEqual([300, 450, 800]);
    const prisma = getPrisma();
    await prisma.anomaly.update({ where: { id: first[0].id }, data: { status: "ACKNOWLEDGED" } });
    const user = await prisma.user.create({ data: { email: `a-${first[1].id}@t.test`, passwordHash: "x" } });
    await prisma.anomalyComment.create({ data: { anomalyId: first[1].id, userId: user.id, body: "looked at it" } });

    await writePoints(pair.seriesId, after);
    await runDetection(pair);
    expect(await anomaliesOf(pair)).toEqual(await referenceFor(after));
    const rows = await prisma.anomaly.findMany({ where: pair, orderBy: { startTs: "asc" }, include: { comments: true, activity: true } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(first[0].id)).toMatchObject({ status: "ACKNOWLEDGED", detection: "ACTIVE" });
    expect(byId.get(first[1].id)).toMatchObject({ detection: "GONE", comments: [{ body: "looked at it" }] });
    expect(byId.get(first[1].id)!.activity.map((a) => a.kind)).toEqual(["gone"]);
    expect(byId.get(first[2].id)).toMatchObject({ detection: "ACTIVE" });
    expect(rows).toHaveLength(4);

    // The spike comes back: the gone incident is revived with its comment, not duplicated.
    await writePoints(pair.seriesId, [before[450]], 450);
    await runDetection(pair);
    expect(await prisma.anomaly.findUniqueOrThrow({ where: { id: first[1].id } })).toMatchObject({ detection: "ACTIVE" });
    expect(await prisma.anomaly.count({ where: pair })).toBe(4);
  });

  it("an identical re-send leaves no request and scores nothing", async () => {
    const values = sineWithSpikes(500, [400]);
    const pair = await createPair();
    await writePoints(pair.seriesId, values);
    await runDetection(pair);
    const result = await writePoints(pair.seriesId, values);
    expect(result).toMatchObject({ accepted: 500, changedSeriesIds: [] });
    expect(await requests(pair)).toEqual([]);
    expect(await runDetection(pair)).toMatchObject({ status: "done", points: 0 });
  });

  it("requests coalesce: the earliest start wins, one rewind re-scores both", async () => {
    const all = sineWithSpikes(900, [200, 600]);
    const pair = await createPair();
    await writePoints(pair.seriesId, sineWithSpikes(900));
    await runDetection(pair);
    await writePoints(pair.seriesId, [all[600]], 600);
    await writePoints(pair.seriesId, [all[200]], 200);
    expect((await requests(pair)).map((r) => r.fromTs)).toEqual([at(200)]);
    await runDetection(pair);
    expect(await anomaliesOf(pair)).toEqual(await referenceFor(all));
  });

  it("a backfill is a rewind: the same rows as streaming, identities kept", async () => {
    const values = sineWithSpikes(3000, [700, 2500]);
    const pair = await createPair();
    await writePoints(pair.seriesId, values);
    await runDetection(pair, { pageSize: 500 });
    const ids = (await getPrisma().anomaly.findMany({ where: pair, orderBy: { startTs: "asc" } })).map((a) => a.id);
    await runBackfill({ ...pair, from: at(100) });
    expect(await anomaliesOf(pair)).toEqual(await referenceFor(values));
    expect((await getPrisma().anomaly.findMany({ where: pair, orderBy: { startTs: "asc" } })).map((a) => a.id)).toEqual(ids);
  });

  it("rewinds to the newest snapshot before the change, not to the first point", async () => {
    const values = sineWithSpikes(5000, [4800]);
    const pair = await createPair();
    await writePoints(pair.seriesId, sineWithSpikes(5000));
    await runDetection(pair, { pageSize: 1000 });
    const snaps = await getPrisma().detectorSnapshot.findMany({ where: { detectorId: pair.detectorId, subjectId: pair.seriesId }, orderBy: { ts: "asc" }, select: { ts: true } });
    expect(snaps.map((s) => (s.ts.getTime() - T0) / STEP_MS)).toEqual([1999, 3999]);
    await writePoints(pair.seriesId, [values[4800]], 4800);
    const run = await runDetection(pair, { pageSize: 1000 });
    expect(run).toMatchObject({ status: "done", points: 1000 }); // from the snapshot at 3999, not 5000 points
    expect(await anomaliesOf(pair)).toEqual(await referenceFor(values));
  });

  it("a threshold change keeps the model and re-derives incidents over history", async () => {
    const values = sineWithSpikes(1200, [300, 900]);
    values[600] = 100 + 10 * 3.5; // a mild bump: flagged only at a low threshold
    const pair = await createPair({ threshold: 0.9 });
    await writePoints(pair.seriesId, values);
    await runDetection(pair);
    const high = await anomaliesOf(pair);
    const res = await updateDetector(pair.detectorId, { threshold: 0.3 }, null);
    expect(res).toMatchObject({ effect: "redetect", restartsCheckpoint: false });
    await runDetection(pair);
    const low = await referenceFor(values, { threshold: 0.3 });
    expect(low.length).toBeGreaterThan(high.length);
    expect(await anomaliesOf(pair)).toEqual(low);
    expect((await updateDetector(pair.detectorId, { params: { window: 50, minPoints: 20 } }, null)).effect).toBe("reset");
  });
});

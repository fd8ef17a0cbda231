/**
 * A grouped detector's subjects in the detect batch (`runDetectionBatch`): groups whose scorer the
 * worker holds are read, aligned and committed together, with the same steps, states and incidents
 * (attribution included) as one `runDetection` per group; a group whose page gained a member's point
 * while the batch was scored is re-run in order by the same call.
 */
import { describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/server/db";
import { writeBatch } from "@/lib/ingest/write";
import { runDetection } from "@/lib/pipeline/detect-run";
import { runDetectionBatch } from "@/lib/pipeline/detect-batch";
import { loadScorer } from "@/lib/pipeline/load-scorer";
import { clearStateCache } from "@/lib/pipeline/state-cache";
import { readGrouping } from "@/lib/detectors/grouping";
import { T0, STEP_MS } from "@/lib/pipeline/testing/fixtures";
import { METRICS, SPIKE, TOTAL, TRAIN, trainedHosts, valuesOf, writeHosts } from "@/lib/pipeline/testing/hosts";
import { withTestDatabase } from "@/test/test-database";

withTestDatabase();

/** A group's position and its state rebuilt from the database (snapshot + replay), as a restarted worker would. */
async function stateOf(detectorId: string, group: { id: string; members: { seriesId: string }[] }) {
  const prisma = getPrisma();
  const cp = await prisma.detectorState.findUniqueOrThrow({ where: { detectorId_subjectId: { detectorId, subjectId: group.id } } });
  const detector = await prisma.detector.findUniqueOrThrow({ where: { id: detectorId } });
  clearStateCache();
  const subject = { id: group.id, groupId: group.id, members: group.members.map((m) => m.seriesId), grouping: readGrouping(detector.grouping) };
  const { scorer } = await loadScorer(detector, subject, cp);
  return { watermark: cp.watermark, state: scorer.save().detector };
}

/** A group's incidents, members named by their position so two detectors' rows compare. */
async function incidentsOf(detectorId: string, group: { id: string; members: { seriesId: string }[] }) {
  const position = new Map(group.members.map((m, i) => [m.seriesId, i]));
  const rows = await getPrisma().anomaly.findMany({ where: { detectorId, subjectId: group.id, detection: "ACTIVE" }, orderBy: { startTs: "asc" } });
  return rows.map((r) => ({
    start: r.startTs,
    end: r.endTs,
    peak: r.peakTs,
    score: r.peakScore,
    ongoing: r.ongoing,
    shownUnder: position.get(r.seriesId),
    attribution: (r.attribution as { seriesId: string; share: number; direction: string }[]).map((a) => ({ member: position.get(a.seriesId), share: a.share, direction: a.direction })),
  }));
}

describe("runDetectionBatch with groups", () => {
  it("scores warm groups together with the same states and attributed incidents as runDetection per group", async () => {
    const batch = await trainedHosts("batch");
    const single = await trainedHosts("single");
    const ids = batch.groups.map((g) => g.id);
    for (const [from, to] of [[TRAIN, 480], [480, TOTAL]]) {
      await writeHosts(batch.sourceId, from, to);
      await writeHosts(single.sourceId, from, to);
      const r = await runDetectionBatch(batch.detectorId, ids);
      expect(r.map((x) => x.status)).toEqual(["done", "done"]);
      for (const g of single.groups) await runDetection({ detectorId: single.detectorId, subjectId: g.id });
    }
    for (const i of [0, 1]) {
      const a = await stateOf(batch.detectorId, batch.groups[i]);
      const b = await stateOf(single.detectorId, single.groups[i]);
      expect(a.watermark).toEqual(new Date(T0 + (TOTAL - 1) * STEP_MS - 1));
      expect(a).toEqual(b);
      expect(await incidentsOf(batch.detectorId, batch.groups[i])).toEqual(await incidentsOf(single.detectorId, single.groups[i]));
    }
    // Host b's injected memory (in the second, batched, increment) is flagged and attributed to it.
    const b = await incidentsOf(batch.detectorId, batch.groups[1]);
    const top = b.reduce((x, y) => (y.score > x.score ? y : x));
    expect(top.peak.getTime()).toBeGreaterThanOrEqual(T0 + SPIKE * STEP_MS);
    expect(top.peak.getTime()).toBeLessThan(T0 + (SPIKE + 4) * STEP_MS);
    expect([top.shownUnder, top.attribution[1].direction]).toEqual([1, "above"]);
    const again = await runDetectionBatch(batch.detectorId, ids);
    expect(again.map((x) => x.status === "done" && x.points)).toEqual([0, 0]);
  });

  it("a group whose page gained a member's point while the batch was scored is re-counted after the commit and re-run in order by the same call", async () => {
    const d = await trainedHosts("raced");
    const ids = d.groups.map((g) => g.id);
    await writeHosts(d.sourceId, TRAIN, 450);
    await runDetectionBatch(d.detectorId, ids); // warms the cache (scored through step 448)
    // Steps 450..469 of every member but host b's cpu at step 455, which lands while the batch is scored.
    const ms = (from: number, to: number) => Array.from({ length: to - from }, (_, j) => T0 + (from + j) * STEP_MS);
    const series = (host: string, metric: (typeof METRICS)[number], from: number, to: number) => ({ metric, labels: { host }, labelsKey: `host=${host}`, ms: ms(from, to), values: valuesOf(host, metric, from, to) });
    await writeBatch(d.sourceId, null, [
      ...METRICS.flatMap((m) => [series("a", m, 450, 470), ...(m === "cpu" ? [] : [series("b", m, 450, 470)])]),
      series("b", "cpu", 450, 455),
      series("b", "cpu", 456, 470),
    ]);
    const raced = await runDetectionBatch(d.detectorId, ids, { afterScore: () => writeBatch(d.sourceId, null, [series("b", "cpu", 455, 456)]) });
    expect(raced.map((r) => r.status)).toEqual(["done", "done"]);
    expect(await getPrisma().redetectRequest.count({ where: { detectorId: d.detectorId } })).toBe(0);
    expect((await stateOf(d.detectorId, d.groups[1])).watermark).toEqual(new Date(T0 + 469 * STEP_MS - 1));
    expect(await runDetectionBatch(d.detectorId, [ids[1]])).toMatchObject([{ status: "done", points: 0 }]);
  });
});

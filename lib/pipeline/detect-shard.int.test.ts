/**
 * `detect.run` per (detector, shard) against real PostgreSQL: the shard digit agrees with SQL,
 * a shard run scores exactly its lagging series (same anomalies as one runDetection per pair, long
 * backlogs included), then has nothing left; a disabled or missing detector is skipped.
 */
import { describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/server/db";
import { findLaggingSubjects } from "@/lib/server/queries/detector-state";
import { BATCH_PAGE } from "@/lib/pipeline/detect-batch";
import { runDetection } from "@/lib/pipeline/detect-run";
import { runDetectShard } from "@/lib/pipeline/detect-shard";
import { DETECT_SHARDS, shardDigit, shardOf } from "@/lib/pipeline/shard";
import { anomaliesOf, createPair, sineWithSpikes, writePoints } from "@/lib/pipeline/testing/fixtures";
import { withTestDatabase } from "@/test/test-database";

withTestDatabase();

async function detectorWith(n: number, opts: Parameters<typeof createPair>[0] = {}) {
  const first = await createPair(opts);
  const prisma = getPrisma();
  const { sourceId } = await prisma.series.findUniqueOrThrow({ where: { id: first.seriesId } });
  const series = [first.seriesId];
  for (let i = 1; i < n; i++) {
    const s = await prisma.series.create({ data: { sourceId, metric: `m-${i}-${first.seriesId}` } });
    await prisma.detectorSeries.create({ data: { detectorId: first.detectorId, seriesId: s.id } });
    series.push(s.id);
  }
  return { detectorId: first.detectorId, series };
}

const allShards = (detectorId: string) => Promise.all(Array.from({ length: DETECT_SHARDS }, (_, shard) => runDetectShard({ detectorId, shard })));

describe("shards", () => {
  it("computes the same shard in TypeScript and in SQL, and spreads series over all 16", async () => {
    const ids = Array.from({ length: 400 }, (_, i) => `c${i.toString(36)}x${(i * 7919).toString(36)}`);
    const rows = await getPrisma().$queryRaw<{ id: string; d: string }[]>`SELECT id, substr(md5(id), 1, 1) AS d FROM unnest(${ids}::text[]) AS id`;
    for (const r of rows) expect(shardDigit(shardOf(r.id))).toBe(r.d);
    expect(new Set(ids.map(shardOf)).size).toBe(DETECT_SHARDS);
  });
});

describe("runDetectShard", () => {
  it("scores each lagging series once across the 16 shards, like runDetection per pair, then finds nothing", async () => {
    const sharded = await detectorWith(40);
    const single = await detectorWith(40);
    // Series 0 has a backlog longer than one batched read; odd series carry a spike.
    const values = (i: number) => sineWithSpikes(i === 0 ? BATCH_PAGE + 500 : 300, i % 2 ? [250] : []);
    for (const [i, s] of sharded.series.entries()) await writePoints(s, values(i));
    for (const [i, s] of single.series.entries()) await writePoints(s, values(i));

    const results = await allShards(sharded.detectorId);
    const scored = results.reduce((n, r) => n + (r.status === "done" ? r.series : 0), 0);
    expect(scored).toBe(40);
    for (const s of single.series) await runDetection({ detectorId: single.detectorId, seriesId: s });
    for (let i = 0; i < 40; i++) {
      const a = await anomaliesOf({ detectorId: sharded.detectorId, seriesId: sharded.series[i] });
      expect(a).toEqual(await anomaliesOf({ detectorId: single.detectorId, seriesId: single.series[i] }));
      expect(a).toHaveLength(i % 2);
    }
    for (let shard = 0; shard < DETECT_SHARDS; shard++) expect(await findLaggingSubjects(sharded.detectorId, shardDigit(shard), false)).toEqual([]);
    expect((await allShards(sharded.detectorId)).every((r) => r.status === "done" && r.series === 0)).toBe(true);

    // New points on one series: only its shard has work.
    const target = sharded.series[5];
    await writePoints(target, sineWithSpikes(20), 300);
    const shard = shardOf(target);
    expect(await findLaggingSubjects(sharded.detectorId, shardDigit(shard), false)).toEqual([target]);
    expect(await runDetectShard({ detectorId: sharded.detectorId, shard })).toMatchObject({ status: "done", series: 1, points: 20 });
  });

  it("skips a disabled or missing detector", async () => {
    const d = await detectorWith(2, { enabled: false });
    for (const s of d.series) await writePoints(s, sineWithSpikes(50));
    expect(await runDetectShard({ detectorId: d.detectorId, shard: shardOf(d.series[0]) })).toEqual({ status: "skipped", reason: "disabled" });
    expect(await runDetectShard({ detectorId: "nope", shard: 0 })).toEqual({ status: "skipped", reason: "missing" });
  });
});

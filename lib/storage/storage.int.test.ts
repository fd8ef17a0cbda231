/** Rollups and retention against the real PostgreSQL: rollups always equal what the points say. */
import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/test-database";
import { getPrisma } from "@/lib/server/db";
import { writeBatch } from "@/lib/ingest/write";
import { readSeriesBuckets } from "@/lib/server/queries/series";
import { refreshRollupsUntilClean, HOUR_MS } from "@/lib/storage/rollups";
import { applyRetention, DAY_MS } from "@/lib/storage/retention";
import { createAnomaly, createSeriesWithDetector } from "@/lib/alerting/testing/fixtures";

withTestDatabase();

const STEP = 10_000;

function wave(from: number, n: number, seed = 1): { ms: number[]; values: number[] } {
  const ms = Array.from({ length: n }, (_, i) => from + i * STEP);
  return { ms, values: ms.map((_, i) => Math.round((50 + 20 * Math.sin(i / 300 + seed) + ((i * 7919) % 13)) * 1000) / 1000) };
}

async function write(sourceId: string, p: { ms: number[]; values: number[] }, labels: Record<string, string> = { host: "web-1" }) {
  for (let i = 0; i < p.ms.length; i += 50_000) {
    await writeBatch(sourceId, null, [{ metric: "cpu.usage", labels, labelsKey: JSON.stringify(labels), ms: p.ms.slice(i, i + 50_000), values: p.values.slice(i, i + 50_000) }]);
  }
}

/** Per-hour aggregates straight from the points, and as the rollup table holds them. */
async function hoursBothWays(seriesId: string) {
  const prisma = getPrisma();
  const fromPoints = await prisma.$queryRaw<{ b: Date; n: number; lo: number; hi: number; s: number; f: Date }[]>`
    SELECT date_trunc('hour', ts) AS b, count(*)::int AS n, min(value) AS lo, max(value) AS hi, sum(value) AS s, min(ts) AS f
    FROM "DataPoint" WHERE "seriesKey" = (SELECT key FROM "Series" WHERE id = ${seriesId}) GROUP BY 1 ORDER BY 1`;
  const fromRollups = await prisma.$queryRaw<{ b: Date; n: number; lo: number; hi: number; s: number; f: Date }[]>`
    SELECT bucket AS b, count AS n, min AS lo, max AS hi, sum AS s, "firstTs" AS f FROM "PointRollup" WHERE "seriesKey" = (SELECT key FROM "Series" WHERE id = ${seriesId}) AND width = 3600 ORDER BY 1`;
  const round = (rows: typeof fromPoints) => rows.map((r) => [r.b.toISOString(), r.n, r.lo, r.hi, Math.round(r.s * 1e6) / 1e6, r.f.toISOString()]);
  return { points: round(fromPoints), rollups: round(fromRollups) };
}

/** The explorer's buckets computed from the points alone, on the grid the rollup read uses. */
async function bucketsFromPoints(seriesId: string, from: number, to: number, bucketMs: number, width: number) {
  const origin = Math.floor(from / width) * width;
  const rows = await getPrisma().dataPoint.findMany({ where: { series: { id: seriesId }, ts: { gte: new Date(from), lte: new Date(to) } }, orderBy: { ts: "asc" } });
  const out = new Map<number, { t: number; min: number; max: number; sum: number; count: number }>();
  for (const r of rows) {
    const k = Math.floor((r.ts.getTime() - origin) / bucketMs);
    const b = out.get(k) ?? { t: r.ts.getTime(), min: Infinity, max: -Infinity, sum: 0, count: 0 };
    b.min = Math.min(b.min, r.value);
    b.max = Math.max(b.max, r.value);
    b.sum += r.value;
    b.count++;
    out.set(k, b);
  }
  return [...out.values()].map((b) => ({ t: b.t, min: b.min, max: b.max, avg: b.sum / b.count, count: b.count }));
}

type Bucket = { t: number; min: number; max: number; avg: number; count: number };
/** Equal buckets; averages to 1e-9 (sums in another order differ in the last bits). */
function expectSameBuckets(got: Bucket[], want: Bucket[]) {
  expect(got.map(({ avg: _, ...b }) => b)).toEqual(want.map(({ avg: _, ...b }) => b));
  got.forEach((b, i) => expect(Math.abs(b.avg - want[i].avg)).toBeLessThan(1e-9));
}

async function explorer(seriesId: string, from: number, to: number) {
  const r = await readSeriesBuckets(seriesId, { from: new Date(from).toISOString(), to: new Date(to).toISOString(), maxPoints: 50 });
  return { bucketMs: r.bucketMs, buckets: r.buckets };
}

describe("rollups", () => {
  it("are derived from the points and stay exact under late points, corrections and deletes; the explorer reads them for long ranges", async () => {
    const { sourceId, seriesId } = await createSeriesWithDetector();
    const t0 = Date.parse("2025-03-01T00:00:00Z");
    const three = wave(t0, 3 * 8640);
    // Every 7th point arrives late (after the rest).
    await write(sourceId, { ms: three.ms.filter((_, i) => i % 7), values: three.values.filter((_, i) => i % 7) });
    expect((await refreshRollupsUntilClean()).clean).toBe(true);
    await write(sourceId, { ms: three.ms.filter((_, i) => !(i % 7)), values: three.values.filter((_, i) => !(i % 7)) });

    const from = t0 + 1_234_567;
    const to = t0 + 3 * DAY_MS - 7_654_321;
    // Before the job runs again the explorer still answers from the points where they changed.
    const pending = await explorer(seriesId, from, to);
    expect(pending.bucketMs % HOUR_MS).toBe(0);
    expectSameBuckets(pending.buckets, await bucketsFromPoints(seriesId, from, to, pending.bucketMs, HOUR_MS));

    await refreshRollupsUntilClean();
    let both = await hoursBothWays(seriesId);
    expect(both.rollups).toHaveLength(72);
    expect(both.rollups).toEqual(both.points);

    // A corrected value, a point deleted, a late point in an hour already rolled up.
    await write(sourceId, { ms: [t0 + 5 * HOUR_MS + 20_000, t0 + 30 * HOUR_MS + 5_000], values: [999, -5] });
    await getPrisma().dataPoint.deleteMany({ where: { series: { id: seriesId }, ts: { gte: new Date(t0 + 50 * HOUR_MS), lt: new Date(t0 + 51 * HOUR_MS) } } });
    expectSameBuckets((await explorer(seriesId, from, to)).buckets, await bucketsFromPoints(seriesId, from, to, pending.bucketMs, HOUR_MS));
    await refreshRollupsUntilClean();
    both = await hoursBothWays(seriesId);
    expect(both.rollups).toHaveLength(71);
    expect(both.rollups).toEqual(both.points);
    expect(await getPrisma().rollupDirty.count()).toBe(0);
    const rolled = await explorer(seriesId, from, to);
    expectSameBuckets(rolled.buckets, await bucketsFromPoints(seriesId, from, to, rolled.bucketMs, HOUR_MS));
    expect(Math.max(...rolled.buckets.map((b) => b.max))).toBe(999);

    // Minute rollups for ranges of a few hours.
    const short = await readSeriesBuckets(seriesId, { from: new Date(t0 + 3_000).toISOString(), to: new Date(t0 + 6 * HOUR_MS).toISOString(), maxPoints: 200 });
    expect(short.bucketMs).toBe(120_000);
    expectSameBuckets(short.buckets, await bucketsFromPoints(seriesId, t0 + 3_000, t0 + 6 * HOUR_MS, 120_000, 60_000));
  }, 120_000);
});

describe("retention", () => {
  it("deletes a source's points older than its retention in batches, keeps anomalies, and the rollups follow", async () => {
    const ids = await createSeriesWithDetector({ host: "old" });
    const other = await createSeriesWithDetector({ host: "kept" });
    const now = Date.parse("2025-06-10T12:00:00Z");
    const start = now - 5 * DAY_MS;
    const points = wave(start, 5 * 8640);
    await write(ids.sourceId, points, { host: "old" });
    await write(other.sourceId, points, { host: "kept" });
    const anomaly = await createAnomaly(ids, { startTs: new Date(start + HOUR_MS), endTs: new Date(start + 2 * HOUR_MS), peakTs: new Date(start + HOUR_MS) });
    await refreshRollupsUntilClean();
    await getPrisma().dataSource.update({ where: { id: ids.sourceId }, data: { retentionDays: 2 } });

    const cutoff = now - 2 * DAY_MS;
    const expected = points.ms.filter((t) => t < cutoff).length;
    const partial = await applyRetention({ now, batch: 1_000, budgetMs: 0 });
    expect(partial).toEqual({ sources: 1, dropped: 0, deleted: 0, done: false });
    const r = await applyRetention({ now, batch: 1_000 });
    expect(r).toEqual({ sources: 1, dropped: 0, deleted: expected, done: true });
    const prisma = getPrisma();
    expect(await prisma.dataPoint.count({ where: { series: { id: ids.seriesId }, ts: { lt: new Date(cutoff) } } })).toBe(0);
    expect(await prisma.dataPoint.count({ where: { series: { id: ids.seriesId } } })).toBe(points.ms.length - expected);
    expect(await prisma.dataPoint.count({ where: { series: { id: other.seriesId } } })).toBe(points.ms.length);
    expect(await prisma.anomaly.findUnique({ where: { id: anomaly.id } })).not.toBeNull();
    expect(await applyRetention({ now, batch: 1_000 })).toEqual({ sources: 1, dropped: 0, deleted: 0, done: true });

    await refreshRollupsUntilClean();
    const both = await hoursBothWays(ids.seriesId);
    expect(both.rollups).toEqual(both.points);
    expect(both.rollups[0][0]).toBe(new Date(Math.floor(cutoff / HOUR_MS) * HOUR_MS).toISOString());
  }, 120_000);
});

/**
 * GET /api/v1/series/[id]/points and /api/v1/series/[id] against a real PostgreSQL (session mocked
 * as an admin): the SQL downsampling keeps every peak and dip, leaves gaps empty (never 0),
 * answers raw points when a range holds few, and refuses bad ranges and unknown series.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { withTestDatabase } from "@/test/test-database";
import { withSignedInUser } from "@/test/route-requests";
import { getPrisma } from "@/lib/server/db";
import { toBucketRows } from "@/components/charts/adapters";
import type { SeriesBuckets, SeriesDetail } from "@/lib/series/schemas";
import { GET as getPoints } from "@/app/api/v1/series/[id]/points/route";
import { GET as getSeries } from "@/app/api/v1/series/[id]/route";

withTestDatabase();
vi.mock("server-only", () => ({}));
vi.mock("next-auth", () => ({ getServerSession: async () => ({ user: { id: "u1", sid: "s-u1" } }) }));
withSignedInUser("u1");

const T0 = Date.UTC(2025, 0, 1);
const STEP = 10_000;
const N = 200_000; // about 23 days of 10-second points
const GAP = { from: 120_000, to: 130_000 }; // point indexes never stored: a gap of 28 hours
const PEAK = 54_321;
const DIP = 150_007;
let id = "";

beforeAll(async () => {
  const prisma = getPrisma();
  const source = await prisma.dataSource.create({ data: { name: "explorer", kind: "HTTP_PUSH" } });
  const series = await prisma.series.create({ data: { sourceId: source.id, metric: "cpu", labels: { host: "web-1" }, labelsKey: '{"host":"web-1"}' } });
  id = series.id;
  const detector = await prisma.detector.create({ data: { name: "cpu watch", algorithm: "zscore" } });
  await prisma.detectorSeries.create({ data: { detectorId: detector.id, seriesId: id } });
  // A gentle wave between 40 and 60, one spike to 500 and one dip to -300.
  await prisma.$executeRaw`
    INSERT INTO "DataPoint" ("seriesKey", ts, value)
    SELECT (SELECT key FROM "Series" WHERE id = ${id}), ${new Date(T0)}::timestamptz + g * interval '10 seconds',
      CASE WHEN g = ${PEAK} THEN 500 WHEN g = ${DIP} THEN -300 ELSE 50 + 10 * sin(g / 500.0) END
    FROM generate_series(0, ${N - 1}) g
    WHERE g < ${GAP.from} OR g >= ${GAP.to}`;
});

async function points(params: Record<string, string>, seriesId = id) {
  const res = await getPoints(new NextRequest(`http://localhost/api/v1/series/${seriesId}/points?${new URLSearchParams(params)}`), { params: Promise.resolve({ id: seriesId }) });
  return { status: res.status, body: await res.json() };
}

const iso = (t: number) => new Date(t).toISOString();

describe("GET /api/v1/series/[id]/points", () => {
  it("downsamples the whole series to at most maxPoints buckets that keep the spike and the dip", async () => {
    const { status, body } = await points({ maxPoints: "500" });
    expect(status).toBe(200);
    const b = body as SeriesBuckets;
    expect(b.from).toBe(T0);
    expect(b.to).toBe(T0 + (N - 1) * STEP);
    expect(b.buckets.length).toBeLessThanOrEqual(500);
    expect(b.buckets.reduce((n, x) => n + x.count, 0)).toBe(N - (GAP.to - GAP.from));
    expect(Math.max(...b.buckets.map((x) => x.max))).toBe(500);
    expect(Math.min(...b.buckets.map((x) => x.min))).toBe(-300);
    const peak = b.buckets.find((x) => x.max === 500)!;
    expect(T0 + PEAK * STEP).toBeGreaterThanOrEqual(peak.t);
    expect(T0 + PEAK * STEP).toBeLessThan(peak.t + b.bucketMs);
    expect(peak.avg).toBeLessThan(100); // the average alone would have hidden it
    for (const x of b.buckets) expect(x.min <= x.avg && x.avg <= x.max && x.count > 0).toBe(true);
  });

  it("leaves the gap without buckets, which the chart draws as a break (null), never as 0", async () => {
    const { body } = await points({ maxPoints: "500" });
    const b = body as SeriesBuckets;
    const gapFrom = T0 + GAP.from * STEP;
    const gapTo = T0 + GAP.to * STEP;
    expect(b.buckets.filter((x) => x.t > gapFrom && x.t + b.bucketMs < gapTo)).toEqual([]);
    const rows = toBucketRows(b.buckets);
    const nulls = rows.filter((r) => r.avg === null);
    expect(nulls).toHaveLength(1);
    expect(nulls[0].t).toBeGreaterThan(gapFrom - b.bucketMs);
    expect(nulls[0].t).toBeLessThan(gapTo);
    expect(rows.some((r) => r.avg === 0)).toBe(false);
  });

  it("answers raw points, at their own times, when the range holds fewer than maxPoints", async () => {
    const from = T0 + PEAK * STEP - 50 * STEP;
    const { status, body } = await points({ from: iso(from), to: iso(from + 100 * STEP), maxPoints: "1000" });
    expect(status).toBe(200);
    const b = body as SeriesBuckets;
    expect(b.buckets).toHaveLength(101);
    expect(b.buckets.every((x) => x.count === 1 && x.min === x.max)).toBe(true);
    expect(b.buckets[0].t).toBe(from);
    expect(b.buckets.find((x) => x.max === 500)?.t).toBe(T0 + PEAK * STEP);
  });

  it("keeps the spike at every zoom level between a day and the whole series", async () => {
    for (const hours of [24, 24 * 7, 24 * 20]) {
      const mid = T0 + PEAK * STEP;
      const { body } = await points({ from: iso(mid - hours * 1_800_000), to: iso(mid + hours * 1_800_000), maxPoints: "300" });
      expect(Math.max(...(body as SeriesBuckets).buckets.map((x) => x.max))).toBe(500);
    }
  });

  it("refuses a reversed range or a bad maxPoints with 422 naming the field, and an unknown series with 404", async () => {
    const reversed = await points({ from: iso(T0 + 1000), to: iso(T0) });
    expect(reversed.status).toBe(422);
    expect(reversed.body.error.issues.map((i: { path: string }) => i.path)).toEqual(["to"]);
    const tooMany = await points({ maxPoints: "1000000" });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error.issues[0].path).toBe("maxPoints");
    expect((await points({ from: "yesterday", to: iso(T0) })).body.error.issues[0].path).toBe("from");
    expect((await points({}, "nope")).status).toBe(404);
    expect((await points({ from: iso(T0), to: iso(T0 + 1000) }, "nope")).status).toBe(404);
  });
});

describe("GET /api/v1/series/[id]", () => {
  it("gives labels, source, extent and attached detectors; 404 for an unknown id", async () => {
    const res = await getSeries(new NextRequest(`http://localhost/api/v1/series/${id}`), { params: Promise.resolve({ id }) });
    expect(res.status).toBe(200);
    const series = (await res.json()) as SeriesDetail;
    expect(series).toMatchObject({ metric: "cpu", labels: { host: "web-1" }, source: { name: "explorer" }, first: iso(T0), last: iso(T0 + (N - 1) * STEP) });
    expect(series.detectors.map((d) => d.name)).toEqual(["cpu watch"]);
    const missing = await getSeries(new NextRequest("http://localhost/api/v1/series/nope"), { params: Promise.resolve({ id: "nope" }) });
    expect(missing.status).toBe(404);
  });
});

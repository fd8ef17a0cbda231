/**
 * GET /api/v1/overview against a real PostgreSQL and Redis (session mocked as an admin): open
 * anomalies by severity, the hourly timeline, points per minute of fed sources, sources with their
 * last error first, detection lag, and the queue's job counts; bad hours are a 422.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { withTestDatabase } from "@/test/test-database";
import { withRouteQueues } from "@/test/route-requests";
import { getPrisma } from "@/lib/server/db";
import type { Overview } from "@/lib/overview/schemas";
import { GET } from "@/app/api/v1/overview/route";
import { estimatePoints } from "@/lib/server/queries/overview";

withTestDatabase();
vi.mock("server-only", () => ({}));
vi.mock("next-auth", () => ({ getServerSession: async () => ({ user: { id: "admin", sid: "s-admin" } }) }));
withRouteQueues(["detect"]);

const NOW = Date.now();
const MIN = 60_000;
const HOUR = 3_600_000;

beforeAll(async () => {
  const prisma = getPrisma();
  const live = await prisma.dataSource.create({ data: { name: "live", kind: "HTTP_PUSH", lastIngestedAt: new Date(NOW - MIN) } });
  await prisma.dataSource.create({ data: { name: "broken", kind: "HTTP_POLL", status: "ERROR", lastError: "connect ECONNREFUSED 10.0.0.1:80" } });
  await prisma.dataSource.create({ data: { name: "old", kind: "CSV_UPLOAD", lastIngestedAt: new Date(NOW - 30 * 86_400_000) } });
  const s = await prisma.series.create({ data: { sourceId: live.id, metric: "cpu" } });
  // Ten points in each of the last three minutes, and older ones that do not count.
  const minute = Math.floor(NOW / MIN) * MIN;
  const ts = [0, 1, 2].flatMap((m) => Array.from({ length: 10 }, (_, i) => new Date(minute - m * MIN + i * 1000))).filter((t) => t.getTime() <= NOW);
  ts.push(new Date(NOW - 2 * HOUR));
  await prisma.dataPoint.createMany({ data: ts.map((t, i) => ({ seriesKey: s.key, ts: t, value: i })) });
  const d = await prisma.detector.create({ data: { name: "z", algorithm: "zscore" } });
  await prisma.detectorSeries.create({ data: { detectorId: d.id, seriesId: s.id } });
  const newest = Math.max(...ts.map((t) => t.getTime()));
  await prisma.detectorState.create({ data: { detectorId: d.id, subjectId: s.id, watermark: new Date(newest - 90_000) } });
  const anomaly = (hoursAgo: number, severity: "LOW" | "HIGH" | "CRITICAL", status: "OPEN" | "ACKNOWLEDGED" | "RESOLVED", detection: "ACTIVE" | "GONE" = "ACTIVE") => {
    const start = new Date(NOW - hoursAgo * HOUR);
    return { detectorId: d.id, seriesId: s.id, startTs: start, endTs: start, peakTs: start, peakScore: 0.9, severity, status, detection };
  };
  await prisma.anomaly.createMany({
    data: [anomaly(0, "CRITICAL", "OPEN"), anomaly(0, "HIGH", "ACKNOWLEDGED"), anomaly(3, "HIGH", "OPEN"), anomaly(5, "LOW", "RESOLVED"), anomaly(1, "CRITICAL", "OPEN", "GONE"), anomaly(100, "LOW", "OPEN")],
  });
});

async function get(qs = "") {
  const res = await GET(new NextRequest(`http://localhost/api/v1/overview${qs}`), { params: Promise.resolve({}) });
  return { status: res.status, body: await res.json() };
}

describe("GET /api/v1/overview", () => {
  it("counts open anomalies by severity and anomalies per hour, leaving out what re-detection no longer finds", async () => {
    const { status, body } = await get();
    expect(status).toBe(200);
    const o = body as Overview;
    expect(o.openBySeverity).toEqual({ LOW: 1, MEDIUM: 0, HIGH: 2, CRITICAL: 1 });
    expect(o.timeline.hours).toBe(48);
    const total = (sev: string) => o.timeline.buckets.filter((b) => b.severity === sev).reduce((n, b) => n + b.count, 0);
    expect([total("CRITICAL"), total("HIGH"), total("LOW")]).toEqual([1, 2, 1]);
    const thisHour = new Date(Math.floor(NOW / HOUR) * HOUR).toISOString();
    expect(o.timeline.buckets.filter((b) => b.t === thisHour).map((b) => [b.severity, b.count]).sort()).toEqual([["CRITICAL", 1], ["HIGH", 1]]);
  });

  it("counts points per minute for fed sources, lists sources with errors first, and measures detection lag", async () => {
    const o = (await get()).body as Overview;
    expect(o.ingest.perMinute.reduce((n, m) => n + m.count, 0)).toBe(o.counts.points - 1);
    expect(o.ingest.perMinute.every((m) => m.count <= 10)).toBe(true);
    expect(o.sources.map((x) => x.name)).toEqual(["broken", "live", "old"]);
    expect(o.sources[0]).toMatchObject({ status: "ERROR", lastError: "connect ECONNREFUSED 10.0.0.1:80", lastIngestedAt: null });
    expect(o.detection).toEqual({ lagMs: 90_000, seriesBehind: 1, neverScored: 0 });
    expect(o.counts).toMatchObject({ sources: 3, series: 1, detectors: 1 });
  });

  it("reports the queue's jobs per queue", async () => {
    const o = (await get()).body as Overview;
    expect(o.queue).toMatchObject({ ok: true, backend: "redis" });
    expect(o.queue.queues.map((q) => q.name)).toEqual(["system", "detect", "train", "backfill", "poll", "notify"]);
    for (const q of o.queue.queues) expect(q).toMatchObject({ waiting: expect.any(Number), failed: expect.any(Number) });
  });

  it("takes the timeline's length from hours and refuses a bad one naming the field", async () => {
    expect(((await get("?hours=6")).body as Overview).timeline.buckets.map((b) => b.severity).sort()).toEqual(["CRITICAL", "HIGH", "HIGH", "LOW"]);
    const bad = await get("?hours=0");
    expect(bad.status).toBe(422);
    expect(bad.body.error.issues[0].path).toBe("hours");
  });

  it("estimates the points from the month partitions' statistics, not the partitioned parent's", async () => {
    const prisma = getPrisma();
    // As autovacuum does: each partition analysed on its own, the parent never.
    const leaves = await prisma.$queryRaw<{ name: string }[]>`SELECT relid::regclass::text AS name FROM pg_partition_tree('"DataPoint"') WHERE isleaf`;
    for (const l of leaves) await prisma.$executeRawUnsafe(`ANALYZE ${l.name}`);
    const [parent] = await prisma.$queryRaw<{ reltuples: number }[]>`SELECT reltuples FROM pg_class WHERE oid = '"DataPoint"'::regclass`;
    expect(parent.reltuples).toBeLessThanOrEqual(0);
    expect(await estimatePoints()).toBe(await prisma.dataPoint.count());
  });
});

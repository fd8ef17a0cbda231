/** The overview: counts, anomalies by severity and hour, ingest per minute, sources' and detection's health. */
import { SEVERITIES } from "@/lib/anomalies/schemas";
import { getPrisma } from "@/lib/server/db";
import type { Overview, Severity, TOverviewQuery } from "@/lib/overview/schemas";

export async function getOverviewCounts() {
  const prisma = getPrisma();
  const [sources, series, detectors, points] = await Promise.all([
    prisma.dataSource.count(),
    prisma.series.count(),
    prisma.detector.count({ where: { enabled: true } }),
    estimatePoints(),
  ]);
  // The planner's estimate is free but is 0 until the months are first analysed; count small tables exactly.
  const exact = points < 1_000_000 ? await prisma.dataPoint.count() : points;
  return { sources, series, detectors, points: exact };
}

/**
 * The planner's estimate of the points: the sum over the month partitions (and the default one).
 * The partitioned parent's own `reltuples` stays -1 (autovacuum never analyses a partitioned
 * table), so it cannot be read alone; a partition not analysed yet (-1) counts as 0.
 */
export async function estimatePoints(): Promise<number> {
  const rows = await getPrisma().$queryRaw<{ estimate: bigint | null }[]>`
    SELECT sum(GREATEST(c.reltuples, 0))::bigint AS estimate
    FROM pg_partition_tree('"DataPoint"') t JOIN pg_class c ON c.oid = t.relid
    WHERE t.isleaf`;
  return Number(rows[0]?.estimate ?? 0);
}

export async function countOpenBySeverity(): Promise<Record<Severity, number>> {
  const rows = await getPrisma().anomaly.groupBy({
    by: ["severity"],
    where: { status: { in: ["OPEN", "ACKNOWLEDGED"] }, detection: "ACTIVE" },
    _count: { _all: true },
  });
  const out = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const r of rows) out[r.severity] = r._count._all;
  return out;
}

/** Anomalies started per hour and severity since `from` (the startTs index bounds the scan). */
export async function countAnomaliesPerHour(from: Date) {
  const rows = await getPrisma().$queryRaw<{ t: Date; severity: Severity; count: number }[]>`
    SELECT date_trunc('hour', "startTs") AS t, severity, count(*)::int AS count
    FROM "Anomaly"
    WHERE "startTs" >= ${from} AND detection = 'ACTIVE'
    GROUP BY 1, 2
    ORDER BY 1`;
  return rows.map((r) => ({ t: r.t.toISOString(), severity: r.severity, count: r.count }));
}

/**
 * Points per minute of their timestamp since `from`, over the series of sources that sent data
 * since then: one primary-key range probe per such series, never a scan of the points table.
 */
export async function countPointsPerMinute(from: Date) {
  const rows = await getPrisma().$queryRaw<{ t: Date; count: number }[]>`
    SELECT date_trunc('minute', p.ts) AS t, count(*)::int AS count
    FROM "DataSource" src
    JOIN "Series" s ON s."sourceId" = src.id
    CROSS JOIN LATERAL (SELECT d.ts FROM "DataPoint" d WHERE d."seriesKey" = s.key AND d.ts >= ${from} AND d.ts <= now()) p
    WHERE src."lastIngestedAt" >= ${from}
    GROUP BY 1
    ORDER BY 1`;
  return rows.map((r) => ({ t: r.t.toISOString(), count: r.count }));
}

/** Sources with a last error first, then by name. */
export async function listSourceHealth(limit = 50): Promise<Overview["sources"]> {
  const rows = await getPrisma().dataSource.findMany({
    orderBy: [{ lastError: { sort: "asc", nulls: "last" } }, { name: "asc" }],
    take: limit,
    select: { id: true, name: true, kind: true, status: true, lastIngestedAt: true, lastError: true },
  });
  return rows.map((r) => ({ ...r, lastIngestedAt: r.lastIngestedAt?.toISOString() ?? null }));
}

/**
 * How far detection is behind the data, over enabled detectors' series of sources fed since
 * `from`: the largest gap between a series' newest point and its watermark.
 */
export async function measureDetectionLag(from: Date): Promise<Overview["detection"]> {
  const [row] = await getPrisma().$queryRaw<{ lag: number | null; behind: number; never: number }[]>`
    SELECT (max(extract(epoch FROM l.latest - st.watermark)) * 1000)::float8 AS lag,
      count(*) FILTER (WHERE st.watermark IS NOT NULL AND l.latest > st.watermark)::int AS behind,
      count(*) FILTER (WHERE st.watermark IS NULL AND l.latest IS NOT NULL)::int AS never
    FROM "DetectorSeries" ds
    JOIN "Detector" d ON d.id = ds."detectorId" AND d.enabled
    JOIN "Series" s ON s.id = ds."seriesId"
    JOIN "DataSource" src ON src.id = s."sourceId" AND src."lastIngestedAt" >= ${from}
    -- A grouped detector's member is scored under its group's state.
    LEFT JOIN "SeriesGroupMember" gm ON gm."detectorId" = ds."detectorId" AND gm."seriesId" = ds."seriesId"
    LEFT JOIN "DetectorState" st ON st."detectorId" = ds."detectorId" AND st."subjectId" = coalesce(gm."groupId", ds."seriesId")
    CROSS JOIN LATERAL (SELECT max(p.ts) AS latest FROM "DataPoint" p WHERE p."seriesKey" = (SELECT key FROM "Series" WHERE id = ds."seriesId")) l`;
  return { lagMs: row.lag === null ? null : Math.max(0, row.lag), seriesBehind: row.behind, neverScored: row.never };
}

export async function getOverviewData(q: TOverviewQuery): Promise<Omit<Overview, "queue">> {
  const now = Date.now();
  const hourStart = new Date(Math.floor(now / 3_600_000) * 3_600_000 - (q.hours - 1) * 3_600_000);
  const minuteStart = new Date(Math.floor(now / 60_000) * 60_000 - 59 * 60_000);
  const hourAgo = new Date(now - 3_600_000);
  const [counts, openBySeverity, timeline, perMinute, sources, detection] = await Promise.all([
    getOverviewCounts(),
    countOpenBySeverity(),
    countAnomaliesPerHour(hourStart),
    countPointsPerMinute(minuteStart),
    listSourceHealth(),
    measureDetectionLag(hourAgo),
  ]);
  return {
    generatedAt: new Date(now).toISOString(),
    counts,
    openBySeverity,
    timeline: { from: hourStart.toISOString(), hours: q.hours, buckets: timeline },
    ingest: { from: minuteStart.toISOString(), perMinute },
    sources,
    detection,
  };
}

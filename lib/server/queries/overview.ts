/** Counts for the overview page. */
import { getPrisma } from "@/lib/server/db";

export async function getOverviewCounts() {
  const prisma = getPrisma();
  const [sources, series, detectors, openAnomalies, points] = await Promise.all([
    prisma.dataSource.count(),
    prisma.series.count(),
    prisma.detector.count({ where: { enabled: true } }),
    prisma.anomaly.count({ where: { status: { in: ["OPEN", "ACKNOWLEDGED"] } } }),
    prisma.$queryRaw<{ estimate: bigint }[]>`SELECT GREATEST(reltuples, 0)::bigint AS estimate FROM pg_class WHERE relname = 'DataPoint'`,
  ]);
  // The planner's estimate is free but is 0 until the table is first analysed; count small tables exactly.
  const estimate = Number(points[0]?.estimate ?? 0);
  const exact = estimate < 1_000_000 ? await prisma.dataPoint.count() : estimate;
  return { sources, series, detectors, openAnomalies, points: exact };
}

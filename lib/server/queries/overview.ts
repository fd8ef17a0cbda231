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
  return { sources, series, detectors, openAnomalies, points: Number(points[0]?.estimate ?? 0) };
}

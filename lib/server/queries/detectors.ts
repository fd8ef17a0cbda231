/** Named queries for detectors. */
import { getPrisma } from "@/lib/server/db";

export function listDetectors() {
  return getPrisma().detector.findMany({
    orderBy: { name: "asc" },
    select: {
      id: true,
      name: true,
      algorithm: true,
      threshold: true,
      mode: true,
      enabled: true,
      _count: { select: { series: true, anomalies: true } },
    },
  });
}

export interface DetectorSeriesStatus {
  seriesId: string;
  metric: string;
  watermark: Date | null;
  latest: Date | null;
  /** Stored points the detector has not scored yet (late points below the watermark excluded). */
  pending: number;
  modelId: string | null;
}

/** Per attached series: how far detection has got. For the detector page. */
export async function listDetectorSeriesStatus(detectorId: string): Promise<DetectorSeriesStatus[]> {
  const rows = await getPrisma().$queryRaw<(Omit<DetectorSeriesStatus, "pending"> & { pending: bigint })[]>`
    SELECT ds."seriesId", s.metric, st.watermark, m.latest, st."modelId",
      (SELECT count(*) FROM "DataPoint" p
        WHERE p."seriesId" = ds."seriesId" AND p.ts > coalesce(st.watermark, '-infinity'::timestamptz)) AS pending
    FROM "DetectorSeries" ds
    JOIN "Series" s ON s.id = ds."seriesId"
    CROSS JOIN LATERAL (SELECT max(p.ts) AS latest FROM "DataPoint" p WHERE p."seriesId" = ds."seriesId") m
    LEFT JOIN "DetectorState" st ON st."detectorId" = ds."detectorId" AND st."seriesId" = ds."seriesId"
    WHERE ds."detectorId" = ${detectorId}
    ORDER BY s.metric`;
  return rows.map((r) => ({ ...r, pending: Number(r.pending) }));
}

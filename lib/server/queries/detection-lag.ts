/**
 * Detection lag for the metrics scrape: per enabled detector, the age of the oldest stored point
 * one of its series has past its subject's watermark (the series', or a member's group's; 0 when
 * every subject is caught up). One
 * primary-key probe per attached pair, bounded by a statement timeout so a scrape never hangs.
 */
import { withPgTransaction } from "@/lib/server/pg-pool";
import type { DetectorLag } from "@/lib/metrics/definitions";

const STATEMENT_TIMEOUT_MS = 5_000;

export function findDetectionLag(): Promise<DetectorLag[]> {
  return withPgTransaction(async (client) => {
    await client.query(`SET LOCAL statement_timeout = ${STATEMENT_TIMEOUT_MS}`);
    const { rows } = await client.query<{ detector: string; seconds: number }>(`
      SELECT d.name AS detector,
        coalesce(greatest(0, max(extract(epoch FROM now() - nx.ts))), 0)::float8 AS seconds
      FROM "Detector" d
      LEFT JOIN "DetectorSeries" ds ON ds."detectorId" = d.id
      LEFT JOIN "SeriesGroupMember" gm ON gm."detectorId" = ds."detectorId" AND gm."seriesId" = ds."seriesId"
      LEFT JOIN "DetectorState" st ON st."detectorId" = ds."detectorId" AND st."subjectId" = coalesce(gm."groupId", ds."seriesId")
      LEFT JOIN LATERAL (
        SELECT p.ts FROM "DataPoint" p
        WHERE p."seriesKey" = (SELECT key FROM "Series" WHERE id = ds."seriesId") AND (st.watermark IS NULL OR p.ts > st.watermark)
        ORDER BY p.ts LIMIT 1
      ) nx ON true
      WHERE d.enabled
      GROUP BY d.name`);
    return rows;
  });
}

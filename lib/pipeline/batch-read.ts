/**
 * The read half of a batched detect run (detect-batch.ts): in ONE statement, per attached series
 * of an ungrouped detector, its position (DetectorState; null when it has no row yet), whether a
 * re-detection is pending, and its first points past the watermark. A shard job reads its series
 * this way in chunks, which is also how it finds which of them lag: no separate lookup.
 * Each series' points come as one packed bytea (lib/server/queries/packed-points.ts).
 */
import { getPgPool } from "@/lib/server/pg-pool";
import { packPoints, unpackPoints } from "@/lib/server/queries/packed-points";

export interface BatchRow {
  seriesId: string;
  watermark: Date | null;
  /** null: the pair has no DetectorState row yet (`runDetection` creates it). */
  version: number | null;
  modelId: string | null;
  redetectUntil: Date | null;
  /** A RedetectRequest is pending. */
  redetect: boolean;
  /** Points past the watermark, in time order: epoch ms and values (at most the read's limit). */
  ms: number[];
  values: number[];
  /** The read's snapshot (`pg_current_snapshot()`, text): the one statement read every row. */
  seen: string;
}

/** Which attached series to read: the given ones, or a shard's next `count` after `after` (key order). */
export type BatchTarget = { seriesIds: string[] } | { shardDigit: string; after: string; count: number };

type Raw = [string, Date | null, number | null, string | null, Date | null, boolean, Buffer | null, string];

export async function readBatch(detectorId: string, target: BatchTarget, pointsPerSeries: number): Promise<BatchRow[]> {
  const attached =
    "seriesIds" in target
      ? { sql: `SELECT "detectorId", "seriesId" FROM "DetectorSeries" WHERE "detectorId" = $1 AND "seriesId" = ANY($3::text[])`, values: [target.seriesIds] }
      : {
          sql: `SELECT "detectorId", "seriesId" FROM "DetectorSeries"
                WHERE "detectorId" = $1 AND substr(md5("seriesId"), 1, 1) = $3 AND "seriesId" > $4
                ORDER BY "seriesId" LIMIT $5`,
          values: [target.shardDigit, target.after, target.count],
        };
  const { rows } = await getPgPool().query<Raw>({
    text: `SELECT ds."seriesId", s.watermark, s.version, s."modelId", s."redetectUntil",
             EXISTS (SELECT 1 FROM "RedetectRequest" r WHERE r."detectorId" = ds."detectorId" AND r."subjectId" = ds."seriesId"),
             p.packed, (SELECT pg_current_snapshot()::text)
           FROM (${attached.sql}) ds
           JOIN "Series" sr ON sr.id = ds."seriesId"
           LEFT JOIN "DetectorState" s ON s."detectorId" = ds."detectorId" AND s."subjectId" = ds."seriesId"
           CROSS JOIN LATERAL (
             SELECT ${packPoints("q.ts", "q.value")} AS packed
             FROM (SELECT ts, value FROM "DataPoint"
                   WHERE "seriesKey" = sr.key AND ts > COALESCE(s.watermark, '-infinity'::timestamptz)
                   ORDER BY ts LIMIT $2) q
           ) p
           ORDER BY ds."seriesId"`,
    values: [detectorId, pointsPerSeries, ...attached.values],
    rowMode: "array",
  });
  return rows.map(([seriesId, watermark, version, modelId, redetectUntil, redetect, packed, seen]) => ({
    seriesId, watermark, version, modelId, redetectUntil, redetect, ...unpackPoints(packed), seen,
  }));
}

/** Whether a row has anything to do: points past its watermark, or a re-detection pending or under way. */
export const lags = (r: BatchRow) => r.ms.length > 0 || r.redetect || r.redetectUntil !== null;

/**
 * A grouped detector's groups among `groupIds`, with their members in vector order and their
 * positions (rows created when missing, in key order); pages are read afterwards for the groups
 * the worker holds a scorer for (`readGroupsStepsAfter`).
 */
export async function readGroupStarts(detectorId: string, groupIds: string[]): Promise<(Omit<BatchRow, "ms" | "values" | "seen"> & { members: string[]; version: number })[]> {
  const { rows } = await getPgPool().query<[string, string[], Date | null, number, string | null, Date | null, boolean]>({
    text: `WITH ok AS (
             SELECT g.id, array_agg(m."seriesId" ORDER BY m.position) AS members
             FROM "SeriesGroup" g JOIN "SeriesGroupMember" m ON m."groupId" = g.id
             WHERE g."detectorId" = $1 AND g.id = ANY($2::text[]) GROUP BY g.id
           ), ins AS (
             INSERT INTO "DetectorState" ("detectorId", "subjectId", "updatedAt")
             SELECT $1, ok.id, now() FROM ok ORDER BY ok.id
             ON CONFLICT ("detectorId", "subjectId") DO NOTHING
             RETURNING "subjectId", watermark, version, "modelId", "redetectUntil"
           )
           SELECT x."subjectId", ok.members, x.watermark, x.version, x."modelId", x."redetectUntil",
             EXISTS (SELECT 1 FROM "RedetectRequest" r WHERE r."detectorId" = $1 AND r."subjectId" = x."subjectId")
           FROM (
             SELECT * FROM ins
             UNION ALL
             SELECT s."subjectId", s.watermark, s.version, s."modelId", s."redetectUntil"
             FROM "DetectorState" s JOIN ok ON ok.id = s."subjectId" WHERE s."detectorId" = $1
           ) x JOIN ok ON ok.id = x."subjectId"
           ORDER BY x."subjectId"`,
    values: [detectorId, groupIds],
    rowMode: "array",
  });
  return rows.map(([seriesId, members, watermark, version, modelId, redetectUntil, redetect]) => ({ seriesId, members, watermark, version, modelId, redetectUntil, redetect }));
}

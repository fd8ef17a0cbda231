/**
 * Named queries for the per (detector, series) checkpoint. Every write to the checkpoint happens
 * under `lockDetectorState` (SELECT ... FOR UPDATE) inside the caller's transaction, so two runs of
 * the same pair serialize and a stale one can see that the watermark moved.
 */
import type { Prisma } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";
import { getPgPool } from "@/lib/server/pg-pool";
import { MAX_TRAINING_POINTS, trainingWindow } from "@/lib/detection/training";

export interface Checkpoint {
  watermark: Date | null;
  /** Bumped by every commit to the row: a worker's cached state is valid for one version only. */
  version: number;
  /** The trained ModelVersion the state was built from; changes when `train.run` installs a model. */
  modelId: string | null;
  /** Set by a rewind: until scoring passes it, pages re-derive the incidents they cover. */
  redetectUntil: Date | null;
}

const CHECKPOINT = `watermark, version, "modelId", "redetectUntil"`;

/** Creates the row when missing so there is always something to lock. */
export async function ensureDetectorState(detectorId: string, seriesId: string): Promise<Checkpoint> {
  const prisma = getPrisma();
  await prisma.$executeRaw`
    INSERT INTO "DetectorState" ("detectorId", "seriesId", "updatedAt") VALUES (${detectorId}, ${seriesId}, now())
    ON CONFLICT ("detectorId", "seriesId") DO NOTHING`;
  return prisma.detectorState.findUniqueOrThrow({
    where: { detectorId_seriesId: { detectorId, seriesId } },
    select: { watermark: true, version: true, modelId: true, redetectUntil: true },
  });
}

export interface DetectRunStart {
  detector: { id: string; algorithm: string; params: unknown; threshold: number; enabled: boolean } | null;
  attached: boolean;
  /** The pair's checkpoint; null when the detector is missing, disabled or not attached (no row is created then). */
  checkpoint: Checkpoint | null;
  /** A RedetectRequest is pending for the pair (lib/server/queries/redetect.ts). */
  redetect: boolean;
}

/**
 * Everything a detect run needs before scoring, in ONE statement: the detector row, whether the
 * series is attached, and the pair's checkpoint (the row is created when missing, like
 * `ensureDetectorState`, but only for an enabled, attached detector). A row inserted by a
 * concurrent statement after this one's snapshot is invisible here: then `checkpoint` is null for
 * an enabled, attached detector and the caller falls back to `ensureDetectorState`.
 */
export async function startDetectRun(detectorId: string, seriesId: string): Promise<DetectRunStart> {
  const rows = await getPrisma().$queryRaw<
    ({ id: string; algorithm: string; params: unknown; threshold: number; enabled: boolean; attached: boolean; found: boolean; redetect: boolean } & Checkpoint)[]
  >`
    WITH d AS (
      SELECT d.id, d.algorithm, d.params, d.threshold, d.enabled,
        EXISTS (SELECT 1 FROM "DetectorSeries" ds WHERE ds."detectorId" = d.id AND ds."seriesId" = ${seriesId}) AS attached
      FROM "Detector" d WHERE d.id = ${detectorId}
    ), ins AS (
      INSERT INTO "DetectorState" ("detectorId", "seriesId", "updatedAt")
      SELECT d.id, ${seriesId}, now() FROM d WHERE d.enabled AND d.attached
      ON CONFLICT ("detectorId", "seriesId") DO NOTHING
      RETURNING watermark, version, "modelId", "redetectUntil"
    ), st AS (
      SELECT watermark, version, "modelId", "redetectUntil" FROM ins
      UNION ALL
      SELECT s.watermark, s.version, s."modelId", s."redetectUntil" FROM "DetectorState" s WHERE s."detectorId" = ${detectorId} AND s."seriesId" = ${seriesId}
    )
    SELECT d.id, d.algorithm, d.params, d.threshold, d.enabled, d.attached, st.found, st.watermark, st.version, st."modelId", st."redetectUntil",
      EXISTS (SELECT 1 FROM "RedetectRequest" r WHERE r."detectorId" = ${detectorId} AND r."seriesId" = ${seriesId}) AS redetect
    FROM d LEFT JOIN LATERAL (SELECT true AS found, watermark, version, "modelId", "redetectUntil" FROM st LIMIT 1) st ON true`;
  const r = rows[0];
  if (!r) return { detector: null, attached: false, checkpoint: null, redetect: false };
  return {
    detector: { id: r.id, algorithm: r.algorithm, params: r.params, threshold: r.threshold, enabled: r.enabled },
    attached: r.attached,
    checkpoint: r.found ? { watermark: r.watermark, version: r.version, modelId: r.modelId, redetectUntil: r.redetectUntil } : null,
    redetect: r.redetect,
  };
}

/**
 * Compare-and-set of the scoring position: moves the watermark to `watermark` (version + 1) only
 * when the row is still at `expect.version` and the range (old watermark, watermark] holds exactly
 * the `scored` points (see `countPointsIn`). The UPDATE takes the same row lock as SELECT ... FOR
 * UPDATE; a concurrent writer makes it wait, and PostgreSQL re-checks the condition on the
 * committed row, so a moved row updates nothing (false).
 */
export async function advanceWatermarkIf(
  db: Prisma.TransactionClient,
  detectorId: string,
  seriesId: string,
  expect: { watermark: Date | null; version: number },
  watermark: Date,
  scored: number,
  redetectUntil: Date | null,
): Promise<boolean> {
  const n = await db.$executeRaw`
    UPDATE "DetectorState" SET watermark = ${watermark}, version = version + 1, "redetectUntil" = ${redetectUntil}, "updatedAt" = now()
    WHERE "detectorId" = ${detectorId} AND "seriesId" = ${seriesId} AND version = ${expect.version}
      AND (SELECT count(*) FROM "DataPoint" p
           WHERE p."seriesId" = ${seriesId} AND (${expect.watermark}::timestamptz IS NULL OR p.ts > ${expect.watermark}::timestamptz) AND p.ts <= ${watermark}) = ${scored}`;
  return n === 1;
}

/**
 * Stored points in (after, upTo]. At commit a run checks this equals what it scored: a point
 * committed inside the range while the page was being scored (a concurrent, out-of-order write) makes
 * the run stop without advancing the watermark, so the re-run scores it in order. A point landing
 * after the commit is behind the watermark: its write leaves a RedetectRequest.
 */
export async function countPointsIn(db: Prisma.TransactionClient, seriesId: string, after: Date | null, upTo: Date): Promise<number> {
  const rows = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM "DataPoint" p
    WHERE p."seriesId" = ${seriesId} AND (${after}::timestamptz IS NULL OR p.ts > ${after}::timestamptz) AND p.ts <= ${upTo}`;
  return rows[0].n;
}

export async function lockDetectorState(tx: Prisma.TransactionClient, detectorId: string, seriesId: string): Promise<Checkpoint | null> {
  const rows = await tx.$queryRawUnsafe<Checkpoint[]>(
    `SELECT ${CHECKPOINT} FROM "DetectorState" WHERE "detectorId" = $1 AND "seriesId" = $2 FOR UPDATE`,
    detectorId,
    seriesId,
  );
  return rows[0] ?? null;
}

/** Moves the pair's scoring position (version + 1); `modelId` when a model is installed. */
export async function saveDetectorState(
  tx: Prisma.TransactionClient,
  detectorId: string,
  seriesId: string,
  watermark: Date | null,
  opts: { modelId?: string; redetectUntil?: Date | null } = {},
): Promise<void> {
  await tx.detectorState.update({
    where: { detectorId_seriesId: { detectorId, seriesId } },
    data: { watermark, version: { increment: 1 }, modelId: opts.modelId, redetectUntil: opts.redetectUntil },
  });
}

/**
 * Every (enabled detector, attached series) whose watermark is behind the newest point of the
 * series, or that has never run. One statement; the (seriesId, ts) primary key answers max(ts).
 */
export function findLaggingPairs(): Promise<{ detectorId: string; seriesId: string }[]> {
  return getPrisma().$queryRaw<{ detectorId: string; seriesId: string }[]>`
    SELECT ds."detectorId", ds."seriesId"
    FROM "DetectorSeries" ds
    JOIN "Detector" d ON d.id = ds."detectorId" AND d.enabled
    CROSS JOIN LATERAL (SELECT max(p.ts) AS latest FROM "DataPoint" p WHERE p."seriesId" = ds."seriesId") m
    LEFT JOIN "DetectorState" st ON st."detectorId" = ds."detectorId" AND st."seriesId" = ds."seriesId"
    WHERE m.latest IS NOT NULL AND (st.watermark IS NULL OR st.watermark < m.latest
      OR EXISTS (SELECT 1 FROM "RedetectRequest" r WHERE r."detectorId" = ds."detectorId" AND r."seriesId" = ds."seriesId"))
    ORDER BY ds."detectorId", ds."seriesId"`;
}

/**
 * The attached series of one detector in one shard (`lib/pipeline/shard.ts`) that have points past
 * their watermark (or have never run), in key order. Reads no state: one probe of the (seriesId,
 * ts) primary key per attached series of the shard.
 */
export async function findLaggingSeries(detectorId: string, shardDigit: string): Promise<string[]> {
  const rows = await getPrisma().$queryRaw<{ seriesId: string }[]>`
    SELECT ds."seriesId"
    FROM "DetectorSeries" ds
    LEFT JOIN "DetectorState" st ON st."detectorId" = ds."detectorId" AND st."seriesId" = ds."seriesId"
    WHERE ds."detectorId" = ${detectorId} AND substr(md5(ds."seriesId"), 1, 1) = ${shardDigit}
      AND (EXISTS (SELECT 1 FROM "DataPoint" p WHERE p."seriesId" = ds."seriesId" AND (st.watermark IS NULL OR p.ts > st.watermark))
        OR EXISTS (SELECT 1 FROM "RedetectRequest" r WHERE r."detectorId" = ds."detectorId" AND r."seriesId" = ds."seriesId"))
    ORDER BY ds."seriesId"`;
  return rows.map((r) => r.seriesId);
}

type PointRow = [ms: number, value: number];

/** Plain pg with array rows and epoch milliseconds: a detect run reads 10k-point pages, and Prisma's row mapping cost more than the scoring. */
async function readPoints(sql: string, params: unknown[]): Promise<{ ts: Date; value: number }[]> {
  const { rows } = await getPgPool().query<PointRow>({ text: sql, values: params, rowMode: "array" });
  return rows.map(([ms, value]) => ({ ts: new Date(ms), value }));
}

const MS = `round(extract(epoch from ts) * 1000)::float8`;

/** Points after `after` (exclusive) and up to `until` (inclusive) in time order, at most `limit`. */
export function readPointsAfter(seriesId: string, after: Date | null, limit: number, until?: Date) {
  return readPoints(
    `SELECT ${MS}, value FROM "DataPoint"
     WHERE "seriesId" = $1 AND ($2::timestamptz IS NULL OR ts > $2) AND ($3::timestamptz IS NULL OR ts <= $3)
     ORDER BY ts LIMIT $4`,
    [seriesId, after, until ?? null, limit],
  );
}

/** The last `limit` points before `before` (exclusive), returned in time order. */
export async function readPointsBefore(seriesId: string, before: Date, limit: number) {
  const rows = await readPoints(
    `SELECT ${MS}, value FROM "DataPoint" WHERE "seriesId" = $1 AND ts < $2 ORDER BY ts DESC LIMIT $3`,
    [seriesId, before, limit],
  );
  return rows.reverse();
}

/**
 * The training window (`trainingWindow`, lib/detection/training.ts) ending at the last point
 * before `before`: what `train.run` trains on, and the history the preview and re-scorings use.
 */
export async function readTrainingHistory(seriesId: string, before: Date, hours: number | null | undefined): Promise<{ t: number; value: number }[]> {
  const rows = await readPointsBefore(seriesId, before, MAX_TRAINING_POINTS);
  return trainingWindow(rows.map((r) => ({ t: r.ts.getTime(), value: r.value })), hours);
}


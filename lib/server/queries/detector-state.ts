/**
 * Named queries for the per (detector, series) checkpoint. Every write to the checkpoint happens
 * under `lockDetectorState` (SELECT ... FOR UPDATE) inside the caller's transaction, so two runs of
 * the same pair serialize and a stale one can see that the watermark moved.
 */
import type { Prisma } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";

export interface Checkpoint {
  state: unknown;
  watermark: Date | null;
  /** The trained ModelVersion the state was built from; changes when `train.run` installs a model. */
  modelId: string | null;
}

/** Creates the row when missing so there is always something to lock. */
export async function ensureDetectorState(detectorId: string, seriesId: string): Promise<Checkpoint> {
  const prisma = getPrisma();
  await prisma.$executeRaw`
    INSERT INTO "DetectorState" ("detectorId", "seriesId", "updatedAt") VALUES (${detectorId}, ${seriesId}, now())
    ON CONFLICT ("detectorId", "seriesId") DO NOTHING`;
  const row = await prisma.detectorState.findUniqueOrThrow({
    where: { detectorId_seriesId: { detectorId, seriesId } },
    select: { state: true, watermark: true, modelId: true },
  });
  return row;
}

export async function lockDetectorState(tx: Prisma.TransactionClient, detectorId: string, seriesId: string): Promise<Checkpoint | null> {
  const rows = await tx.$queryRaw<Checkpoint[]>`
    SELECT state, watermark, "modelId" FROM "DetectorState"
    WHERE "detectorId" = ${detectorId} AND "seriesId" = ${seriesId} FOR UPDATE`;
  return rows[0] ?? null;
}

export async function saveDetectorState(
  tx: Prisma.TransactionClient,
  detectorId: string,
  seriesId: string,
  state: Prisma.InputJsonValue,
  watermark: Date | null,
  modelId?: string,
): Promise<void> {
  await tx.detectorState.update({ where: { detectorId_seriesId: { detectorId, seriesId } }, data: { state, watermark, modelId } });
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
    WHERE m.latest IS NOT NULL AND (st.watermark IS NULL OR st.watermark < m.latest)
    ORDER BY ds."detectorId", ds."seriesId"`;
}

/** Points after `after` (exclusive) in time order, at most `limit`. */
export function readPointsAfter(seriesId: string, after: Date | null, limit: number, until?: Date) {
  return getPrisma().dataPoint.findMany({
    where: { seriesId, ts: { ...(after ? { gt: after } : {}), ...(until ? { lte: until } : {}) } },
    orderBy: { ts: "asc" },
    take: limit,
    select: { ts: true, value: true },
  });
}

/** The last `limit` points before `before` (exclusive), returned in time order. */
export async function readPointsBefore(seriesId: string, before: Date, limit: number) {
  const rows = await getPrisma().dataPoint.findMany({
    where: { seriesId, ts: { lt: before } },
    orderBy: { ts: "desc" },
    take: limit,
    select: { ts: true, value: true },
  });
  return rows.reverse();
}

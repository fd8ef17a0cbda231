/** Named queries for detectors. Every change writes its audit row in the same transaction. */
import type { Prisma } from "@/lib/generated/prisma/client";
import { getDefinition } from "@/lib/detection";
import { parseDetectorParams } from "@/lib/detectors/params";
import type { TBackfill, TCreateDetector, TUpdateDetector } from "@/lib/detectors/schemas";
import { jobIds } from "@/lib/queue/contract";
import type { QueueBackend } from "@/lib/queue/connection";
import { enqueue } from "@/lib/queue/enqueue";
import { AppError } from "@/lib/server/api/errors";
import { writeAudit } from "@/lib/server/audit";
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

export const detectorSelect = {
  id: true,
  name: true,
  algorithm: true,
  params: true,
  threshold: true,
  mode: true,
  trainingWindowHours: true,
  enabled: true,
  retrainCron: true,
  createdAt: true,
  updatedAt: true,
  series: { select: { series: { select: { id: true, metric: true, labels: true, source: { select: { id: true, name: true } } } } } },
} satisfies Prisma.DetectorSelect;

export type DetectorDetail = Prisma.DetectorGetPayload<{ select: typeof detectorSelect }>;

export async function getDetector(id: string) {
  const d = await getPrisma().detector.findUnique({ where: { id }, select: detectorSelect });
  if (!d) throw new AppError("not_found", `No detector ${id}`);
  return d;
}

async function assertNameFree(tx: Prisma.TransactionClient, name: string, exceptId?: string) {
  const other = await tx.detector.findUnique({ where: { name }, select: { id: true } });
  if (other && other.id !== exceptId) throw new AppError("conflict", `A detector named ${name} already exists`, [{ path: "name", message: "Name already taken" }]);
}

async function assertSeriesExist(tx: Prisma.TransactionClient, seriesIds: string[]) {
  const found = await tx.series.findMany({ where: { id: { in: seriesIds } }, select: { id: true } });
  const missing = seriesIds.filter((s) => !found.some((f) => f.id === s));
  if (missing.length) throw new AppError("unprocessable", `Unknown series: ${missing.join(", ")}`, [{ path: "seriesIds", message: `Unknown series: ${missing.join(", ")}` }]);
}

export async function createDetector(input: TCreateDetector, userId: string | null) {
  const params = parseDetectorParams(input.algorithm, input.params);
  const threshold = input.threshold ?? getDefinition(input.algorithm).defaultThreshold ?? 0.5;
  const seriesIds = [...new Set(input.seriesIds)];
  return getPrisma().$transaction(async (tx) => {
    await assertNameFree(tx, input.name);
    await assertSeriesExist(tx, seriesIds);
    const d = await tx.detector.create({
      data: {
        name: input.name,
        algorithm: input.algorithm,
        params: params as Prisma.InputJsonObject,
        threshold,
        mode: input.mode,
        trainingWindowHours: input.trainingWindowHours,
        enabled: input.enabled,
        retrainCron: input.retrainCron,
        series: { create: seriesIds.map((seriesId) => ({ seriesId })) },
      },
      select: detectorSelect,
    });
    const details = { name: d.name, algorithm: d.algorithm, params, threshold, mode: d.mode, enabled: d.enabled, retrainCron: d.retrainCron, seriesIds };
    await writeAudit({ userId, action: "create", entity: "detector", entityId: d.id, details: details as Prisma.InputJsonObject }, tx);
    return d;
  });
}

/**
 * A changed algorithm, params or threshold makes the pipeline start the checkpoint afresh from the
 * current watermark (history is not re-scored: `restartsCheckpoint` tells the UI to offer a backfill).
 */
export function updateDetector(id: string, input: TUpdateDetector, userId: string | null) {
  return getPrisma().$transaction(async (tx) => {
    const current = await tx.detector.findUnique({ where: { id }, select: { algorithm: true, params: true, threshold: true, series: { select: { seriesId: true } } } });
    if (!current) throw new AppError("not_found", `No detector ${id}`);
    if (input.name) await assertNameFree(tx, input.name, id);
    const algorithm = input.algorithm ?? current.algorithm;
    const params = input.params !== undefined || input.algorithm !== undefined ? parseDetectorParams(algorithm, input.params ?? {}) : undefined;

    let attached: string[] = [];
    let detached: string[] = [];
    if (input.seriesIds) {
      const want = [...new Set(input.seriesIds)];
      const have = current.series.map((s) => s.seriesId);
      attached = want.filter((s) => !have.includes(s));
      detached = have.filter((s) => !want.includes(s));
      await assertSeriesExist(tx, attached);
      if (detached.length) await tx.detectorSeries.deleteMany({ where: { detectorId: id, seriesId: { in: detached } } });
      if (attached.length) await tx.detectorSeries.createMany({ data: attached.map((seriesId) => ({ detectorId: id, seriesId })) });
    }
    const d = await tx.detector.update({
      where: { id },
      data: {
        name: input.name,
        algorithm: input.algorithm,
        params: params as Prisma.InputJsonObject | undefined,
        threshold: input.threshold,
        mode: input.mode,
        trainingWindowHours: input.trainingWindowHours,
        enabled: input.enabled,
        retrainCron: input.retrainCron,
      },
      select: detectorSelect,
    });
    const restartsCheckpoint =
      d.algorithm !== current.algorithm || d.threshold !== current.threshold || JSON.stringify(d.params) !== JSON.stringify(current.params);
    const { seriesIds: _s, ...changed } = input;
    const details = { ...changed, ...(params ? { params } : {}), attached, detached, restartsCheckpoint };
    await writeAudit({ userId, action: "update", entity: "detector", entityId: id, details: details as Prisma.InputJsonObject }, tx);
    return { detector: d, restartsCheckpoint };
  });
}

export function deleteDetector(id: string, userId: string | null) {
  return getPrisma().$transaction(async (tx) => {
    const current = await tx.detector.findUnique({ where: { id }, select: { name: true, algorithm: true } });
    if (!current) throw new AppError("not_found", `No detector ${id}`);
    // States, models, attachments and anomalies go with it (ON DELETE CASCADE).
    await tx.detector.delete({ where: { id } });
    await writeAudit({ userId, action: "delete", entity: "detector", entityId: id, details: current }, tx);
  });
}

/** `backfill.run` per attached series (or the one given); the request is audited. */
export async function requestBackfill(backend: QueueBackend, id: string, input: TBackfill, userId: string | null) {
  const d = await getDetector(id);
  const attached = d.series.map((s) => s.series.id);
  if (input.seriesId && !attached.includes(input.seriesId)) {
    throw new AppError("unprocessable", "That series is not attached to this detector", [{ path: "seriesId", message: "Not attached to this detector" }]);
  }
  const seriesIds = input.seriesId ? [input.seriesId] : attached;
  const from = new Date(input.from).toISOString();
  const to = new Date(input.to).toISOString();
  await writeAudit({ userId, action: "backfill", entity: "detector", entityId: id, details: { seriesIds, from, to } });
  const jobs = await Promise.all(seriesIds.map((seriesId) => enqueue(backend, "backfill.run", { detectorId: id, seriesId, from, to })));
  return { jobs: jobs.length, seriesIds };
}

export async function requestTraining(backend: QueueBackend, id: string, userId: string | null) {
  const d = await getDetector(id);
  if (!getDefinition(d.algorithm).needsTraining) {
    throw new AppError("unprocessable", `${d.algorithm} needs no training`, [{ path: "algorithm", message: "This algorithm needs no training" }]);
  }
  await writeAudit({ userId, action: "train", entity: "detector", entityId: id, details: { seriesIds: d.series.map((s) => s.series.id) } });
  await enqueue(backend, "train.run", { detectorId: id }, { deduplication: { id: jobIds.train(id) } });
  return { jobs: 1 };
}

/** The newest anomalies of one detector, for its page. */
export function listRecentDetectorAnomalies(detectorId: string, take = 20) {
  return getPrisma().anomaly.findMany({
    where: { detectorId },
    orderBy: { startTs: "desc" },
    take,
    select: { id: true, startTs: true, endTs: true, peakScore: true, severity: true, status: true, actual: true, expected: true, series: { select: { metric: true } } },
  });
}

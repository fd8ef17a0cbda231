/** Named queries for detectors. Every change writes its audit row in the same transaction. */
import { Prisma } from "@/lib/generated/prisma/client";
import { getDefinition } from "@/lib/detection";
import { parseDetectorParams } from "@/lib/detectors/params";
import type { TBackfill, TCreateDetector, TDetectorListQuery, TUpdateDetector } from "@/lib/detectors/schemas";
import { jobIds } from "@/lib/queue/contract";
import type { QueueBackend } from "@/lib/queue/connection";
import { enqueue } from "@/lib/queue/enqueue";
import { AppError } from "@/lib/server/api/errors";
import { valuesBefore, writeAudit } from "@/lib/server/audit";
import { getPrisma } from "@/lib/server/db";
import { BEFORE_FIRST_POINT } from "@/lib/server/queries/redetect";
import { enqueueDetect, findDetectPairs } from "@/lib/pipeline/schedule";
import { needsTraining } from "@/lib/detection/training";
import { readGrouping, type Grouping } from "@/lib/detectors/grouping";
import { syncGroups } from "@/lib/server/queries/subjects";

const listSelect = {
  id: true,
  name: true,
  algorithm: true,
  threshold: true,
  mode: true,
  enabled: true,
  _count: { select: { series: true, anomalies: true } },
} satisfies Prisma.DetectorSelect;

/** Every detector in name order (the pages and filters that show them all). */
export function listDetectors() {
  return getPrisma().detector.findMany({ orderBy: { name: "asc" }, select: listSelect });
}

/** One keyset page of detectors in name order (names are unique), for GET /api/v1/detectors; `total` only when asked for. */
export async function listDetectorPage(query: TDetectorListQuery) {
  const prisma = getPrisma();
  const [rows, total] = await Promise.all([
    prisma.detector.findMany({
      where: query.cursor === undefined ? {} : { name: { gt: query.cursor } },
      orderBy: { name: "asc" },
      take: query.limit + 1,
      select: listSelect,
    }),
    query.count ? prisma.detector.count() : undefined,
  ]);
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > query.limit && last ? Buffer.from(last.name, "utf8").toString("base64url") : null,
    ...(total === undefined ? {} : { total }),
  };
}

export interface DetectorSeriesStatus {
  seriesId: string;
  metric: string;
  labels: Record<string, string>;
  watermark: Date | null;
  latest: Date | null;
  /** Stored points the detector has not scored yet (late points below the watermark excluded). */
  pending: number;
  modelId: string | null;
}

/** Per attached series (the first `limit` by metric): how far detection has got. For the detector page. */
export async function listDetectorSeriesStatus(detectorId: string, limit = 200): Promise<DetectorSeriesStatus[]> {
  const rows = await getPrisma().$queryRaw<(Omit<DetectorSeriesStatus, "pending"> & { pending: bigint })[]>`
    SELECT ds."seriesId", s.metric, s.labels, st.watermark, m.latest, st."modelId",
      (SELECT count(*) FROM "DataPoint" p
        WHERE p."seriesKey" = s.key AND p.ts > coalesce(st.watermark, '-infinity'::timestamptz)) AS pending
    FROM "DetectorSeries" ds
    JOIN "Series" s ON s.id = ds."seriesId"
    CROSS JOIN LATERAL (SELECT max(p.ts) AS latest FROM "DataPoint" p WHERE p."seriesKey" = s.key) m
    LEFT JOIN "DetectorState" st ON st."detectorId" = ds."detectorId" AND st."subjectId" = ds."seriesId"
    WHERE ds."detectorId" = ${detectorId}
    ORDER BY s.metric, s."labelsKey"
    LIMIT ${limit}`;
  return rows.map((r) => ({ ...r, pending: Number(r.pending) }));
}

export const detectorSelect = {
  id: true,
  name: true,
  algorithm: true,
  params: true,
  threshold: true,
  grouping: true,
  mode: true,
  trainingWindowHours: true,
  enabled: true,
  retrainCron: true,
  createdAt: true,
  updatedAt: true,
  sources: { select: { source: { select: { id: true, name: true } } }, orderBy: { source: { name: "asc" } } },
  _count: { select: { series: true } },
} satisfies Prisma.DetectorSelect;

const seriesSelect = { id: true, metric: true, labels: true, source: { select: { id: true, name: true } } } satisfies Prisma.SeriesSelect;

/** Individually attached series are capped by the API (500); watched sources may bring any number more. */
const MAX_INDIVIDUAL_SERIES = 500;

/**
 * The detector with its watched sources, the total of attached series (`_count.series`) and the
 * series attached one by one (outside the watched sources): what the form edits.
 */
async function loadDetector(db: Prisma.TransactionClient, id: string) {
  const d = await db.detector.findUnique({ where: { id }, select: detectorSelect });
  if (!d) throw new AppError("not_found", `No detector ${id}`);
  const watched = d.sources.map((s) => s.source.id);
  const series = await db.detectorSeries.findMany({
    where: { detectorId: id, series: { sourceId: { notIn: watched } } },
    orderBy: { series: { metric: "asc" } },
    take: MAX_INDIVIDUAL_SERIES,
    select: { series: { select: seriesSelect } },
  });
  return { ...d, series };
}

export type DetectorDetail = Awaited<ReturnType<typeof loadDetector>>;

export function getDetector(id: string) {
  return loadDetector(getPrisma(), id);
}

/** Every attached series (individually or through a watched source), in key order. */
export async function listAttachedSeriesIds(detectorId: string): Promise<string[]> {
  const rows = await getPrisma().detectorSeries.findMany({ where: { detectorId }, orderBy: { seriesId: "asc" }, select: { seriesId: true } });
  return rows.map((r) => r.seriesId);
}

async function assertSourcesExist(tx: Prisma.TransactionClient, sourceIds: string[]) {
  const found = new Set((await tx.dataSource.findMany({ where: { id: { in: sourceIds } }, select: { id: true } })).map((s) => s.id));
  const missing = sourceIds.filter((s) => !found.has(s));
  if (missing.length) throw new AppError("unprocessable", `Unknown sources: ${missing.join(", ")}`, [{ path: "sourceIds", message: `Unknown sources: ${missing.join(", ")}` }]);
}

/** Watching or unwatching a source of 100k+ series attaches or detaches them all in the edit's transaction (seconds). */
const WATCH_TX = { timeout: 120_000 };

/** Starts watching `sourceIds`: the rule rows, and every series they have now attached (later ones: ingest). */
export async function watchSources(tx: Prisma.TransactionClient, detectorId: string, sourceIds: string[]) {
  if (sourceIds.length === 0) return;
  await tx.detectorSource.createMany({ data: sourceIds.map((sourceId) => ({ detectorId, sourceId })), skipDuplicates: true });
  await tx.$executeRaw`
    INSERT INTO "DetectorSeries" ("detectorId", "seriesId")
    SELECT ${detectorId}, s.id FROM "Series" s WHERE s."sourceId" = ANY(${sourceIds}::text[])
    ORDER BY s.id
    ON CONFLICT DO NOTHING`;
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

/** Only a multivariate algorithm scores a group: a 400 naming `grouping` otherwise. */
export function assertGroupable(algorithm: string, grouping: Grouping | null | undefined) {
  if (grouping && getDefinition(algorithm).input === "univariate") {
    throw new AppError("bad_request", `${algorithm} scores one series at a time and cannot score a group`, [
      { path: "grouping", message: `${algorithm} is univariate: choose a multivariate algorithm (input "multivariate" or "both") or no grouping` },
    ]);
  }
}

export async function createDetector(input: TCreateDetector, userId: string | null) {
  const params = parseDetectorParams(input.algorithm, input.params);
  assertGroupable(input.algorithm, input.grouping);
  const threshold = input.threshold ?? getDefinition(input.algorithm).defaultThreshold ?? 0.5;
  // An explicit group's series are attached with it.
  const seriesIds = [...new Set([...input.seriesIds, ...(input.grouping?.seriesIds ?? [])])];
  const sourceIds = [...new Set(input.sourceIds)];
  return getPrisma().$transaction(async (tx) => {
    await assertNameFree(tx, input.name);
    await assertSeriesExist(tx, seriesIds);
    await assertSourcesExist(tx, sourceIds);
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
        grouping: input.grouping ?? Prisma.DbNull,
        series: { create: seriesIds.map((seriesId) => ({ seriesId })) },
      },
      select: { id: true, name: true, algorithm: true, mode: true, enabled: true, retrainCron: true },
    });
    await watchSources(tx, d.id, sourceIds);
    const details = { name: d.name, algorithm: d.algorithm, params, threshold, mode: d.mode, enabled: d.enabled, retrainCron: d.retrainCron, seriesIds, sourceIds, grouping: input.grouping };
    await writeAudit({ userId, action: "create", entity: "detector", entityId: d.id, details: details as Prisma.InputJsonObject }, tx);
    return loadDetector(tx, d.id);
  }, WATCH_TX).then(async (d) => {
    if (input.grouping) await syncGroups(d.id);
    return d;
  });
}

/**
 * What an edit does to detection (`effect`, also in the audit row):
 * - `reset`: a changed algorithm or params alters the model; the pipeline starts the checkpoint
 *   afresh from the current watermark (its snapshots are dropped; `restartsCheckpoint` tells the UI
 *   to offer a backfill over history);
 * - `redetect`: a changed threshold keeps the model and its state; every attached series is
 *   re-detected from its first point (a rewind, lib/server/queries/redetect.ts), so incidents are
 *   re-derived with the new threshold, keeping their identity, triage and labels;
 * - `none`: nothing about scoring changed.
 */
export function updateDetector(id: string, input: TUpdateDetector, userId: string | null) {
  return getPrisma().$transaction(async (tx) => {
    const current = await tx.detector.findUnique({ where: { id }, select: { algorithm: true, params: true, threshold: true, name: true, mode: true, trainingWindowHours: true, enabled: true, retrainCron: true, grouping: true, sources: { select: { sourceId: true } } } });
    if (!current) throw new AppError("not_found", `No detector ${id}`);
    if (input.name) await assertNameFree(tx, input.name, id);
    const algorithm = input.algorithm ?? current.algorithm;
    assertGroupable(algorithm, input.grouping !== undefined ? input.grouping : readGrouping(current.grouping));
    if (input.grouping?.seriesIds && input.seriesIds) input = { ...input, seriesIds: [...new Set([...input.seriesIds, ...input.grouping.seriesIds])] };
    const params = input.params !== undefined || input.algorithm !== undefined ? parseDetectorParams(algorithm, input.params ?? {}) : undefined;

    // Watched sources first: the individually attached series are the ones outside them.
    const watchedBefore = current.sources.map((s) => s.sourceId);
    const watched = input.sourceIds ? [...new Set(input.sourceIds)] : watchedBefore;
    const unwatched = watchedBefore.filter((s) => !watched.includes(s));
    const newlyWatched = watched.filter((s) => !watchedBefore.includes(s));
    const keep = new Set(input.seriesIds ?? []);
    if (input.sourceIds) {
      await assertSourcesExist(tx, newlyWatched);
      if (unwatched.length) {
        await tx.detectorSource.deleteMany({ where: { detectorId: id, sourceId: { in: unwatched } } });
        // Their series go too, unless the same edit lists them one by one.
        await tx.detectorSeries.deleteMany({ where: { detectorId: id, series: { sourceId: { in: unwatched } }, seriesId: { notIn: [...keep] } } });
      }
      await watchSources(tx, id, newlyWatched);
    }

    let attached: string[] = [];
    let detached: string[] = [];
    if (input.seriesIds) {
      const want = [...keep];
      const individual = await tx.detectorSeries.findMany({ where: { detectorId: id, series: { sourceId: { notIn: watched } } }, select: { seriesId: true } });
      const have = new Set(individual.map((s) => s.seriesId));
      attached = want.filter((s) => !have.has(s));
      detached = [...have].filter((s) => !keep.has(s));
      await assertSeriesExist(tx, attached);
      if (detached.length) await tx.detectorSeries.deleteMany({ where: { detectorId: id, seriesId: { in: detached } } });
      if (attached.length) await tx.detectorSeries.createMany({ data: attached.map((seriesId) => ({ detectorId: id, seriesId })), skipDuplicates: true });
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
        grouping: input.grouping === undefined ? undefined : (input.grouping ?? Prisma.DbNull),
      },
      select: { algorithm: true, threshold: true, params: true, grouping: true },
    });
    // New grouping, new subjects: the old ones' positions, snapshots and requests go (incidents stay).
    const regrouped = JSON.stringify(d.grouping) !== JSON.stringify(current.grouping);
    if (regrouped) {
      await tx.seriesGroup.deleteMany({ where: { detectorId: id } });
      await tx.detectorState.deleteMany({ where: { detectorId: id } });
      await tx.redetectRequest.deleteMany({ where: { detectorId: id } });
    }
    const restartsCheckpoint = regrouped || d.algorithm !== current.algorithm || JSON.stringify(d.params) !== JSON.stringify(current.params);
    const effect = restartsCheckpoint ? "reset" : d.threshold !== current.threshold ? "redetect" : "none";
    if (effect === "reset") await tx.detectorSnapshot.deleteMany({ where: { detectorId: id } });
    if (effect === "redetect") await requestDetectorRedetect(tx, id, BEFORE_FIRST_POINT);
    const { seriesIds: _s, sourceIds: _w, ...changed } = input;
    const sources = input.sourceIds ? { watched: newlyWatched, unwatched } : {};
    const { sources: _ws, ...previous } = current;
    const details = { ...changed, ...(params ? { params } : {}), attached, detached, ...sources, restartsCheckpoint, effect, before: valuesBefore(previous, changed) };
    await writeAudit({ userId, action: "update", entity: "detector", entityId: id, details: details as Prisma.InputJsonObject }, tx);
    return { ...(await loadDetector(tx, id)), restartsCheckpoint, effect, regrouped };
  }, WATCH_TX).then(async ({ regrouped, ...r }) => {
    if (regrouped) await syncGroups(id);
    return r;
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

/**
 * Re-detection from `from` of every subject of a detector that has been scored (or the one the
 * given series is scored in): RedetectRequests in one statement; the next detect run of each pair rewinds and re-scores.
 */
export async function requestDetectorRedetect(tx: Prisma.TransactionClient, detectorId: string, from: Date, seriesId?: string): Promise<number> {
  return tx.$executeRaw`
    INSERT INTO "RedetectRequest" ("detectorId", "subjectId", "fromTs", "updatedAt")
    SELECT st."detectorId", st."subjectId", ${from}, now() FROM "DetectorState" st
    WHERE st."detectorId" = ${detectorId} AND st.watermark IS NOT NULL
      AND (${seriesId ?? null}::text IS NULL OR st."subjectId" = ${seriesId ?? null}
        OR st."subjectId" = (SELECT m."groupId" FROM "SeriesGroupMember" m WHERE m."detectorId" = ${detectorId} AND m."seriesId" = ${seriesId ?? null}))
    ORDER BY st."subjectId"
    ON CONFLICT ("detectorId", "subjectId") DO UPDATE SET "fromTs" = LEAST("RedetectRequest"."fromTs", EXCLUDED."fromTs"), "updatedAt" = now()`;
}

/**
 * A backfill from `from` of every attached series (or the one given): re-detection requests in the
 * same transaction as the audit row, then one doorbell per shard. `to` is recorded; re-detection
 * runs to the newest point (lib/pipeline/backfill-run.ts).
 */
export async function requestBackfill(backend: QueueBackend, id: string, input: TBackfill, userId: string | null) {
  const attached = await listAttachedSeriesIds(id);
  if (attached.length === 0 && !(await getPrisma().detector.findUnique({ where: { id }, select: { id: true } }))) throw new AppError("not_found", `No detector ${id}`);
  if (input.seriesId && !attached.includes(input.seriesId)) {
    throw new AppError("unprocessable", "That series is not attached to this detector", [{ path: "seriesId", message: "Not attached to this detector" }]);
  }
  const seriesIds = input.seriesId ? [input.seriesId] : attached;
  const from = new Date(input.from).toISOString();
  const to = new Date(input.to).toISOString();
  await getPrisma().$transaction(async (tx) => {
    await requestDetectorRedetect(tx, id, new Date(from), input.seriesId);
    await writeAudit({ userId, action: "backfill", entity: "detector", entityId: id, details: { seriesIds, from, to } }, tx);
  });
  const jobs = await enqueueDetect(backend, (await findDetectPairs(seriesIds)).filter((p) => p.detectorId === id));
  return { jobs, seriesIds };
}

export async function requestTraining(backend: QueueBackend, id: string, userId: string | null) {
  const d = await getDetector(id);
  if (!needsTraining(d.algorithm, d.params)) {
    throw new AppError("unprocessable", `${d.algorithm} needs no training`, [{ path: "algorithm", message: "This algorithm needs no training" }]);
  }
  await writeAudit({ userId, action: "train", entity: "detector", entityId: id, details: { series: d._count.series } });
  await enqueue(backend, "train.run", { detectorId: id }, { deduplication: { id: jobIds.train(id) } });
  return { jobs: 1 };
}

/** The newest anomalies of one detector, for its page. */
export function listRecentDetectorAnomalies(detectorId: string, take = 20) {
  return getPrisma().anomaly.findMany({
    // Incidents re-detection merged away or no longer finds keep their rows (and labels) but are not shown as recent.
    where: { detectorId, detection: "ACTIVE" },
    orderBy: { startTs: "desc" },
    take,
    select: { id: true, seriesId: true, startTs: true, endTs: true, peakScore: true, severity: true, status: true, actual: true, expected: true, series: { select: { id: true, metric: true, labels: true } } },
  });
}

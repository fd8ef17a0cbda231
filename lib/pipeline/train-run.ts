/**
 * One `train.run` for detectors whose definition `needsTraining` (isolation forest, LOF, k-means,
 * autoencoder): per subject (attached series, or group of a grouped detector), train a fresh detector on the training window ending at the
 * pair's watermark (the newest point when never scored), store it as the active ModelVersion, and
 * install it as the pair's checkpoint and first snapshot at the window's end, so the new model
 * scores every point after its training window and a rewind never goes past it. Until a model
 * exists such detectors report "warmup" and flag nothing.
 */
import { detectorDefinitions } from "@/lib/detection";
import type { Prisma } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";
import { getPgPool } from "@/lib/server/pg-pool";
import { ensureDetectorState, lockDetectorState, saveDetectorState } from "@/lib/server/queries/detector-state";
import { readStepsBefore, type Subject } from "@/lib/server/queries/subject-points";
import { readGrouping } from "@/lib/detectors/grouping";
import { syncGroups } from "@/lib/server/queries/subjects";
import { createScorer } from "@/lib/pipeline/scoring";
import { saveSnapshot } from "@/lib/server/queries/redetect";
import { DETECT_SHARDS, shardDigit, shardOf } from "@/lib/pipeline/shard";

export const DEFAULT_TRAINING_HOURS = 7 * 24;
export const MAX_TRAINING_POINTS = 50_000;

/**
 * Whether a detector is trained (by `train.run`, on demand or on its retrain cron): its algorithm
 * is, or, for an ensemble, any of its members is (at any depth). Unknown kinds are not.
 */
export function needsTraining(algorithm: string, params?: unknown): boolean {
  if (!Object.hasOwn(detectorDefinitions, algorithm)) return false;
  if (detectorDefinitions[algorithm].needsTraining) return true;
  const members = (params as { members?: unknown } | null | undefined)?.members;
  return Array.isArray(members) && members.some((m: { kind?: unknown; params?: unknown }) => typeof m?.kind === "string" && needsTraining(m.kind, m.params));
}

export interface TrainPayload {
  detectorId: string;
  /** One subject only (a series id, or a group id for a grouped detector). */
  seriesId?: string;
  /** One of the 16 subject shards (lib/pipeline/shard.ts): the unit a worker trains. */
  shard?: number;
}

type TrainResult =
  | { status: "skipped" | "not-needed" | "busy"; trained: never[] }
  | { status: "done"; trained: { seriesId: string; modelId: string; points: number }[] };

/**
 * Trains the series of one shard, of the one series given, or (called directly, as tests and
 * scripts do) of every shard in turn; the worker's handler instead fans a whole-detector request
 * out into one job per shard, so a large source trains in parallel across workers.
 * At most one training of a (detector, shard) at a time, across workers: BullMQ adds a scheduler's
 * next job when the previous one starts, so a run longer than its cron interval would otherwise
 * stack up. A session advisory lock on a dedicated connection; a run that finds it taken is
 * `busy`. A series whose active model already ends where this training window would is skipped:
 * a repeated or doubled job trains nothing twice.
 */
export async function runTraining(payload: TrainPayload): Promise<TrainResult> {
  const shards = payload.seriesId ? [shardOf(payload.seriesId)] : payload.shard !== undefined ? [payload.shard] : Array.from({ length: DETECT_SHARDS }, (_, i) => i);
  const trained: { seriesId: string; modelId: string; points: number }[] = [];
  let busy = false;
  for (const shard of shards) {
    const r = await withTrainLock(`train:${payload.detectorId}:${shard}`, () => trainDetector(payload.detectorId, shard, payload.seriesId));
    if (r === "busy") busy = true;
    else if (r.status !== "done") return r;
    else trained.push(...r.trained);
  }
  if (busy && trained.length === 0) return { status: "busy", trained: [] };
  return { status: "done", trained };
}

async function withTrainLock<T>(name: string, fn: () => Promise<T>): Promise<T | "busy"> {
  const client = await getPgPool().connect();
  let broken: Error | undefined;
  try {
    const { rows } = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtext($1)) AS ok`, [name]);
    if (!rows[0].ok) return "busy";
    try {
      return await fn();
    } finally {
      await client.query(`SELECT pg_advisory_unlock(hashtext($1))`, [name]).catch((err: Error) => (broken = err));
    }
  } finally {
    client.release(broken);
  }
}

async function trainDetector(detectorId: string, shard: number, seriesId?: string): Promise<TrainResult> {
  const prisma = getPrisma();
  const detector = await prisma.detector.findUnique({ where: { id: detectorId } });
  if (!detector || !detector.enabled) return { status: "skipped", trained: [] };
  if (!needsTraining(detector.algorithm, detector.params)) return { status: "not-needed", trained: [] };
  const grouping = readGrouping(detector.grouping);
  if (grouping) await syncGroups(detectorId);
  const subjects: Subject[] = grouping
    ? (
        await prisma.$queryRaw<{ id: string; members: string[] }[]>`
          SELECT g.id, array_agg(m."seriesId" ORDER BY m.position) AS members
          FROM "SeriesGroup" g JOIN "SeriesGroupMember" m ON m."groupId" = g.id
          WHERE g."detectorId" = ${detectorId} AND substr(md5(g.id), 1, 1) = ${shardDigit(shard)}
            AND (${seriesId ?? null}::text IS NULL OR g.id = ${seriesId ?? null})
          GROUP BY g.id ORDER BY g.id`
      ).map((g) => ({ id: g.id, groupId: g.id, members: g.members, grouping }))
    : (
        await prisma.$queryRaw<{ seriesId: string }[]>`
          SELECT ds."seriesId" FROM "DetectorSeries" ds
          WHERE ds."detectorId" = ${detectorId} AND substr(md5(ds."seriesId"), 1, 1) = ${shardDigit(shard)}
            AND (${seriesId ?? null}::text IS NULL OR ds."seriesId" = ${seriesId ?? null})
          ORDER BY ds."seriesId"`
      ).map((r) => ({ id: r.seriesId, groupId: null, members: [r.seriesId], grouping: null }));

  const trained: { seriesId: string; modelId: string; points: number }[] = [];
  for (const subject of subjects) {
    const sid = subject.id;
    // The window ends at the pair's watermark (or the newest point on a pair never scored), so the
    // model continues the stream exactly where scoring stands: nothing between is skipped.
    const cp = await ensureDetectorState(detectorId, sid);
    // A group never scored trains up to its newest closed step (`readStepsBefore` aligns to steps).
    const latest = cp.watermark ?? (await prisma.dataPoint.findFirst({ where: { seriesId: { in: subject.members } }, orderBy: { ts: "desc" }, select: { ts: true } }))?.ts;
    if (!latest) continue;
    const to = latest;
    const from = new Date(to.getTime() - (detector.trainingWindowHours ?? DEFAULT_TRAINING_HOURS) * 3600_000);
    const history = (await readStepsBefore(subject, new Date(to.getTime() + 1), MAX_TRAINING_POINTS)).filter((p) => p.ts > from);
    if (history.length === 0) continue;
    // A group's position is the last instant of its last step, a series' its last point.
    const trainedTo = grouping ? new Date(history[history.length - 1].ts.getTime() + grouping.stepSeconds * 1000 - 1) : history[history.length - 1].ts;
    const active = await prisma.modelVersion.findFirst({ where: { detectorId, subjectId: sid, active: true }, select: { trainedTo: true } });
    if (active && active.trainedTo.getTime() === trainedTo.getTime()) continue; // nothing new since the active model
    const scorer = createScorer(detector);
    scorer.detector.train?.(history.map((p) => ({ t: p.ts.getTime(), values: p.values })));

    const modelId = await prisma.$transaction(async (tx: Prisma.TransactionClient) => {
      const locked = await lockDetectorState(tx, detectorId, sid);
      const last = await tx.modelVersion.aggregate({ where: { detectorId, subjectId: sid }, _max: { version: true } });
      await tx.modelVersion.updateMany({ where: { detectorId, subjectId: sid, active: true }, data: { active: false } });
      const saved = scorer.save();
      const model = await tx.modelVersion.create({
        data: {
          detectorId,
          subjectId: sid,
          version: (last._max?.version ?? 0) + 1,
          parameters: saved.detector as Prisma.InputJsonValue,
          metrics: { points: history.length },
          trainedFrom: history[0].ts,
          trainedTo,
          active: true,
        },
      });
      // Scoring restarts at the end of the training window; what the old model scored after it
      // (runs that committed while this one trained) is re-scored, its incidents re-derived.
      const scoredTo = locked?.watermark ?? null;
      await saveDetectorState(tx, detectorId, sid, trainedTo, { modelId: model.id, redetectUntil: scoredTo && scoredTo > trainedTo ? scoredTo : null });
      await saveSnapshot(tx, detectorId, sid, trainedTo, JSON.stringify(saved), model.id);
      // The old model's open incident ends with it.
      await tx.anomaly.updateMany({ where: { detectorId, subjectId: sid, ongoing: true, endTs: { lte: trainedTo } }, data: { ongoing: false } });
      return model.id;
    });
    trained.push({ seriesId: sid, modelId, points: history.length });
  }
  return { status: "done", trained };
}

/**
 * One `train.run` for detectors whose definition `needsTraining` (isolation forest, LOF, k-means,
 * autoencoder): per subject (attached series, or group of a grouped detector), train a fresh detector on the training window ending at the
 * pair's watermark (the newest point when never scored), store it as the active ModelVersion, and
 * install it as the pair's checkpoint and first snapshot at the window's end, so the new model
 * scores every point after its training window and a rewind never goes past it. Until a model
 * exists such detectors report "warmup" and flag nothing.
 */
import { MAX_TRAINING_POINTS, needsTraining, trainingWindow } from "@/lib/detection/training";
import type { Prisma } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";
import { getPgPool } from "@/lib/server/pg-pool";
import { ensureDetectorState, lockDetectorState, saveDetectorState } from "@/lib/server/queries/detector-state";
import { readStepsBefore, type Subject } from "@/lib/server/queries/subject-points";
import { readGrouping } from "@/lib/detectors/grouping";
import { syncGroups } from "@/lib/server/queries/subjects";
import { configKey, createScorer, type SavedState } from "@/lib/pipeline/scoring";
import { leaveOutSpans } from "@/lib/feedback/training-window";
import { loadTruth } from "@/lib/server/queries/evaluation";
import { saveSnapshot } from "@/lib/server/queries/redetect";
import { DETECT_SHARDS, shardDigit, shardOf } from "@/lib/pipeline/shard";

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
    const latest = cp.watermark ?? (await prisma.dataPoint.findFirst({ where: { series: { id: { in: subject.members } } }, orderBy: { ts: "desc" }, select: { ts: true } }))?.ts;
    if (!latest) continue;
    // The worker's training window (lib/detection/training.ts), less labelled anomalies below.
    const steps = await readStepsBefore(subject, new Date(latest.getTime() + 1), MAX_TRAINING_POINTS);
    const window = trainingWindow(steps.map((p) => ({ ...p, t: p.ts.getTime() })), detector.trainingWindowHours);
    if (window.length === 0) continue;
    // A group's position is the last instant of its last step, a series' its last point.
    const lastTs = window[window.length - 1].ts;
    const trainedTo = grouping ? new Date(lastTs.getTime() + grouping.stepSeconds * 1000 - 1) : lastTs;
    const active = await prisma.modelVersion.findFirst({ where: { detectorId, subjectId: sid, active: true }, select: { trainedTo: true } });
    if (active && active.trainedTo.getTime() === trainedTo.getTime()) continue; // nothing new since the active model
    const { history, excluded } = await selectTrainingPoints(detectorId, subject.members, window);
    if (history.length === 0) continue;
    const scorer = createScorer(detector);
    scorer.detector.train?.(history.map((p) => ({ t: p.t, values: p.values })));

    const modelId = await prisma.$transaction(async (tx: Prisma.TransactionClient) => {
      const last = await tx.modelVersion.aggregate({ where: { detectorId, subjectId: sid }, _max: { version: true } });
      const saved = scorer.save();
      const model = await tx.modelVersion.create({
        data: {
          detectorId,
          subjectId: sid,
          version: (last._max?.version ?? 0) + 1,
          parameters: saved.detector as Prisma.InputJsonValue,
          // `config`: the configuration it was trained for; a rollback refuses a version that no longer fits.
          metrics: { points: history.length, excludedLabelled: excluded, config: configKey(detector) },
          trainedFrom: window[0].ts,
          trainedTo,
        },
      });
      await installModelVersion(tx, detectorId, sid, { id: model.id, trainedTo }, saved);
      return model.id;
    });
    trained.push({ seriesId: sid, modelId, points: history.length });
  }
  return { status: "done", trained };
}

/**
 * The training window without what analysts labelled as anomalies (true-positive labels and
 * missed spans on the subject's series, lib/feedback), so a model learns normal behaviour. The window's
 * bounds stay those of the points read: `trainedFrom`/`trainedTo` describe the period, not the
 * points kept.
 */
async function selectTrainingPoints<P extends { ts: Date }>(detectorId: string, seriesIds: string[], window: P[]): Promise<{ history: P[]; excluded: number }> {
  const period = { from: window[0].ts.getTime(), to: window[window.length - 1].ts.getTime() };
  const positives = (await loadTruth(detectorId, period, seriesIds)).filter((s) => s.kind === "positive");
  const { kept, excluded } = leaveOutSpans(window, positives);
  return { history: kept, excluded };
}

/**
 * Makes a stored model version the (detector, subject)'s active model, installed as its checkpoint and first
 * snapshot at the end of its training window: scoring restarts there, what was scored after it is
 * re-scored (its incidents re-derived) and the open incident ends. Training installs each new
 * version through here, and a rollback (lib/server/queries/model-versions.ts) an older one.
 */
export async function installModelVersion(tx: Prisma.TransactionClient, detectorId: string, subjectId: string, model: { id: string; trainedTo: Date }, saved: SavedState) {
  const locked = await lockDetectorState(tx, detectorId, subjectId);
  await tx.modelVersion.updateMany({ where: { detectorId, subjectId, active: true, id: { not: model.id } }, data: { active: false } });
  await tx.modelVersion.update({ where: { id: model.id }, data: { active: true } });
  const scoredTo = locked?.watermark ?? null;
  await saveDetectorState(tx, detectorId, subjectId, model.trainedTo, { modelId: model.id, redetectUntil: scoredTo && scoredTo > model.trainedTo ? scoredTo : null });
  await saveSnapshot(tx, detectorId, subjectId, model.trainedTo, JSON.stringify(saved), model.id);
  await tx.anomaly.updateMany({ where: { detectorId, subjectId, ongoing: true, endTs: { lte: model.trainedTo } }, data: { ongoing: false } });
}

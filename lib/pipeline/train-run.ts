/**
 * One `train.run` for detectors whose definition `needsTraining` (isolation forest, LOF, k-means,
 * autoencoder): per attached series, train a fresh detector on the training window ending at the
 * pair's watermark (the newest point when never scored), store it as the active ModelVersion, and
 * install it as the pair's checkpoint and first snapshot at the window's end, so the new model
 * scores every point after its training window and a rewind never goes past it. Until a model
 * exists such detectors report "warmup" and flag nothing.
 */
import { detectorDefinitions } from "@/lib/detection";
import type { Prisma } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";
import { getPgPool } from "@/lib/server/pg-pool";
import { ensureDetectorState, lockDetectorState, readPointsBefore, saveDetectorState } from "@/lib/server/queries/detector-state";
import { createScorer } from "@/lib/pipeline/scoring";
import { saveSnapshot } from "@/lib/server/queries/redetect";

export const DEFAULT_TRAINING_HOURS = 7 * 24;
export const MAX_TRAINING_POINTS = 50_000;

/** Whether detectors of this algorithm are trained (by `train.run`, on demand or on their retrain cron). Unknown kinds are not. */
export function needsTraining(algorithm: string): boolean {
  return Object.hasOwn(detectorDefinitions, algorithm) && detectorDefinitions[algorithm].needsTraining === true;
}

/**
 * At most one training of a detector at a time, across workers: BullMQ adds a scheduler's next job
 * when the previous one starts, so a run longer than its cron interval would otherwise stack up.
 * A session advisory lock on a dedicated connection; a run that finds it taken is skipped.
 */
export async function runTraining(payload: { detectorId: string; seriesId?: string }) {
  const client = await getPgPool().connect();
  let broken: Error | undefined;
  try {
    const { rows } = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtext($1)) AS ok`, [`train:${payload.detectorId}`]);
    if (!rows[0].ok) return { status: "busy" as const, trained: [] };
    try {
      return await trainDetector(payload);
    } finally {
      await client.query(`SELECT pg_advisory_unlock(hashtext($1))`, [`train:${payload.detectorId}`]).catch((err: Error) => (broken = err));
    }
  } finally {
    client.release(broken);
  }
}

async function trainDetector({ detectorId, seriesId }: { detectorId: string; seriesId?: string }) {
  const prisma = getPrisma();
  const detector = await prisma.detector.findUnique({
    where: { id: detectorId },
    include: { series: { where: seriesId ? { seriesId } : {}, select: { seriesId: true } } },
  });
  if (!detector || !detector.enabled) return { status: "skipped" as const, trained: [] };
  if (!needsTraining(detector.algorithm)) return { status: "not-needed" as const, trained: [] };

  const trained: { seriesId: string; modelId: string; points: number }[] = [];
  for (const { seriesId: sid } of detector.series) {
    // The window ends at the pair's watermark (or the newest point on a pair never scored), so the
    // model continues the stream exactly where scoring stands: nothing between is skipped.
    const cp = await ensureDetectorState(detectorId, sid);
    const latest = cp.watermark ?? (await prisma.dataPoint.findFirst({ where: { seriesId: sid }, orderBy: { ts: "desc" }, select: { ts: true } }))?.ts;
    if (!latest) continue;
    const to = latest;
    const from = new Date(to.getTime() - (detector.trainingWindowHours ?? DEFAULT_TRAINING_HOURS) * 3600_000);
    const history = (await readPointsBefore(sid, new Date(to.getTime() + 1), MAX_TRAINING_POINTS)).filter((p) => p.ts > from);
    if (history.length === 0) continue;
    const scorer = createScorer(detector);
    scorer.detector.train?.(history.map((p) => ({ t: p.ts.getTime(), values: [p.value] })));
    const trainedTo = history[history.length - 1].ts;

    const modelId = await prisma.$transaction(async (tx: Prisma.TransactionClient) => {
      const locked = await lockDetectorState(tx, detectorId, sid);
      const last = await tx.modelVersion.aggregate({ where: { detectorId, seriesId: sid }, _max: { version: true } });
      await tx.modelVersion.updateMany({ where: { detectorId, seriesId: sid, active: true }, data: { active: false } });
      const saved = scorer.save();
      const model = await tx.modelVersion.create({
        data: {
          detectorId,
          seriesId: sid,
          version: (last._max.version ?? 0) + 1,
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
      await tx.anomaly.updateMany({ where: { detectorId, seriesId: sid, ongoing: true, endTs: { lte: trainedTo } }, data: { ongoing: false } });
      return model.id;
    });
    trained.push({ seriesId: sid, modelId, points: history.length });
  }
  return { status: "done" as const, trained };
}

/**
 * Keeps one BullMQ job scheduler per enabled detector that needs training and has a retrain cron
 * (stable id `train:<detectorId>`, `pattern: retrainCron` in UTC, job `train.run`) and removes the
 * schedulers of detectors deleted, disabled, cleared or switched to an algorithm without training.
 * Idempotent: the worker runs it at start and every ~30 s, the web process after each detector write.
 */
import type { QueueBackend } from "@/lib/queue/connection";
import { JOBS, jobIds } from "@/lib/queue/contract";
import { getPrisma } from "@/lib/server/db";
import { logger } from "@/lib/logger";
import { needsTraining } from "@/lib/detection/training";
import { RETRAIN_TZ } from "@/lib/detectors/retrain-cron";

export const TRAIN_SYNC_EVERY_MS = 30_000;
const PREFIX = jobIds.trainScheduler("");

/** Enabled detectors with a retrain cron whose algorithm is trained. */
export async function listRetrainSchedules(): Promise<{ id: string; pattern: string }[]> {
  const rows = await getPrisma().detector.findMany({
    where: { enabled: true, retrainCron: { not: null } },
    select: { id: true, algorithm: true, params: true, retrainCron: true },
  });
  return rows.flatMap((d) => (d.retrainCron?.trim() && needsTraining(d.algorithm, d.params) ? [{ id: d.id, pattern: d.retrainCron.trim() }] : []));
}

export async function syncTrainSchedulers(backend: QueueBackend): Promise<{ upserted: number; removed: number; active: number; invalid: number }> {
  const queue = backend.queue(JOBS["train.run"].queue);
  const wanted = new Map((await listRetrainSchedules()).map((d) => [jobIds.trainScheduler(d.id), d]));
  const existing = (await queue.getJobSchedulers(0, -1)).filter((s) => (s.id ?? s.key).startsWith(PREFIX));
  const current = new Map(existing.map((s) => [s.id ?? s.key, `${s.pattern}|${s.tz}`]));
  let upserted = 0;
  let removed = 0;
  let invalid = 0;
  for (const [schedulerId, { id, pattern }] of wanted) {
    // Upsert only what changed, so a schedule's next run is not moved on every sync.
    if (current.get(schedulerId) === `${pattern}|${RETRAIN_TZ}`) continue;
    try {
      await queue.upsertJobScheduler(schedulerId, { pattern, tz: RETRAIN_TZ }, { name: "train.run", data: JOBS["train.run"].payload.parse({ detectorId: id }) });
      upserted++;
    } catch (err) {
      // A pattern stored past the API's validation must not stop the others, nor leave its old schedule running.
      logger.warn({ err, detectorId: id, pattern }, "retrain cron not schedulable; detector left unscheduled");
      if (current.has(schedulerId) && (await queue.removeJobScheduler(schedulerId))) removed++;
      invalid++;
    }
  }
  for (const schedulerId of current.keys()) {
    if (wanted.has(schedulerId)) continue;
    await queue.removeJobScheduler(schedulerId);
    removed++;
  }
  return { upserted, removed, active: wanted.size - invalid, invalid };
}

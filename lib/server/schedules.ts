/**
 * After a route commits a source or detector change, bring its job schedulers in line at once
 * instead of at the worker's next ~30 s sync. Best effort: the write is committed either way, so a
 * queue that is down or slow only logs a warning and the worker's periodic sync catches up. (BullMQ waits
 * for a lost Redis to come back rather than failing, hence the time limit.)
 */
import "server-only";
import { logger } from "@/lib/logger";
import type { QueueBackend } from "@/lib/queue/connection";
import { syncPollSchedulers } from "@/lib/connectors/poll-schedule";
import { syncTrainSchedulers } from "@/lib/pipeline/train-schedule";
import { enqueueDetectorShards } from "@/lib/pipeline/schedule";
import { getQueueBackend } from "@/lib/server/queue";

const SYNCS = { poll: syncPollSchedulers, train: syncTrainSchedulers } satisfies Record<string, (b: QueueBackend) => Promise<unknown>>;
export type ScheduleKind = keyof typeof SYNCS;

/** The request waits at most this long; a sync still running then finishes in the background. */
export const SYNC_AFTER_WRITE_TIMEOUT_MS = 2_000;

/** Waits for `work` at most `timeoutMs`; a failure or a timeout only logs `warning` (the work goes on in the background). */
async function bestEffort(work: Promise<unknown>, timeoutMs: number, context: object, warning: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([work, timeout]);
  } catch (err) {
    logger.warn({ err, ...context }, warning);
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined);
  }
}

export function syncSchedulesAfterWrite(kind: ScheduleKind, timeoutMs = SYNC_AFTER_WRITE_TIMEOUT_MS): Promise<void> {
  const sync = getQueueBackend().then((backend) => SYNCS[kind](backend));
  return bestEffort(sync, timeoutMs, { kind }, "schedule sync after a write failed; the worker's periodic sync will catch up");
}

/**
 * Rings every shard of a detector after a committed change left RedetectRequests. Best effort,
 * like the syncs: the reconciler finds pending requests within 30 s anyway.
 */
export function ringDetectorAfterWrite(detectorId: string, timeoutMs = SYNC_AFTER_WRITE_TIMEOUT_MS): Promise<void> {
  const ring = getQueueBackend().then((backend) => enqueueDetectorShards(backend, detectorId));
  return bestEffort(ring, timeoutMs, { detectorId }, "could not ring the detector's shards after a write; the reconciler will pick it up");
}

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
import { getQueueBackend } from "@/lib/server/queue";

const SYNCS = { poll: syncPollSchedulers, train: syncTrainSchedulers } satisfies Record<string, (b: QueueBackend) => Promise<unknown>>;
export type ScheduleKind = keyof typeof SYNCS;

/** The request waits at most this long; a sync still running then finishes in the background. */
export const SYNC_AFTER_WRITE_TIMEOUT_MS = 2_000;

export async function syncSchedulesAfterWrite(kind: ScheduleKind, timeoutMs = SYNC_AFTER_WRITE_TIMEOUT_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  const sync = getQueueBackend().then((backend) => SYNCS[kind](backend));
  try {
    await Promise.race([sync, timeout]);
  } catch (err) {
    logger.warn({ err, kind }, "schedule sync after a write failed; the worker's periodic sync will catch up");
  } finally {
    clearTimeout(timer);
    sync.catch(() => undefined);
  }
}

/**
 * The reconciler makes the queue disposable: every ~30 s it re-derives from PostgreSQL which
 * (detector, series) pairs lag their data and enqueues detection for them. A lost Redis, a job
 * dropped by deduplication or a worker killed mid-run is caught up on the next tick.
 */
import type { QueueBackend } from "@/lib/queue/connection";
import { JOBS } from "@/lib/queue/contract";
import { findLaggingPairs } from "@/lib/server/queries/detector-state";
import { enqueueDetect } from "@/lib/pipeline/schedule";

export const RECONCILE_SCHEDULER_ID = "system.reconcile";
export const RECONCILE_EVERY_MS = 30_000;

/** `lagging`: pairs behind their data; `enqueued`: the (detector, shard) jobs that cover them. */
export async function reconcileDetection(backend: QueueBackend): Promise<{ lagging: number; enqueued: number }> {
  const pairs = await findLaggingPairs();
  return { lagging: pairs.length, enqueued: await enqueueDetect(backend, pairs) };
}

/** Stable scheduler id: restarts and extra workers upsert the same schedule, never add another. */
export async function registerReconcileScheduler(backend: QueueBackend, everyMs = RECONCILE_EVERY_MS): Promise<void> {
  await backend
    .queue(JOBS["system.reconcile"].queue)
    .upsertJobScheduler(RECONCILE_SCHEDULER_ID, { every: everyMs }, { name: "system.reconcile", data: {} });
}
